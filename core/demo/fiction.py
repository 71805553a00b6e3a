"""Where the demo fiction lives: beside the example tenants, never in core.

``<tenants>/demo.toml`` names the tenants ``lotse demo`` loads (in order) and the one account
that works for two of them; ``<tenants>/<slug>/demo.py`` tells a tenant's surroundings and its
stories (see :mod:`core.demo.stories`). ``<tenants>`` is ``LOTSE_TENANTS_DIR``. A tenant without
a ``demo.py`` gets the generic surroundings below and no stories.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import current_app, has_app_context

from core.demo.stories import Story

#: The placeholders every story may use; a tenant's ``CONTEXT`` overrides them.
DEFAULT_CONTEXT: dict[str, Any] = {
    "place": "",
    "towns": (("Musterstadt", "12345"),),
    "jobcenter": "Jobcenter",
    "abh": "Ausländerbehörde",
    "language": "Volkshochschule (Integrations- und Berufssprachkurse)",
    "care": "Pflegeberatung / Pflegestützpunkt",
    "youth": "Jugendamt",
    "mbe": "Migrationsberatung für Erwachsene (MBE)",
    "jmd": "Jugendmigrationsdienst",
    "debt": "Schuldner- und Insolvenzberatung",
    "social": "Sozialamt",
    "recognition": "Anerkennungsberatung (IQ Netzwerk)",
    "target_first": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
    "target_family": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
    "target_care": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
}


@dataclass(frozen=True)
class DemoSet:
    """What ``<tenants>/demo.toml`` says."""

    #: The example tenants, in the order ``lotse demo`` loads them (and the round-robin generator of
    #: ``core.demo.scale`` fills them).
    tenants: tuple[str, ...]
    #: The display name of the account working in several tenants, and those tenants.
    network_name: str = ""
    network_tenants: tuple[str, ...] = ()


@dataclass(frozen=True)
class TenantFiction:
    """What ``<tenants>/<slug>/demo.py`` says about one tenant."""

    context: dict[str, Any]
    #: Which of a story's alternative client names the tenant uses.
    name_variant: int
    stories: tuple[Story, ...]
    #: ``core.demo.scale`` gives the tenant young clients (12–27 years, a Jugendmigrationsdienst).
    young_clients: bool = False


def tenants_dir() -> Path:
    """The configured tenants folder (outside an app: the one the default configuration uses)."""
    if has_app_context():
        return Path(current_app.config["LOTSE_TENANTS_DIR"])
    from core.config import PROJECT_ROOT

    return Path(os.environ.get("LOTSE_TENANTS_DIR", str(PROJECT_ROOT / "tenants")))


def demo_set(directory: Path | None = None) -> DemoSet:
    path = (directory or tenants_dir()) / "demo.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    network = data.get("network", {})
    return DemoSet(
        tenants=tuple(data["tenants"]),
        network_name=network.get("name", ""),
        network_tenants=tuple(network.get("tenants", ())),
    )


def tenant_fiction(slug: str, name: str, directory: Path | None = None) -> TenantFiction:
    """The fiction of tenant ``slug`` (display name ``name``, the fallback for ``{place}``)."""
    path = (directory or tenants_dir()) / slug / "demo.py"
    module = _load(path.resolve()) if path.exists() else None
    context = dict(DEFAULT_CONTEXT)
    context.update(getattr(module, "CONTEXT", {}))
    if not context["place"]:
        context["place"] = name
    return TenantFiction(
        context=context,
        name_variant=getattr(module, "NAME_VARIANT", zlib.crc32(slug.encode())),
        stories=tuple(getattr(module, "STORIES", ())),
        young_clients=bool(getattr(module, "YOUNG_CLIENTS", False)),
    )


def load_stories(path: Path) -> tuple[Story, ...]:
    """The ``STORIES`` of a shared story file (``tenants/_stories/…``), for a tenant's demo.py."""
    return tuple(_load(Path(path).resolve()).STORIES)


@lru_cache(maxsize=64)
def _load(path: Path) -> ModuleType:
    """Run a fiction file once per process; tenants' folders are not packages (``jmd-oberhausen``
    is no module name), so the file is loaded by path."""
    name = "lotse_demo_fiction." + "_".join(path.parts[-2:]).removesuffix(".py").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load demo fiction from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
