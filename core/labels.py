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

GENDER_LABELS = {"female": _l("female"), "male": _l("male"), "diverse": _l("diverse"), "unspecified": _l("not specified")}

RESIDENCE_LABELS = {
    "german": _l("German citizenship"),
    "eu": _l("EU freedom of movement"),
    "permit_limited": _l("Residence permit (limited)"),
    "permit_permanent": _l("Settlement permit / permanent residence"),
    "protection": _l("Protection status (asylum, refugee, subsidiary)"),
    "gestattung": _l("Permission to reside during asylum procedure (Gestattung)"),
    "duldung": _l("Toleration (Duldung)"),
    "fiktion": _l("Fictional certificate (Fiktionsbescheinigung)"),
    "visa": _l("Visa"),
    "other": _l("Other"),
    "unknown": _l("Not known yet"),
}

HOUSEHOLD_ROLE_LABELS = {
    "head": _l("Head of household"),
    "partner": _l("Partner"),
    "parent": _l("Parent"),
    "minor_child": _l("Minor child"),
    "adult_child": _l("Adult child"),
    "relative_caregiver": _l("Relative / caregiver"),
    "other": _l("Other"),
}

CHANNEL_LABELS = {
    "in_person": _l("in person"),
    "phone": _l("by phone"),
    "email": _l("e-mail"),
    "home_visit": _l("home visit"),
    "outreach": _l("outreach"),
    "video": _l("video call"),
    "letter": _l("letter"),
}

ACCESS_PATH_LABELS = {
    "active_outreach": _l("Active outreach by case management"),
    "forwarded": _l("Forwarded by another institution"),
    "referral": _l("Referral counselling by another institution"),
}

CLOSURE_REASON_LABELS = {
    "goals_achieved": _l("Goals achieved"),
    "ended_by_client": _l("Ended by the client"),
    "lack_of_cooperation": _l("Lack of cooperation"),
    "structural_obstacles": _l("Structural obstacles (no suitable offer)"),
    "no_contact": _l("No contact for a long time"),
    "moved_away": _l("Moved away / other office responsible"),
    "transferred": _l("Handed over to another service"),
    "service_ended": _l("Service discontinued"),
    "other": _l("Other reason"),
}

EVALUATION_LABELS = {
    "satisfaction": _l("General satisfaction with the counselling"),
    "course": _l("Course of the counselling"),
    "results": _l("Results of the counselling"),
    "expectations": _l("Client's expectations met"),
    "mandate": _l("Mandate fulfilled (referral and linking)"),
}

GOAL_STATUS_LABELS = {
    "open": _l("open"),
    "in_progress": _l("in progress"),
    "achieved": _l("achieved"),
    "partly_achieved": _l("partly achieved"),
    "not_achieved": _l("not achieved"),
    "dropped": _l("dropped"),
}

ACHIEVEMENT_LABELS = {0: _l("not at all"), 1: _l("a little"), 2: _l("partly"), 3: _l("largely"), 4: _l("fully")}

RESPONSIBLE_LABELS = {"client": _l("Client"), "case_manager": _l("Case manager"), "partner": _l("Partner")}

ITEM_STATUS_LABELS = {"open": _l("open"), "in_progress": _l("in progress"), "done": _l("done"), "dropped": _l("dropped")}

PLAN_STATUS_LABELS = {"draft": _l("draft"), "agreed": _l("agreed"), "superseded": _l("superseded")}

FOLLOW_UP_KIND_LABELS = {
    "manual": _l("follow-up"),
    "help_plan_due": _l("help plan measure due"),
    "residence_expiry": _l("residence permit expires"),
    "inactivity": _l("no activity"),
    "goal_review": _l("help plan review"),
    "after_closure": _l("follow-up talk"),
    "retention_due": _l("retention period ends"),
    "privacy_request": _l("data-subject request"),
    "consent_expiry": _l("confidentiality release expires"),
}

CASE_STATUS_LABELS = {"open": _l("open"), "closed": _l("closed")}

DATA_CATEGORY_LABELS = {
    "master_data": _l("Master data (name, date of birth, address)"),
    "residence": _l("Residence status"),
    "needs": _l("Needs and assessment"),
    "goals_plan": _l("Goals and help plan"),
    "contacts": _l("Course of counselling"),
    "documents": _l("Documents"),
    "health": _l("Health and care (special category, Art. 9)"),
}

CONSENT_STATUS_LABELS = {
    "active": _l("valid"), "revoked": _l("revoked"), "partly_revoked": _l("partly revoked"), "expired": _l("expired"),
}

DISCLOSURE_CHANNEL_LABELS = {
    "referral": _l("referral"), "case_conference": _l("case conference"), "export": _l("export"), "print": _l("print"),
    "phone": _l("phone"), "letter": _l("letter"), "email": _l("e-mail"),
}


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
            "labels": {
                "gender": GENDER_LABELS, "residence": RESIDENCE_LABELS, "household_role": HOUSEHOLD_ROLE_LABELS,
                "channel": CHANNEL_LABELS, "access_path": ACCESS_PATH_LABELS, "closure_reason": CLOSURE_REASON_LABELS,
                "evaluation": EVALUATION_LABELS, "goal_status": GOAL_STATUS_LABELS, "achievement": ACHIEVEMENT_LABELS,
                "responsible": RESPONSIBLE_LABELS, "item_status": ITEM_STATUS_LABELS, "plan_status": PLAN_STATUS_LABELS,
                "follow_up_kind": FOLLOW_UP_KIND_LABELS, "case_status": CASE_STATUS_LABELS,
                "data_category": DATA_CATEGORY_LABELS, "consent_status": CONSENT_STATUS_LABELS,
                "disclosure_channel": DISCLOSURE_CHANNEL_LABELS,
            },
        }
