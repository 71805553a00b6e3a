"""Hook implementations of the Pflegesetting plugin."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from core.plugin_api import hookimpl, load_form_definitions, plugin_settings

FORMS = Path(__file__).parent / "forms"
#: The section of the care checklist holding the indicative score (tenant setting
#: ``indicative_score``): the source defines no score, so it is left out unless switched on.
SCORE_SECTION = "indikativ"


@lru_cache(maxsize=2)
def _definitions(with_score: bool) -> tuple:
    """Read and checked once per process (the definitions are frozen data), with or without the
    indicative score."""
    definitions = load_form_definitions(FORMS)
    if with_score:
        return tuple(definitions)
    return tuple(_without_score(d) for d in definitions)


def _without_score(definition):
    """The definition without the score section, and its translations without that section's
    labels (a translation may only name paths the definition has)."""
    kept = tuple(s for s in definition.sections if s.key != SCORE_SECTION)
    if len(kept) == len(definition.sections):
        return definition
    trimmed = replace(definition, sections=kept)
    translations = {
        locale: {
            **entry,
            "labels": {
                path: text
                for path, text in (entry.get("labels") or {}).items()
                if trimmed.german(path) is not None
            },
        }
        for locale, entry in definition.translations.items()
    }
    return replace(trimmed, translations=translations)


def score_enabled(tenant) -> bool:
    """Whether ``tenant`` switched the indicative score on (off by default; off for the stand-in
    tenant of the start-up checks, which has no id)."""
    if tenant is None or getattr(tenant, "id", None) is None:
        return False
    return bool(plugin_settings(tenant, "pflegesetting").get("indicative_score"))


@hookimpl
def lotse_form_definitions(tenant):
    """The Checkliste „Bedarfseinschätzung im Unterstützungsbereich Pflegesetting“."""
    return list(_definitions(score_enabled(tenant)))
