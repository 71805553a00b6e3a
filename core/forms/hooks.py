"""What the form engine contributes through the plugin hooks (a built-in plugin, always on): the
start-up check of every plugin's form definitions and their personas."""

from __future__ import annotations

from core import hookimpl


@hookimpl
def lotse_check_extensions(app, tenant, relays):
    from core.forms.services import check_form_extensions

    check_form_extensions(app, tenant, relays)
