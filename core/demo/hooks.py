"""What the demo package contributes through the plugin hooks: core's demo cases, through the
same ``lotse_demo_data`` a plugin implements (a built-in plugin, :mod:`core.plugins.builtins`)."""

from __future__ import annotations

from core import hookimpl


@hookimpl(trylast=True)
def lotse_demo_data(tenant):
    """The demo cases of the tenant's fiction, after the plugins' demo rows (``trylast``): a
    story may use what a plugin seeded. Nothing for a tenant without demo accounts."""
    from core.auth import services as auth
    from core.demo.accounts import account_email
    from core.demo.cases import seed_cases

    seed_cases(tenant, actor=auth.find_user(account_email("cm", tenant.slug)))
