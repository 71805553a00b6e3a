"""Hook implementations of the Oberhausen plugin."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.plugin_api import hookimpl, load_form_definitions

FORMS = Path(__file__).parent / "forms"


@lru_cache(maxsize=1)
def _definitions() -> tuple:
    """Read and checked once per process: the definitions are frozen data."""
    return tuple(load_form_definitions(FORMS))


@hookimpl
def lotse_form_definitions(tenant):
    """The Checkliste „Zugangsbedingungen“ (Anlage 9.2.1) and the Erhebungsbogen Erstgespräch
    (Anlage 9.2.3); the Pflegesetting checklist (9.2.2) comes from the ``pflegesetting`` plugin."""
    return list(_definitions())
