"""House rules that a reading of the source can check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The only modules allowed to send hand-written SQL; each takes the tenant explicitly or runs
#: as the schema owner (security battery T03 e).
RAW_SQL_ALLOWED = {
    "core/db.py",  # SQLite PRAGMAs on connect
    "core/file_modes.py",  # SQLite PRAGMA database_list on connect (file names, no data access)
    "core/tenancy/rls.py",
    "core/demo_scale.py",  # DISCARD PLANS between bulk batches on PostgreSQL (no data access)
    "core/cli.py",
    "core/testing/database.py",  # the test database: wipe, snapshot, restore (as its owner)
    "core/testing/browser.py",  # no SQL: Browser.text() matches the pattern
    "core/testing/pytest_plugin.py",  # test connections skip the flush per commit
}
RAW_SQL = re.compile(r"\btext\(|exec_driver_sql\(|\.execute\(\s*[\"']")


def _sources(*folders):
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "/tests/" in str(path) or "/migrations/" in str(path):
                continue
            yield path, path.relative_to(ROOT).as_posix()


def test_raw_sql_only_in_allowed_modules():
    offenders = [
        rel
        for path, rel in _sources("core", "plugins")
        if rel not in RAW_SQL_ALLOWED and RAW_SQL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_core_never_imports_plugins():
    pattern = re.compile(r"^\s*(from|import)\s+plugins(\.|\s|$)", re.M)
    assert [
        rel for path, rel in _sources("core") if pattern.search(path.read_text(encoding="utf-8"))
    ] == []


def test_plugins_never_import_each_other():
    for plugin in (ROOT / "plugins").iterdir():
        if not (plugin / "__init__.py").exists():
            continue
        pattern = re.compile(rf"^\s*(from|import)\s+plugins\.(?!{plugin.name}\b)\w+", re.M)
        for path in plugin.rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_plugin_tables_carry_their_prefix(app):
    pm = app.extensions["lotse.pm"]
    from core.db import db

    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if module.startswith("plugins."):
            name = module.split(".")[1]
            assert name in pm.metas
            assert mapper.local_table.name.startswith(f"plg_{name}_"), mapper.local_table.name
