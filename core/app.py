"""The only app factory."""

from __future__ import annotations

import logging

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import core.file_modes  # noqa: F401  (SQLite files 0600 on every connect)
import core.models  # noqa: F401  (complete mapper registry before anything queries)
import core.privacy.erasure  # noqa: F401  (files of erased rows go on commit)
import core.privacy.requests  # noqa: F401  (the Art. 18 freeze listens on every flush)
from core import config as lotse_config
from core.auth.passwords import init_app as init_passwords
from core.auth.permissions import PermissionRegistry
from core.auth.throttle import init_throttle
from core.extensions import babel, csrf, db, login_manager
from core.i18n import select_locale
from core.input_guard import init_input_guard
from core.labels import init_labels
from core.plugins.checks import validate_extension_points
from core.plugins.manager import LotsePluginManager
from core.plugins.relay import enter_tenant as enter_plugin_tenant
from core.privacy.registry import build_registry
from core.security import set_security_headers
from core.tenancy.resolve import init_resolution
from core.theming import TenantPartialLoader, init_theming

log = logging.getLogger(__name__)


def create_app(
    config: dict | None = None, *, plugin_manager: LotsePluginManager | None = None
) -> Flask:
    app = Flask(
        "lotse",
        root_path=str(lotse_config.PROJECT_ROOT / "core"),
        template_folder=str(lotse_config.PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=str(lotse_config.instance_path()),
    )
    app.config.update(lotse_config.from_environment())
    if config:
        app.config.update(config)
    if app.config["LOTSE_TRUSTED_PROXIES"]:
        n = app.config["LOTSE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    # Before tenant resolution and before any route exists: bad input never reaches a query.
    init_input_guard(app)
    init_resolution(app, on_enter=[enter_plugin_tenant])
    # Membership is checked before CSRF: a foreign tenant's URL is a plain 404 for every method.
    _register_access_control(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(lotse_config.PROJECT_ROOT / "core" / "translations"),
    )
    login_manager.init_app(app)
    init_throttle(app)
    init_passwords(app)

    pm = plugin_manager or LotsePluginManager()
    if plugin_manager is None and app.config["LOTSE_PLUGINS_AUTOLOAD"]:
        pm.load_entry_points()
    if app.config["LOTSE_TRACE_HOOKS"]:
        pm.trace_calls()
    pm.validate()
    app.extensions["lotse.pm"] = pm

    # Core domains contribute through the same hooks as plugins (core/<domain>/hooks.py).
    registry = PermissionRegistry()
    for permissions in pm.hook.lotse_permissions():
        for permission in permissions:
            registry.register(permission)
    app.extensions["lotse.permissions"] = registry
    app.extensions["lotse.data_registry"] = build_registry(pm)

    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(lotse_config.PROJECT_ROOT / "templates")), TenantPartialLoader(app)]
    )
    init_theming(app)
    init_labels(app)
    _register_blueprints(app, pm)
    _register_errors(app)
    app.after_request(set_security_headers)
    # Plugins' providers, phase requirements and template slots: a mistake stops the start.
    validate_extension_points(app)
    return app


def _register_blueprints(app: Flask, pm: LotsePluginManager) -> None:
    from core.api import init_api

    plugin_blueprints = []
    for owner, blueprints in pm.contributions("lotse_blueprints"):
        for bp in blueprints:
            if pm.is_builtin(owner):
                app.register_blueprint(bp)
            else:
                plugin_blueprints.append(bp)
    init_api(app, pm)
    core_rules = {
        rule.rule.split("/")[2]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/<tenant>/")
    }
    for bp in plugin_blueprints:
        slug = (bp.url_prefix or "").split("/")[2:3]
        if slug and slug[0] in core_rules:
            raise ValueError(f"plugin blueprint {bp.name} collides with core URL /{slug[0]}/")
        app.register_blueprint(bp)


def _register_access_control(app: Flask) -> None:
    """Every tenant route: the user must be a member of that tenant (else 404, never a hint);
    a session opened for another tenant must be switched explicitly; views are private unless
    marked :func:`core.web.public`."""
    from core.auth.services import membership_of, open_invitation_for
    from core.web import is_public, wants_json

    # What the owner of an open invitation (not yet a member) may reach: accept/decline it.
    invitee_endpoints = {
        "auth.invitation",
        "auth.second_factor",
        "auth.logout",
        "auth.switch_tenant",
    }

    @app.before_request
    def _tenant_access():
        tenant = g.get("tenant")
        g.membership = None
        if tenant is None:
            return None
        view = app.view_functions.get(request.endpoint)
        if current_user.is_authenticated:
            membership = membership_of(current_user, tenant)
            if membership is None:
                if open_invitation_for(current_user, tenant) is None:
                    # Render the 404 as if the tenant did not exist: not even its name shows.
                    g.tenant = None
                    abort(404)
                if request.endpoint not in invitee_endpoints:
                    if wants_json():
                        abort(404)
                    return redirect(url_for("auth.invitation"))
            g.membership = membership
            auth_session = current_user.auth_session
            if auth_session is not None and auth_session.tenant_id != tenant.id:
                if request.endpoint not in ("auth.switch_tenant", "auth.logout"):
                    return redirect(url_for("auth.switch_tenant", next=request.full_path))
            elif auth_session is not None and not auth_session.fully_authenticated:
                if request.endpoint not in ("auth.second_factor", "auth.logout"):
                    return redirect(url_for("auth.second_factor"))
            return None
        if view is not None and is_public(view):
            return None
        if request.endpoint is None:
            return None
        if wants_json():
            return jsonify({"message": "authentication required", "status": 401}), 401
        return redirect(url_for("auth.login", next=request.full_path))


def _register_errors(app: Flask) -> None:
    from core.errors import register_error_handlers

    register_error_handlers(app)
