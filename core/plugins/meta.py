"""What a plugin says about itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_always = lambda tenant: True  # noqa: E731


@dataclass(frozen=True)
class PluginMeta:
    """Declared as ``PLUGIN = PluginMeta(...)`` in a plugin package's ``__init__``."""

    #: snake_case name; also the blueprint (``plugin_<name>``), template folder and table prefix.
    name: str
    title: object
    description: object = ""
    version: str = "0.1.0"
    #: Lotse versions the plugin works with, a PEP 440 range such as ``">=0.1,<1"``; checked at
    #: start-up (an incompatible plugin stops the start). None: no constraint.
    lotse_version: str | None = None
    #: Other plugins that must be enabled first (enabling pulls them in).
    requires: frozenset[str] = field(default_factory=frozenset)
    #: Only a platform operator may switch it on (e.g. plugins with contractual implications).
    restricted: bool = False
    #: URL path segment below ``/<tenant>/``; defaults to the name with hyphens.
    url_slug: str | None = None
    #: marshmallow schema class validating the per-tenant settings.
    settings_schema: type | None = None
    is_available: Callable = _always
    on_enable: Callable | None = None
    on_disable: Callable | None = None

    @property
    def blueprint_name(self) -> str:
        return f"plugin_{self.name}"

    @property
    def slug(self) -> str:
        return self.url_slug or self.name.replace("_", "-")

    @property
    def translation_domain(self) -> str:
        return f"plugin_{self.name}"
