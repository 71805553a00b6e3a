"""German-first display labels for the codes stored in the database."""

from flask_babel import lazy_gettext as _l

TENANT_KIND_LABELS = {
    "kreis": _l("District (Kreis)"),
    "kreisfreie_stadt": _l("District-free city (kreisfreie Stadt)"),
    "traeger": _l("Welfare organisation (Träger)"),
}

ORG_UNIT_KIND_LABELS = {
    "authority": _l("Authority / coordination office"),
    "region": _l("Region / cluster"),
    "municipality": _l("Municipality"),
    "social_area": _l("Social area (Sozialraum)"),
    "team": _l("Team"),
    "provider": _l("Provider (Träger)"),
    "welcome_center": _l("Welcome Center"),
    "immigration_office": _l("Immigration / naturalisation office"),
    "service": _l("Counselling service"),
}

LOCALE_LABELS = {"de": "Deutsch", "en": "English"}


def init_labels(app):
    from flask_babel import get_locale

    from core.auth.permissions import ROLES, has_permission
    from core.auth.sessions import describe_user_agent

    app.add_template_filter(describe_user_agent, "browser")

    @app.context_processor
    def _labels():
        return {
            "tenant_kind_labels": TENANT_KIND_LABELS,
            "org_unit_kind_labels": ORG_UNIT_KIND_LABELS,
            "role_labels": ROLES,
            "locale_labels": LOCALE_LABELS,
            "has_permission": has_permission,
            "get_locale": get_locale,
        }
