"""German-first display labels for the codes stored in the database."""

from functools import lru_cache

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

GENDER_LABELS = {
    "female": _l("female"),
    "male": _l("male"),
    "diverse": _l("diverse"),
    "unspecified": _l("not specified"),
}

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

ACCESS_OUTCOME_LABELS = {
    "admitted": _l("Support is needed. Counselling is taken up."),
    "referred": _l("Referred to another service"),
    "crisis": _l("Acute crisis – admitted because of a stated reason"),
    "not_admitted": _l("Not admitted"),
}

CLOSURE_REASON_LABELS = {
    "anonymised": _l("Anonymised"),
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

ACHIEVEMENT_LABELS = {
    0: _l("not at all"),
    1: _l("a little"),
    2: _l("partly"),
    3: _l("largely"),
    4: _l("fully"),
}

RESPONSIBLE_LABELS = {
    "client": _l("Client"),
    "case_manager": _l("Case manager"),
    "partner": _l("Partner"),
}

ITEM_STATUS_LABELS = {
    "open": _l("open"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "dropped": _l("dropped"),
}

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
    "active": _l("valid"),
    "revoked": _l("revoked"),
    "partly_revoked": _l("partly revoked"),
    "expired": _l("expired"),
}

DISCLOSURE_CHANNEL_LABELS = {
    "referral": _l("referral"),
    "case_conference": _l("case conference"),
    "export": _l("export"),
    "print": _l("print"),
    "phone": _l("phone"),
    "letter": _l("letter"),
    "email": _l("e-mail"),
}


# --- nationality and languages as codes (ISO 3166-1 alpha-2, ISO 639-1 / -3) -----------------
# Stored as codes so statistics survive anonymisation and no free text identifies anyone; the
# names come from Babel's CLDR data (offline), German in the German UI and in documents.

#: Not in ISO 3166-1: statelessness (user-assigned code range X*).
STATELESS = "XS"
#: Languages CLDR has no name for, but counselling needs (ISO 639-3), German and English name.
EXTRA_LANGUAGES = {"prs": ("Dari", "Dari")}
_NOT_LANGUAGES = {"und", "zxx", "mul", "mis", "root"}


def _locale_name(locale=None) -> str:
    if locale is None:
        from flask_babel import get_locale

        try:
            locale = get_locale()
        except Exception:  # outside a request: documents are German
            locale = None
    return "en" if str(locale or "de").startswith("en") else "de"


def country_names(locale=None) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name (German unless ``locale`` is English)."""
    return _country_names(_locale_name(locale))


def language_names(locale=None) -> dict[str, str]:
    """ISO 639-1 code (ISO 639-3 where no 639-1 exists) -> language name."""
    return _language_names(_locale_name(locale))


@lru_cache(maxsize=4)
def _country_names(locale: str) -> dict[str, str]:
    from babel import Locale

    names = {
        code: name
        for code, name in Locale(locale).territories.items()
        if len(code) == 2
        and code.isalpha()
        and code not in ("EU", "EZ", "UN", "QO", "ZZ", "XA", "XB")
    }
    names[STATELESS] = "staatenlos" if locale == "de" else "stateless"
    return dict(sorted(names.items(), key=lambda item: _fold(item[1])))


@lru_cache(maxsize=4)
def _language_names(locale: str) -> dict[str, str]:
    from babel import Locale

    names = {
        code: name
        for code, name in Locale(locale).languages.items()
        if "_" not in code and code.isalpha() and len(code) in (2, 3) and code not in _NOT_LANGUAGES
    }
    for code, (de, en) in EXTRA_LANGUAGES.items():
        names.setdefault(code, de if locale == "de" else en)
    return dict(sorted(names.items(), key=lambda item: _fold(item[1])))


def _fold(text: str) -> str:
    import unicodedata

    return "".join(
        c
        for c in unicodedata.normalize("NFKD", str(text).casefold())
        if not unicodedata.combining(c)
    ).strip()


def country_label(code, locale=None) -> str:
    """The country's name for a stored code ("" for none); an unknown code is shown as it is."""
    return country_names(locale).get(code or "", code or "")


def language_label(code, locale=None) -> str:
    return language_names(locale).get(code or "", code or "")


#: Languages written right to left: documents in them are laid out with ``dir="rtl"``.
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb", "he", "ur"})


def is_rtl(code) -> bool:
    """Is ``code`` (``"ar"``, ``"fa-AF"`` …) written right to left?"""
    return str(code or "").split("-")[0].split("_")[0].lower() in RTL_LANGUAGES


def language_list_label(codes, locale=None) -> str:
    return ", ".join(language_label(c, locale) for c in (codes or []))


#: German nationality adjectives and other common spellings -> country code (to read old free
#: text and form input; names and codes are matched anyway).
COUNTRY_ALIASES = {
    "afghanisch": "AF",
    "ägyptisch": "EG",
    "albanisch": "AL",
    "algerisch": "DZ",
    "armenisch": "AM",
    "aserbaidschanisch": "AZ",
    "äthiopisch": "ET",
    "bosnisch": "BA",
    "bulgarisch": "BG",
    "chinesisch": "CN",
    "deutsch": "DE",
    "eritreisch": "ER",
    "französisch": "FR",
    "gambisch": "GM",
    "georgisch": "GE",
    "ghanaisch": "GH",
    "griechisch": "GR",
    "guineisch": "GN",
    "indisch": "IN",
    "irakisch": "IQ",
    "iranisch": "IR",
    "italienisch": "IT",
    "jemenitisch": "YE",
    "jordanisch": "JO",
    "kamerunisch": "CM",
    "kasachisch": "KZ",
    "kosovarisch": "XK",
    "kroatisch": "HR",
    "libanesisch": "LB",
    "libysch": "LY",
    "marokkanisch": "MA",
    "moldauisch": "MD",
    "mazedonisch": "MK",
    "nordmazedonisch": "MK",
    "nigerianisch": "NG",
    "pakistanisch": "PK",
    "palästinensisch": "PS",
    "polnisch": "PL",
    "portugiesisch": "PT",
    "rumänisch": "RO",
    "russisch": "RU",
    "serbisch": "RS",
    "slowakisch": "SK",
    "somalisch": "SO",
    "spanisch": "ES",
    "sri-lankisch": "LK",
    "sudanesisch": "SD",
    "syrisch": "SY",
    "tadschikisch": "TJ",
    "tschechisch": "CZ",
    "tschetschenisch": "RU",
    "tunesisch": "TN",
    "türkisch": "TR",
    "ukrainisch": "UA",
    "ungarisch": "HU",
    "usbekisch": "UZ",
    "vietnamesisch": "VN",
    "weißrussisch": "BY",
    "belarussisch": "BY",
    "staatenlos": STATELESS,
    "stateless": STATELESS,
    "kosovo": "XK",
    "syrian": "SY",
    "afghan": "AF",
    "iraqi": "IQ",
    "iranian": "IR",
    "turkish": "TR",
    "ukrainian": "UA",
    "eritrean": "ER",
    "somali": "SO",
    "german": "DE",
    "polish": "PL",
    "romanian": "RO",
    "bulgarian": "BG",
    "russian": "RU",
}

#: Common spellings and dialect names -> language code.
LANGUAGE_ALIASES = {
    "farsi": "fa",
    "dari": "prs",
    "kurmandschi": "ku",
    "kurmanci": "ku",
    "kurmanji": "ku",
    "sorani": "ckb",
    "pular": "ff",
    "fula": "ff",
    "darija": "ar",
    "paschtu": "ps",
    "paschto": "ps",
    "pashto": "ps",
    "tigrinisch": "ti",
    "tigrinja": "ti",
    "somalisch": "so",
    "serbokroatisch": "sh",
    "zaza": "zza",
}


def _match(text, names_de, names_en, aliases, *, upper: bool) -> str | None:
    raw = str(text or "").strip()
    if not raw:
        return ""
    code = raw.upper() if upper else raw.lower()
    if code in names_de:
        return code
    wanted = _fold(raw)
    candidates = [wanted]
    if "(" in raw:  # "Kurdisch (Kurmandschi)": a known dialect first, else the language
        inner = _fold(raw[raw.index("(") + 1 :].rstrip(")"))
        if inner in aliases:
            return aliases[inner]
        candidates = [_fold(raw[: raw.index("(")])]
    for candidate in candidates:
        if candidate in aliases:
            return aliases[candidate]
        for names in (names_de, names_en):
            for key, name in names.items():
                if _fold(name) == candidate:
                    return key
    return None


def country_code(text) -> str | None:
    """A country code for a code, a German or English name or a nationality adjective; "" for
    empty input, None when nothing matches."""
    return _match(
        text,
        _country_names("de"),
        _country_names("en"),
        {_fold(k): v for k, v in COUNTRY_ALIASES.items()},
        upper=True,
    )


def language_code(text) -> str | None:
    """A language code for a code or a German or English name ("Arabisch (Syrisch)" -> "ar")."""
    return _match(
        text,
        _language_names("de"),
        _language_names("en"),
        {_fold(k): v for k, v in LANGUAGE_ALIASES.items()},
        upper=False,
    )


def birth_label(person) -> str:
    """The birth date for display; only the year once the file is anonymised (the stored
    1 July is a placeholder, not a birthday)."""
    from flask_babel import format_date

    born = getattr(person, "birth_date", None)
    if born is None:
        return ""
    return (
        str(born.year)
        if getattr(person, "anonymised_at", None) is not None
        else format_date(born, "medium")
    )


def init_labels(app):
    from flask_babel import get_locale

    from core.auth.permissions import ROLES, has_permission
    from core.auth.sessions import describe_user_agent

    app.add_template_filter(describe_user_agent, "browser")
    app.add_template_filter(country_label, "country")
    app.add_template_filter(language_label, "language")
    app.add_template_filter(language_list_label, "languages")
    app.add_template_filter(birth_label, "born")
    app.add_template_global(is_rtl, "is_rtl")

    @app.context_processor
    def _labels():
        return {
            "tenant_kind_labels": TENANT_KIND_LABELS,
            "org_unit_kind_labels": ORG_UNIT_KIND_LABELS,
            "role_labels": ROLES,
            "locale_labels": LOCALE_LABELS,
            "has_permission": has_permission,
            "get_locale": get_locale,
            "country_names": country_names,
            "language_names": language_names,
            "labels": {
                "gender": GENDER_LABELS,
                "residence": RESIDENCE_LABELS,
                "household_role": HOUSEHOLD_ROLE_LABELS,
                "channel": CHANNEL_LABELS,
                "access_path": ACCESS_PATH_LABELS,
                "access_outcome": ACCESS_OUTCOME_LABELS,
                "closure_reason": CLOSURE_REASON_LABELS,
                "evaluation": EVALUATION_LABELS,
                "goal_status": GOAL_STATUS_LABELS,
                "achievement": ACHIEVEMENT_LABELS,
                "responsible": RESPONSIBLE_LABELS,
                "item_status": ITEM_STATUS_LABELS,
                "plan_status": PLAN_STATUS_LABELS,
                "follow_up_kind": FOLLOW_UP_KIND_LABELS,
                "case_status": CASE_STATUS_LABELS,
                "data_category": DATA_CATEGORY_LABELS,
                "consent_status": CONSENT_STATUS_LABELS,
                "disclosure_channel": DISCLOSURE_CHANNEL_LABELS,
            },
        }
