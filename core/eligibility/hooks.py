"""What the eligibility domain contributes through the plugin hooks: the Zugangsprüfung page and
its API (built-in, always on). Its data lives in ``access_decision``, declared by the cases
domain."""

from __future__ import annotations

from core import hookimpl

#: After the cases domain (its table and permissions come first).
ORDER = 25


@hookimpl
def lotse_blueprints():
    from core.eligibility.views import bp

    return [bp]


@hookimpl
def lotse_api_blueprints():
    from core.eligibility.api import blp

    return [blp]
