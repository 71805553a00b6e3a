"""Statements and latency per page of a signed-in case manager (issue #10, "a lean request").

    .venv/bin/python -m bench.requests                           # SQLite file in a temp folder
    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_c \
        .venv/bin/python -m bench.requests

Builds the demo installation (PostgreSQL: the schema ``public`` of the given database is dropped!)
and, on PostgreSQL, measures as the application role ``lotse_app_test`` — neither owner,
superuser nor BYPASSRLS — so row-level security is in force as in production. For each page it
prints the SQL statements of one request (caches warm) and p50/p95 over ``LOTSE_BENCH_ROUNDS``
requests through the test client (no network, no gunicorn: the framework's own cost), and the
median CPU time of this process per request (app code only, not the database server's): the
figure that decides requests per second on a CPU-bound server, and one that a busy machine
distorts far less than wall-clock time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench.cases import TENANT, _csrf, api_token, sign_in
from bench.common import build_app, percentile

ROUNDS = int(os.environ.get("LOTSE_BENCH_ROUNDS", "200"))


def as_app_role(app, url):
    """PostgreSQL: the same database through the application role (RLS in force)."""
    if not url.startswith("postgresql"):
        return app
    from core.app import create_app
    from core.testing.database import app_role_url, grant_app_role

    grant_app_role(url)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app_role_url(url),
            "SECRET_KEY": "bench",
            "LOTSE_LOGIN_FAILURES_PER_ACCOUNT": 10**6,
        }
    )


def a_case_of(app, email):
    """A case of ``email`` (the one with the most journal entries), its person and the name."""
    from sqlalchemy import func, select

    from core.auth import services as auth
    from core.cases.models import Case
    from core.db import db
    from core.documentation.models import JournalEntry
    from core.persons.models import Person
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        user = auth.find_user(email)
        with tenant_scope(tenant):
            row = db.session.execute(
                select(Case.id, Case.person_id, Person.first_name, Person.last_name)
                .join(Person, Person.id == Case.person_id)
                .outerjoin(JournalEntry, JournalEntry.case_id == Case.id)
                .where(Case.case_manager_id == user.id)
                .group_by(Case.id, Case.person_id, Person.first_name, Person.last_name)
                .order_by(func.count(JournalEntry.id).desc(), Case.id)
                .limit(1)
            ).one()
        db.session.rollback()
    return row


def main() -> int:
    from core.db import db
    from core.testing.queries import counting_statements

    owner_app, url = build_app()
    app = as_app_role(owner_app, url)
    with app.app_context():
        engine = db.engine
    print(f"database: {url.split(':')[0]}, rounds: {ROUNDS}")
    cm = sign_in(app, f"cm@{TENANT}.demo")
    coordinator = sign_in(app, f"koordination@{TENANT}.demo")
    token = api_token(cm)
    api = app.test_client()
    case_id, person_id, first_name, last_name = a_case_of(app, f"cm@{TENANT}.demo")
    search_csrf = _csrf(cm.get(f"/{TENANT}/persons/search").get_data(as_text=True))
    pages = {
        "start page": lambda: cm.get(f"/{TENANT}/"),
        "case list (case manager)": lambda: cm.get(f"/{TENANT}/cases/"),
        "case list (coordination)": lambda: coordinator.get(f"/{TENANT}/cases/"),
        "case file": lambda: cm.get(f"/{TENANT}/cases/{case_id}"),
        "journal": lambda: cm.get(f"/{TENANT}/cases/{case_id}/journal"),
        "person": lambda: cm.get(f"/{TENANT}/persons/{person_id}"),
        "consents": lambda: cm.get(f"/{TENANT}/persons/{person_id}/consents"),
        "duplicate search": lambda: cm.post(
            f"/{TENANT}/persons/search",
            data={"csrf_token": search_csrf, "first_name": first_name, "last_name": last_name},
        ),
        "API GET /me (token)": lambda: api.get(
            f"/{TENANT}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        ),
    }
    print(f"{'page':28} {'statements':>10}  {'p50 ms':>8}  {'p95 ms':>8}  {'CPU p50 ms':>10}")
    for label, call in pages.items():
        call()  # warm-up: the process's caches
        with counting_statements(engine) as log:
            response = call()
        assert response.status_code == 200, (label, response.status_code)
        samples, cpu = [], []
        for _ in range(ROUNDS):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = call()
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        print(
            f"{label:28} {log.count:10}  {statistics.median(samples):8.2f}  "
            f"{percentile(samples, 0.95):8.2f}  {statistics.median(cpu):10.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
