"""What the home domain contributes through the plugin hooks: a built-in plugin, always on for every
tenant (:mod:`core.plugins.builtins`). The start pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web import MenuItem


@hookimpl
def lotse_blueprints():
    from core.home.views import bp

    return [bp]


MENU = (MenuItem(_l("Start page"), "home.dashboard", order=10),)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU
