"""Locale selection and translation domains.

Core strings live in the ``messages`` domain (``core/translations``). Every plugin has its own
domain ``plugin_<name>`` in ``plugins/<name>/translations``; a plugin domain is built on top of the
core catalog, so core strings in shared layouts stay translated on plugin pages.
English msgids; German is the default locale and its catalog is complete (a test checks it).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import Domain
from flask_babel.speaklater import LazyString
from flask_login import current_user

CORE_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SUPPORTED_LOCALES = ("de", "en")


def select_locale() -> str:
    """User preference, then the tenant default; always one of the tenant's locales."""
    tenant = g.get("tenant")
    allowed = tuple(tenant.locales) if tenant is not None else SUPPORTED_LOCALES
    user = current_user if has_request_context() else None
    preferred = getattr(user, "locale", "") if user is not None and user.is_authenticated else ""
    if preferred and preferred in allowed:
        return preferred
    if tenant is not None:
        return tenant.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _domains() -> dict[str, Domain]:
    return current_app.extensions.setdefault("lotse.i18n_domains", {})


def plugin_domain(domain_name: str) -> Domain:
    """The flask-babel Domain for a plugin: core catalog merged under the plugin catalog."""
    domains = _domains()
    domain = domains.get(domain_name)
    if domain is None:
        pm = current_app.extensions["lotse.pm"]
        plugin = domain_name.removeprefix("plugin_")
        directories = [str(CORE_TRANSLATIONS), str(pm.plugin_dir(plugin) / "translations")]
        domain = Domain(translation_directories=directories, domain=f"messages;{domain_name}")
        domains[domain_name] = domain
    return domain


def plugin_gettext_callables(domain_name: str) -> dict:
    domain = plugin_domain(domain_name)
    return {"_": domain.gettext, "gettext": domain.gettext, "ngettext": domain.ngettext}


def make_bound_gettext(plugin_name: str):
    """``_`` for plugin code: translates at once inside a request, lazily at import time."""
    domain_name = f"plugin_{plugin_name}"

    def _(string, **variables):
        if has_request_context():
            return plugin_domain(domain_name).gettext(string, **variables)
        return LazyString(_resolve, string, **variables)

    def _resolve(string, **variables):
        if not has_app_context():
            return string % variables if variables else string
        return plugin_domain(domain_name).gettext(string, **variables)

    return _
