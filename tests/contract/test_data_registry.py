"""T18: every column of every table – core and every installed plugin – is declared in the
personal-data registry, and the registry refuses inconsistent declarations."""

from __future__ import annotations

import pytest

from core.db import db
from core.privacy.links import LINK_COLUMN
from core.privacy.registry import DataCategory, DataTable, RetentionClass, build, core_declarations

TECHNICAL = {"id", "tenant_id", "version"}


def test_every_column_of_every_table_is_declared(app):
    registry = app.extensions["lotse.data_registry"]
    undeclared = []
    for table in db.metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        declaration = registry.tables.get(table.name)
        if declaration is None:
            undeclared.append(table.name)
            continue
        for column in table.columns:
            if column.name not in TECHNICAL and column.name not in declaration.columns:
                undeclared.append(f"{table.name}.{column.name}")
    assert undeclared == []


def test_no_declaration_names_a_missing_table_or_column(app):
    registry = app.extensions["lotse.data_registry"]
    for name, declaration in registry.tables.items():
        assert name in db.metadata.tables, name
        columns = {c.name for c in db.metadata.tables[name].columns}
        assert set(declaration.columns) <= columns, (name, set(declaration.columns) - columns)


def test_client_tables_have_the_column_their_link_needs(app):
    for declaration in app.extensions["lotse.data_registry"].client_tables():
        assert LINK_COLUMN[declaration.link] in db.metadata.tables[declaration.table].columns, (
            declaration.table
        )


def test_plugin_tables_are_declared_by_their_plugin(app):
    registry = app.extensions["lotse.data_registry"]
    assert registry.owners["plg_interpreters_interpreter"] == "interpreters"
    assert registry.owners["person"] is None


def test_free_text_about_clients_is_never_kept_on_anonymisation(app):
    """Names, addresses and free texts must be blanked or replaced; keeping one would leak."""
    registry = app.extensions["lotse.data_registry"]
    must_go = {
        "person": {"first_name", "last_name", "street", "phone", "email", "other_names"},
        "contact": {"summary", "participants"},
        "journal_entry": {"text"},
        "goal": {"title", "indicator"},
        "case_file": {"topic", "closure_note"},
        "consent_record": {"guardian_name", "partner_names"},
    }
    for table, columns in must_go.items():
        for column in columns:
            assert registry.tables[table].columns[column][1] != "keep", f"{table}.{column}"


@pytest.mark.parametrize(
    "bad, message",
    [
        ([DataTable("x", "case", {"a": ("nope", "erase")})], "unknown data category"),
        ([DataTable("x", "elsewhere", {})], "bad link"),
        ([DataTable("x", "case", {"a": ("client_master", "shred")})], "unknown action"),
        ([DataCategory("c", "C", "p", "b", "s", "no_class")], "unknown retention class"),
        ([RetentionClass("r", "R", "whenever", 1)], "unknown start event"),
        ([DataTable("person", "self", {})], "declared twice"),
    ],
)
def test_inconsistent_declarations_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        build([(None, core_declarations()), ("bad", bad)])
