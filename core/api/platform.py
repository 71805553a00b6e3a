"""API resources of the platform foundation: who am I, org units, plugins."""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from core.admin import services as admin
from core.admin.schemas import OrgUnitSchema, PluginSchema, PluginSwitchSchema
from core.auth.permissions import current_permissions, require_permission
from core.auth.schemas import MeSchema
from core.db import db
from core.plugins import services as plugins
from core.tenancy.models import OrgUnit

me_blp = Blueprint("api_me", __name__, url_prefix="/me", description="The signed-in user")
org_blp = Blueprint(
    "api_org_units", __name__, url_prefix="/org-units", description="Org units and locations"
)
plugin_blp = Blueprint(
    "api_plugins", __name__, url_prefix="/plugins", description="Plugins of this tenant"
)


def blueprints():
    return (me_blp, org_blp, plugin_blp)


@me_blp.route("")
class Me(MethodView):
    @me_blp.response(200, MeSchema)
    def get(self):
        membership = g.membership
        return {
            "id": current_user.id,
            "email": current_user.email,
            "display_name": current_user.display_name,
            "roles": membership.roles,
            "permissions": sorted(current_permissions()),
            "org_unit_id": membership.org_unit_id,
            "tenant": g.tenant,
        }


@org_blp.route("")
class OrgUnits(MethodView):
    @org_blp.response(200, OrgUnitSchema(many=True))
    def get(self):
        return admin.org_units()

    @org_blp.arguments(OrgUnitSchema)
    @org_blp.response(201, OrgUnitSchema)
    def post(self, data):
        require_permission("admin.org_units")
        unit = admin.save_org_unit(g.tenant, current_user._get_current_object(), None, data)
        db.session.commit()
        return unit


@org_blp.route("/<int:unit_id>")
class OrgUnitItem(MethodView):
    @org_blp.response(200, OrgUnitSchema)
    def get(self, unit_id):
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.id == unit_id))
        if unit is None:
            abort(404)
        return unit

    @org_blp.arguments(OrgUnitSchema)
    @org_blp.response(200, OrgUnitSchema)
    def put(self, data, unit_id):
        require_permission("admin.org_units")
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.id == unit_id))
        if unit is None:
            abort(404)
        unit = admin.save_org_unit(g.tenant, current_user._get_current_object(), unit, data)
        db.session.commit()
        return unit


def _plugin_rows():
    enabled = plugins.enabled_plugins(g.tenant)
    pm = plugins.manager()
    return [
        {
            "name": name,
            "title": str(meta.title),
            "description": str(meta.description),
            "version": meta.version,
            "enabled": name in enabled,
            "requires": sorted(pm.requires_deep(name)),
        }
        for name, meta in sorted(pm.metas.items())
    ]


@plugin_blp.route("")
class Plugins(MethodView):
    @plugin_blp.response(200, PluginSchema(many=True))
    def get(self):
        return _plugin_rows()


@plugin_blp.route("/<name>")
class PluginItem(MethodView):
    @plugin_blp.arguments(PluginSwitchSchema)
    @plugin_blp.response(200, PluginSchema(many=True))
    def put(self, data, name):
        """Switch a plugin on (dependencies follow) or off (dependants follow; data is kept)."""
        require_permission("admin.plugins")
        if name not in plugins.manager().metas:
            abort(404)
        admin.switch_plugin(g.tenant, current_user._get_current_object(), name, data)
        db.session.commit()
        return _plugin_rows()
