"""The one registry of personal data (Datenarten, DIN 66398): which table and column holds which
category of personal data, how it belongs to a client, what anonymisation does to it and which
retention class (Löschklasse) governs it.

Core domains and plugins alike declare their tables through ``lotse_data_categories`` (core in
``core/<domain>/hooks.py``). The retention job, erasure, the Art. 15 package and the records of
processing (Art. 30) are all derived from this registry, and a contract test fails when a column
of any table is not declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

# What anonymisation does to one column.
KEEP = "keep"  # statistical value, kept as it is
ERASE = "erase"  # blanked ("" / None / [] / {})
YEAR = "year"  # a date reduced to 1 July of its year (age groups survive)
PSEUDONYM = "pseudonym"  # replaced by a fixed placeholder ("anonymisiert")
NUMBERS = "numbers"  # a JSON object keeps only its numeric values (ratings)
ORGANISATION = (
    "organisation"  # kept when it names an organisation known not to be a person, else blanked
)
#: A JSON object of answers to fields declared elsewhere (a form definition): every field gets
#: its own treatment, resolved per row through the table's :class:`DocumentColumn`.
FIELDS = "fields"
ACTIONS = (KEEP, ERASE, YEAR, PSEUDONYM, NUMBERS, ORGANISATION, FIELDS)

#: Text columns of client tables that anonymisation keeps because they hold codes from a fixed
#: list (or a record number), never free text. A test walks the registry against this list.
# How rows of a table belong to one client.
LINKS = (
    "self",  # the person row itself
    "person",  # a person_id column
    "case",  # a case_id column (case_file.person_id)
    "consent",  # a consent_id column (consent_record.person_id)
    "plan",  # a plan_id column (help_plan.case_id)
    # a household the client belongs to (shared: only touched when no other member is left)
    "household",
    "none",  # not about clients (staff, organisation, configuration)
)

# Retention start events (Startzeitpunkte).
START_EVENTS = ("closure", "last_contact", "revocation", "event", "account_end")


@dataclass(frozen=True)
class RetentionClass:
    """A Löschklasse: start event plus a period set per tenant (``settings.retention.periods``)."""

    key: str
    title: object
    start_event: str
    default_months: int | None
    description: object = ""


@dataclass(frozen=True)
class DataCategory:
    """A Datenart: data for the same purpose, on the same legal basis, about the same people."""

    key: str
    title: object
    purpose: object
    legal_basis: object
    subjects: object
    retention: str
    #: Art. 9 special category the data may contain ("health", "religion" …), or "".
    special: str = ""
    recipients: object = ""


@dataclass(frozen=True)
class DocumentColumn:
    """A JSON column whose keys are fields declared outside the registry (the answers of a form
    submission, declared by the form definition it was made with). The owner of the table
    resolves them per row: ``context`` names the row's columns it needs (e.g. form key and
    version); ``anonymise(context, value)`` returns the value with free text and identifying
    answers blanked and coded answers kept; ``describe(context, value)`` returns what the Art. 15
    package shows for it (labels people read, each field's category, Art. 9 marked)."""

    context: tuple[str, ...]
    anonymise: Callable[[Mapping[str, Any], Any], Any]
    describe: Callable[[Mapping[str, Any], Any], Any]


@dataclass(frozen=True)
class DataTable:
    """One table's declaration: every column except ``id``/``tenant_id``/``version`` is named."""

    table: str
    link: str
    #: column -> (category key, anonymisation action); category None = no personal data.
    columns: Mapping[str, tuple[str | None, str]] = field(default_factory=dict)
    #: "update" applies the column actions; "delete" removes the client's rows when anonymising.
    on_anonymise: str = "update"
    #: Text columns that hold codes from a fixed list (or a record number), never free text:
    #: the only text columns of a client table anonymisation may keep (a test walks them).
    codes: frozenset[str] = frozenset()
    #: column -> how the fields inside it resolve; exactly the columns declared with ``FIELDS``.
    documents: Mapping[str, DocumentColumn] = field(default_factory=dict)


def category_columns(
    category: str | None, names: str, **actions: str
) -> dict[str, tuple[str | None, str]]:
    """``DataTable.columns`` for the columns of one category, in table order (space-separated):
    kept unless ``actions`` names another action for a column (``topic=ERASE``). Tables with
    columns of several categories join the parts with ``|``."""
    order = names.split()
    unknown = set(actions) - set(order) or {a for a in actions.values() if a not in ACTIONS}
    if unknown:
        raise ValueError(f"unknown columns or actions: {sorted(unknown)}")
    return {name: (category, actions.get(name, KEEP)) for name in order}


@dataclass(frozen=True)
class FieldLabels:
    """Names people read instead of ``residence_valid_until`` (Art. 15 package, Art. 30 records).
    Columns without a label fall back to their technical name, so nothing is ever left out."""

    tables: Mapping[str, object] = field(default_factory=dict)
    #: By column name: the same name means the same thing in every table (first declaration wins).
    columns: Mapping[str, object] = field(default_factory=dict)
    #: ``(table, column)`` -> ``{code: label}``: stored codes as people read them.
    codes: Mapping[tuple[str, str], Mapping[str, object]] = field(default_factory=dict)


@dataclass
class Registry:
    classes: dict[str, RetentionClass]
    categories: dict[str, DataCategory]
    tables: dict[str, DataTable]
    #: table -> plugin name (None for core)
    owners: dict[str, str | None]
    labels: FieldLabels = field(default_factory=FieldLabels)

    def code_columns(self) -> frozenset[str]:
        """``table.column`` of every declared code column."""
        return frozenset(f"{t.table}.{c}" for t in self.tables.values() for c in t.codes)

    def client_tables(self) -> list[DataTable]:
        return [t for t in self.tables.values() if t.link != "none"]

    def categories_of(self, table: DataTable) -> set[str]:
        return {category for category, _action in table.columns.values() if category}

    def for_plugins(self, enabled: set[str]) -> Registry:
        """The part of the registry a tenant uses: core plus its enabled plugins."""
        tables = {
            k: t
            for k, t in self.tables.items()
            if self.owners[k] is None or self.owners[k] in enabled
        }
        used = {c for t in tables.values() for c in self.categories_of(t)}
        categories = {k: c for k, c in self.categories.items() if k in used}
        classes = {
            k: c for k, c in self.classes.items() if k in {c.retention for c in categories.values()}
        }
        return Registry(
            classes, categories, tables, {k: self.owners[k] for k in tables}, self.labels
        )


#: Wording shared by the data categories of several core domains.
CONSENT_BASIS = _l("Art. 6(1)(a), Art. 9(2)(a) GDPR (consent); § 203 StGB release")
CLIENTS = _l("Clients and their family members")


def core_declarations() -> list:
    """What the built-in core domains declare, in their order (no app needed)."""
    from core.plugins.builtins import builtin_modules

    return [
        item
        for _name, module in builtin_modules()
        if hasattr(module, "lotse_data_categories")
        for item in module.lotse_data_categories()
    ]


def build(contributions: Iterable[tuple[str | None, Iterable]]) -> Registry:
    """Merge ``(owner, declarations)`` pairs; conflicting or dangling declarations are errors."""
    registry = Registry({}, {}, {}, {})
    tables: dict[str, object] = {}
    columns: dict[str, object] = {}
    codes: dict[tuple[str, str], Mapping[str, object]] = {}
    for owner, declarations in contributions:
        for item in declarations or ():
            if isinstance(item, FieldLabels):
                for target, labels in ((tables, item.tables), (columns, item.columns)):
                    for key, label in labels.items():
                        target.setdefault(key, label)
                for table_column, mapping in item.codes.items():
                    codes.setdefault(table_column, mapping)
            elif isinstance(item, RetentionClass):
                if item.start_event not in START_EVENTS:
                    raise ValueError(
                        f"retention class {item.key!r}: unknown start event {item.start_event!r}"
                    )
                registry.classes.setdefault(item.key, item)
            elif isinstance(item, DataCategory):
                if item.key in registry.categories and registry.categories[item.key] != item:
                    raise ValueError(f"data category {item.key!r} declared twice")
                registry.categories[item.key] = item
            elif isinstance(item, DataTable):
                if item.table in registry.tables:
                    raise ValueError(f"table {item.table!r} declared twice")
                if item.link not in LINKS or item.on_anonymise not in ("update", "delete"):
                    raise ValueError(f"table {item.table!r}: bad link or anonymisation mode")
                for column, (_category, action) in item.columns.items():
                    if action not in ACTIONS:
                        raise ValueError(f"{item.table}.{column}: unknown action {action!r}")
                if not item.codes <= set(item.columns):
                    raise ValueError(f"table {item.table!r}: code columns must be declared columns")
                documents = {c for c, (_cat, action) in item.columns.items() if action == FIELDS}
                if documents != set(item.documents):
                    raise ValueError(
                        f"table {item.table!r}: columns declared {FIELDS!r} need a DocumentColumn "
                        "each (and only they)"
                    )
                registry.tables[item.table] = item
                registry.owners[item.table] = owner
            else:
                raise TypeError(f"lotse_data_categories returned {item!r}")
    for table in registry.tables.values():
        for column, (named, _action) in table.columns.items():
            if named is not None and named not in registry.categories:
                raise ValueError(f"{table.table}.{column} names unknown data category {named!r}")
    for category in registry.categories.values():
        if category.retention not in registry.classes:
            raise ValueError(
                f"data category {category.key!r} names unknown retention class "
                f"{category.retention!r}"
            )
    registry.labels = FieldLabels(tables, columns, codes)
    return registry


def build_registry(pm) -> Registry:
    """Core domains first, then every installed plugin (enabled or not: the completeness check
    covers all). Core tables belong to no plugin (owner None)."""
    return build(
        (None if pm.is_builtin(owner) else owner, declarations)
        for owner, declarations in pm.contributions("lotse_data_categories")
    )


def registry():
    from flask import current_app

    return current_app.extensions["lotse.data_registry"]


def tenant_registry(tenant) -> Registry:
    from core.plugins.services import enabled_plugins

    return registry().for_plugins(set(enabled_plugins(tenant)))
