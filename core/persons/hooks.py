"""What the persons domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Persons (clients) and households."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl, labels
from core.privacy.registry import (
    CLIENTS,
    CONSENT_BASIS,
    ERASE,
    KEEP,
    PSEUDONYM,
    YEAR,
    DataCategory,
    DataTable,
    FieldLabels,
    category_columns,
)

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 10


@hookimpl
def lotse_blueprints():
    from core.persons.views import bp

    return [bp]


# --- personal data (core.privacy.registry) --------------------------------------------------------


CATEGORIES = (
    DataCategory(
        "client_master",
        _l("Master data of clients"),
        _l("Identification and contact for counselling and case management"),
        CONSENT_BASIS,
        CLIENTS,
        "client_file",
    ),
    DataCategory(
        "client_residence",
        _l("Residence status"),
        _l("Checking access to services and deadlines of residence permits"),
        CONSENT_BASIS,
        CLIENTS,
        "client_file",
    ),
)


PERSON_COLUMNS = {
    "first_name": ("client_master", PSEUDONYM),
    "last_name": ("client_master", PSEUDONYM),
    "other_names": ("client_master", ERASE),
    "birth_date": ("client_master", YEAR),
    "gender": ("client_master", KEEP),
    "nationality": ("client_master", KEEP),
    "languages": ("client_master", KEEP),
    "interpreter_needed": ("client_master", KEEP),
    "interpreter_language": ("client_master", KEEP),
    "residence_status": ("client_residence", KEEP),
    "residence_issued_on": ("client_residence", ERASE),
    "first_residence_title_on": ("client_residence", ERASE),
    "residence_valid_until": ("client_residence", ERASE),
    "street": ("client_master", ERASE),
    "postcode": ("client_master", ERASE),
    "city": ("client_master", ERASE),
    "phone": ("client_master", ERASE),
    "email": ("client_master", ERASE),
    "name_key": ("client_master", ERASE),
    "sort_name": ("client_master", ERASE),
    "created_by_id": ("client_master", KEEP),
    "updated_at": ("client_master", KEEP),
    "created_at": ("client_master", KEEP),
    "restricted_at": ("client_master", ERASE),
    "restriction_reason": ("client_master", ERASE),
    "anonymised_at": ("client_master", KEEP),
    "processing_revoked_at": ("client_master", KEEP),
}


TABLES = (
    DataTable(
        "person",
        "self",
        PERSON_COLUMNS,
        codes=frozenset(
            {"gender", "nationality", "languages", "interpreter_language", "residence_status"}
        ),
    ),
    DataTable(
        "household", "household", {"name": ("client_master", ERASE), "created_at": (None, KEEP)}
    ),
    # The name search index repeats the names in searchable pieces: erased with the person,
    # deleted on anonymisation (the placeholder names are never searched for).
    DataTable(
        "person_name_token",
        "person",
        category_columns("client_master", "person_id kind token", token=ERASE),
        on_anonymise="delete",
        codes=frozenset({"kind"}),
    ),
    DataTable(
        "household_member",
        "person",
        category_columns("client_master", "household_id person_id role"),
        on_anonymise="delete",
        codes=frozenset({"role"}),
    ),
)


LABELS = FieldLabels(
    tables={
        "person": _l("Master data"),
        "household": _l("Household"),
        "household_member": _l("Household membership"),
        "person_name_token": _l("Name search index"),
    },
    columns={
        "first_name": _l("First name"),
        "last_name": _l("Last name"),
        "other_names": _l("Other names and spellings"),
        "birth_date": _l("Date of birth"),
        "gender": _l("Gender"),
        "nationality": _l("Nationality"),
        "languages": _l("Languages"),
        "interpreter_needed": _l("Interpreter needed"),
        "interpreter_language": _l("Language for the interpreter"),
        "residence_status": _l("Residence status"),
        "residence_issued_on": _l("Residence permit issued on"),
        "first_residence_title_on": _l("First residence title issued on"),
        "residence_valid_until": _l("Residence permit valid until"),
        "street": _l("Street"),
        "postcode": _l("Postcode"),
        "city": _l("City"),
        "phone": _l("Phone"),
        "email": _l("E-mail"),
        "name_key": _l("Phonetic search key"),
        "sort_name": _l("Sort key"),
        "created_by_id": _l("Created by (staff number)"),
        "updated_at": _l("Last changed"),
        "created_at": _l("Created"),
        "restricted_at": _l("Processing restricted since"),
        "restriction_reason": _l("Reason for the restriction"),
        "anonymised_at": _l("Anonymised on"),
        "name": _l("Name"),
        "household_id": _l("Household (record number)"),
        "person_id": _l("Person (record number)"),
        "role": _l("Role"),
        "token": _l("Search key"),
    },
    codes={
        ("person", "gender"): labels.GENDER_LABELS,
        ("person", "residence_status"): labels.RESIDENCE_LABELS,
        ("household_member", "role"): labels.HOUSEHOLD_ROLE_LABELS,
        ("person_name_token", "kind"): {
            "word": _l("Name word"),
            "phon": _l("Phonetic code"),
            "sort": _l("Sort key"),
        },
    },
)


@hookimpl
def lotse_data_categories():
    return [*CATEGORIES, *TABLES, LABELS]
