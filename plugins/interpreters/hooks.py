"""Hook implementations of the interpreter pool."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import url_for

from core.plugin_api import (
    KEEP,
    DataCategory,
    DataTable,
    FieldLabels,
    MenuItem,
    Permission,
    RetentionClass,
    current_permissions,
    hookimpl,
    plugin_gettext_callables,
    render_partial,
)
from plugins.interpreters import _


@hookimpl
def lotse_blueprints():
    from plugins.interpreters.views import bp

    return [bp]


@hookimpl
def lotse_api_blueprints():
    from plugins.interpreters.api import blp

    return [blp]


@hookimpl
def lotse_migration_dirs():
    return [str(Path(__file__).parent / "migrations" / "versions")]


@hookimpl
def lotse_permissions():
    return [
        Permission(
            "interpreters.view",
            _("See the interpreter pool"),
            roles=frozenset({"tenant_admin", "coordinator", "case_manager", "dpo"}),
        ),
        Permission(
            "interpreters.manage",
            _("Maintain the interpreter pool"),
            roles=frozenset({"tenant_admin", "coordinator"}),
        ),
    ]


@hookimpl
def lotse_menu_items(tenant, user):
    return [
        MenuItem(
            _("Interpreters"), "plugin_interpreters.index", order=50, permission="interpreters.view"
        )
    ]


@hookimpl
def lotse_template_slot(slot, tenant, user):
    if slot != "dashboard" or "interpreters.view" not in current_permissions():
        return None
    from plugins.interpreters import PLUGIN, services

    return render_partial(
        "interpreters/_dashboard_panel.html",
        **plugin_gettext_callables(PLUGIN.translation_domain),
        **_panel_figures(services.search()),
        url=url_for("plugin_interpreters.index"),
    )


def _panel_figures(rows) -> dict:
    from plugins.interpreters import services

    return {"count": len(rows), "languages": services.all_languages(rows)[:12]}


@hookimpl
def lotse_demo_data(tenant):
    """A small, obviously synthetic pool (names from a fictitious-name list)."""
    from plugins.interpreters import services

    if services.search(include_inactive=True):
        return
    entries = [
        (
            "Amal Demo-Haddad",
            "Sprachmittlerpool (Demo)",
            ["Arabisch (Syrisch)", "Arabisch (Irakisch)"],
            date(2025, 3, 1),
        ),
        ("Dilan Demo-Yıldız", "", ["Kurdisch (Kurmandschi)", "Türkisch"], date(2025, 1, 15)),
        ("Olena Demo-Kovalenko", "Freiberuflich", ["Ukrainisch", "Russisch"], date(2024, 11, 5)),
        ("Yonas Demo-Tesfay", "", ["Tigrinya", "Amharisch"], None),
        (
            "Farid Demo-Rahimi",
            "Sprachmittlerpool (Demo)",
            ["Dari", "Farsi", "Paschtu"],
            date(2025, 6, 2),
        ),
    ]
    for name, org, languages, pledge in entries:
        services.save(
            None,
            None,
            {
                "name": name,
                "organisation": org,
                "languages": languages,
                "pledge_signed_on": pledge.isoformat() if pledge else None,
                "by_phone": pledge is not None,
            },
        )


@hookimpl
def lotse_data_categories():
    category = "interpreter_pool"
    return [
        RetentionClass(
            "cooperation_end",
            _("Cooperation with external partners"),
            "account_end",
            None,
            _("Deleted by the coordination when the cooperation ends."),
        ),
        DataCategory(
            category,
            _("Interpreter pool"),
            _("Booking interpreters and language mediators for counselling"),
            _("Art. 6(1)(b) and (f) GDPR"),
            _("Interpreters and language mediators"),
            "cooperation_end",
        ),
        DataTable(
            "plg_interpreters_interpreter",
            "none",
            {
                column: (category, KEEP)
                for column in (
                    "name",
                    "organisation",
                    "languages",
                    "phone",
                    "email",
                    "pledge_signed_on",
                    "on_site",
                    "by_phone",
                    "notes",
                    "active",
                    "created_at",
                )
            },
        ),
        FieldLabels(
            columns={
                "organisation": _("Organisation"),
                "pledge_signed_on": _("Confidentiality pledge signed on"),
                "on_site": _("On site"),
                "by_phone": _("By phone"),
                "notes": _("Notes"),
            }
        ),
    ]
