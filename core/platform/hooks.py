"""What the platform domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). The operator console and the platform resources of
the API (who am I, org units, plugins)."""

from __future__ import annotations

from core import hookimpl

#: Position among the built-in domains: its API resources come first in the OpenAPI description.
ORDER = 5


@hookimpl
def lotse_blueprints():
    from core.platform.views import bp

    return [bp]


@hookimpl
def lotse_api_blueprints():
    from core.api import platform

    return platform.blueprints()
