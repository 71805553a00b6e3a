"""case lists and name search that do not grow with the installation

* ``person_name_token``: the name search index (folded name words, Kölner-Phonetik codes, sort
  name), filled from the existing persons (set-based; the folding, the Kölner Phonetik and the
  token rules are frozen below as they were at this revision, so the migration keeps its meaning
  when ``core.persons`` changes).
* Case list indexes ending in (last_activity_at, id), the list's keyset: own cases, standing
  deputy, a status and all cases of a tenant; the single-column ``last_activity_at`` index goes
  (the planner walked it across every tenant's cases). Case-number prefixes and "shared with me"
  get indexes of their own.
* The tenant isolation policy becomes one range test (no per-row OR), re-created on every table
  that has it - core and plugin tables alike (PostgreSQL only).

Revision ID: 0011_case_lists_search
Revises: 0010_consent_coverage
Create Date: 2026-12-02
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0011_case_lists_search"
down_revision = "0010_consent_coverage"
branch_labels = None
depends_on = None

# --- frozen at this revision: migrations must not change meaning when the app changes ----------
#
# The isolation policy (as core.tenancy.rls had it) and the name tokens (as core.persons.phonetics
# and core.persons.search_index had them).

POLICY = "lotse_tenant_isolation"
_ALL = "current_setting('lotse.all_tenants', true) = 'on'"
_TENANT = "NULLIF(current_setting('lotse.tenant_id', true), '')::integer"
CONDITION = (
    f"tenant_id BETWEEN (CASE WHEN {_ALL} THEN -2147483648 ELSE {_TENANT} END) "
    f"AND (CASE WHEN {_ALL} THEN 2147483647 ELSE {_TENANT} END)"
)
CONDITION_0002 = (
    "current_setting('lotse.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('lotse.tenant_id', true), '')::integer"
)


def enable_rls(op, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING ({CONDITION}) WITH CHECK ({CONDITION})')


def disable_rls(op, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


def recreate_policies(bind, condition: str) -> None:
    """The policy with ``condition`` on every table that has it (core and plugin tables)."""
    if bind.dialect.name != "postgresql":
        return
    tables = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
            "AND policyname = %(policy)s ORDER BY tablename",
            {"policy": POLICY},
        )
    ]
    for table in tables:
        bind.exec_driver_sql(f'DROP POLICY {POLICY} ON "{table}"')
        bind.exec_driver_sql(
            f'CREATE POLICY {POLICY} ON "{table}" USING ({condition}) WITH CHECK ({condition})'
        )


_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "œ": "oe", "ı": "i"}
    | {"ł": "l", "đ": "d"}
)
MAX_TOKEN = 220


def _fold(text: str) -> str:
    text = (text or "").casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip()


def _cologne(word: str) -> str:  # noqa: C901 - the Kölner Phonetik table, as it was
    letters = re.sub(
        r"[^a-z]", "", _fold(word).replace("ae", "a").replace("oe", "o").replace("ue", "u")
    )
    if not letters:
        return ""
    codes = []
    for i, ch in enumerate(letters):
        prev = letters[i - 1] if i > 0 else "#"
        nxt = letters[i + 1] if i + 1 < len(letters) else "#"
        if ch in "aeijouy":
            code = "0"
        elif ch == "h":
            code = ""
        elif ch == "b":
            code = "1"
        elif ch == "p":
            code = "3" if nxt == "h" else "1"
        elif ch in "dt":
            code = "8" if nxt in "csz" else "2"
        elif ch in "fvw":
            code = "3"
        elif ch in "gkq":
            code = "4"
        elif ch == "c":
            if i == 0:
                code = "4" if nxt in "ahkloqrux" else "8"
            else:
                code = "8" if prev in "sz" or nxt not in "ahkoqux" else "4"
        elif ch == "x":
            code = "8" if prev in "ckq" else "48"
        elif ch == "l":
            code = "5"
        elif ch in "mn":
            code = "6"
        elif ch == "r":
            code = "7"
        elif ch in "sz":
            code = "8"
        else:
            code = ""
        codes.append(code)
    raw = "".join(codes)
    collapsed = [raw[0]] if raw else []
    for digit in raw[1:]:
        if digit != collapsed[-1]:
            collapsed.append(digit)
    result = "".join(collapsed)
    return result[0] + result[1:].replace("0", "") if result else ""


def _tokens(tenant_id, person_id, first, last, other) -> list[dict]:
    out: set[tuple[str, str]] = set()
    for name in (first, last, other):
        for word in _fold(name).split():
            out.add(("word", word[:MAX_TOKEN]))
            code = _cologne(word)
            if code:
                out.add(("phon", code[:MAX_TOKEN]))
    sort_name = _fold(f"{last} {first}")[:MAX_TOKEN]
    if sort_name:
        out.add(("sort", sort_name))
    return [
        {"tenant_id": tenant_id, "person_id": person_id, "kind": kind, "token": token}
        for kind, token in sorted(out)
    ]


def _backfill(bind, batch: int = 5000) -> None:
    """The tokens of every person not anonymised, as the owner (every tenant's rows)."""
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(
            "SELECT set_config('lotse.tenant_id', '', true), "
            "set_config('lotse.all_tenants', 'on', true)"
        )
    meta = sa.MetaData()
    person = sa.Table("person", meta, autoload_with=bind)
    token = sa.Table("person_name_token", meta, autoload_with=bind)
    bind.execute(sa.delete(token))
    rows = bind.execute(
        sa.select(
            person.c.tenant_id,
            person.c.id,
            person.c.first_name,
            person.c.last_name,
            person.c.other_names,
        )
        .where(person.c.anonymised_at.is_(None))
        .order_by(person.c.id)
    ).all()
    for start in range(0, len(rows), batch):
        values = [t for row in rows[start : start + batch] for t in _tokens(*row)]
        if values:
            bind.execute(sa.insert(token), values)


CASE_LIST_INDEXES = (
    (
        "ix_case_file_manager_list",
        ["tenant_id", "case_manager_id", "status", "last_activity_at", "id"],
    ),
    ("ix_case_file_deputy_list", ["tenant_id", "deputy_id", "status", "last_activity_at", "id"]),
    ("ix_case_file_status_list", ["tenant_id", "status", "last_activity_at", "id"]),
    ("ix_case_file_activity_list", ["tenant_id", "last_activity_at", "id"]),
)


def upgrade():
    op.create_table(
        "person_name_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=220), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_person_name_token_tenant_id_person_id_person"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_person_name_token_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_name_token")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_person_name_token_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_person_name_token_person_id"), "person_name_token", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_name_token_tenant_id"), "person_name_token", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_person_name_token_lookup",
        "person_name_token",
        ["tenant_id", "kind", "token"],
        unique=False,
        postgresql_ops={"token": "text_pattern_ops"},
    )
    enable_rls(op, "person_name_token")

    op.drop_index("ix_case_file_last_activity_at", table_name="case_file")
    for name, columns in CASE_LIST_INDEXES:
        # The coordinator's lists (no case manager column) carry the person id for index-only
        # counts.
        include = [] if "case_manager_id" in columns or "deputy_id" in columns else ["person_id"]
        op.create_index(
            name, "case_file", columns, unique=False, postgresql_include=include or None
        )
    op.create_index(
        "ix_case_file_number_prefix",
        "case_file",
        ["tenant_id", "number"],
        unique=False,
        postgresql_ops={"number": "text_pattern_ops"},
    )
    op.drop_index("ix_case_share_user_id", table_name="case_share")
    op.create_index("ix_case_share_user_case", "case_share", ["user_id", "case_id"], unique=False)

    bind = op.get_bind()
    recreate_policies(bind, CONDITION)
    _backfill(bind)


def downgrade():
    bind = op.get_bind()
    recreate_policies(bind, CONDITION_0002)
    op.drop_index("ix_case_share_user_case", table_name="case_share")
    op.create_index("ix_case_share_user_id", "case_share", ["user_id"], unique=False)
    op.drop_index("ix_case_file_number_prefix", table_name="case_file")
    for name, _columns in CASE_LIST_INDEXES:
        op.drop_index(name, table_name="case_file")
    op.create_index(
        "ix_case_file_last_activity_at", "case_file", ["last_activity_at"], unique=False
    )
    disable_rls(op, "person_name_token")
    op.drop_index("ix_person_name_token_lookup", table_name="person_name_token")
    op.drop_index(op.f("ix_person_name_token_tenant_id"), table_name="person_name_token")
    op.drop_index(op.f("ix_person_name_token_person_id"), table_name="person_name_token")
    op.drop_table("person_name_token")
