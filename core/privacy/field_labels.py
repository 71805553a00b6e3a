"""Readable names for the tables and columns of the personal-data registry.

The Art. 15 package and the Art. 30 records name every field; a client or a data-protection
officer should not have to read ``residence_valid_until``. Each domain and plugin declares the
names of its tables and columns as :class:`core.privacy.registry.FieldLabels` beside its data
declarations; columns without a label fall back to their technical name.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.privacy.registry import FieldLabels, registry


def _labels() -> FieldLabels:
    return registry().labels


def table_label(table: str) -> str:
    return str(_labels().tables.get(table, table))


def column_label(column: str) -> str:
    return str(_labels().columns.get(column, column))


#: Art. 9 GDPR special categories a Datenart may hold (``DataCategory.special``).
SPECIAL_LABELS = {
    "health": _l("health data"),
    "religion": _l("religious or philosophical beliefs"),
    "ethnic_origin": _l("racial or ethnic origin"),
    "political": _l("political opinions"),
    "union": _l("trade union membership"),
    "genetic": _l("genetic data"),
    "biometric": _l("biometric data"),
    "sex_life": _l("sex life or sexual orientation"),
}


def special_note(special: str) -> str:
    """The Art. 9 note of a category ("" when it holds no special category)."""
    if not special:
        return ""
    kinds = ", ".join(
        str(SPECIAL_LABELS.get(part.strip(), part.strip())) for part in special.split(",")
    )
    return _(
        "May contain special categories of personal data (Art. 9 GDPR): %(kinds)s.", kinds=kinds
    )


START_EVENT_LABELS = {
    "closure": _l("closure of the last case"),
    "last_contact": _l("last contact"),
    "revocation": _l("revocation of the consent"),
    "event": _l("the recorded event"),
    "account_end": _l("end of the account or cooperation"),
}


def start_event_label(event: str) -> str:
    return str(START_EVENT_LABELS.get(event, event))


def labelled(table: str, column: str, value):
    """A stored code as people read it ("female" → "weiblich") on the pages and in the PDF; the
    JSON keeps the codes, which is what a machine-readable export needs."""
    mapping = _labels().codes.get((table, column))
    if mapping is not None and isinstance(value, str) and value in mapping:
        return str(mapping[value])
    return value


def category_facts(category) -> dict:
    """What every document says about a data category (Art. 15 package, Art. 30 records)."""
    return {
        "key": category.key,
        "title": str(category.title),
        "purpose": str(category.purpose),
        "legal_basis": str(category.legal_basis),
        "subjects": str(category.subjects),
        "special": category.special,
        "special_note": special_note(category.special),
    }
