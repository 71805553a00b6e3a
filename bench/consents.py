"""Consent lookups with one consent per person (issue #10): the consents page, a disclosure
through the gate, the gate's check alone and the Art. 15 package, with many clients in one tenant.

    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_consents \\
        .venv/bin/python -m bench.consents --persons 20000

Builds a fresh database (PostgreSQL: the schema ``public`` is dropped!) as its owner, seeds the
demo tenants, ``--persons`` synthetic clients with a case each in one tenant and one
confidentiality release per client (every tenth also covers the next client, as a parent's
release covers a child), written in bulk. On PostgreSQL it then measures as the application
role (no superuser, no BYPASSRLS: row-level security in force), as koordination@oberhausen.demo.
Prints p50/p95 in ms and the statements per request. The same script runs on an older checkout
(consents stored with a JSON list of covered persons), so before and after can be compared.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from datetime import date, timedelta

from bench.cases import TENANT, sign_in, timed
from bench.common import build_app, percentile

USER = "koordination@oberhausen.demo"
REFERRAL = {
    "recipient_key": "jobcenter",
    "purpose": "referral",
    "channel": "referral",
    "data_categories": ["master_data"],
    "confirmation": "oral",  # Oberhausen asks for the client's agreement to every disclosure
}


def _add_consents(tenant, batch: int = 2000) -> int:
    """One release per person of ``tenant``, in bulk; every tenth covers the next person."""
    from sqlalchemy import select, text

    from core.consent import services as consent
    from core.consent.models import ConsentRecord
    from core.db import db
    from core.persons.models import Person
    from core.tenancy.context import tenant_scope

    try:  # after issue #10: who a consent covers is a table of its own
        from core.consent import coverage
        from core.consent.models import ConsentCoverage
    except ImportError:  # before: a JSON list on the record
        coverage = None  # type: ignore[assignment]
    table = ConsentRecord.__table__
    with tenant_scope(tenant):
        consent.ensure_defaults(tenant)
        version = consent.current_versions()[0]
        ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        granted = date.today() - timedelta(days=30)
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            rows, children = [], []
            for i, person_id in enumerate(chunk):
                child = chunk[i + 1] if i % 10 == 0 and i + 1 < len(chunk) else None
                row = {
                    "tenant_id": tenant.id,
                    "person_id": person_id,
                    "template_version_id": version.id,
                    "kind": "confidentiality_release",
                    "language": "de",
                    "signed_by": "self",
                    "guardian_name": "",
                    "recipient_keys": ["jobcenter", "schools_daycare"],
                    "partner_names": [],
                    "purposes": ["referral", "case_conference"],
                    "granted_on": granted,
                }
                if coverage is None:
                    row["covered_person_ids"] = [child] if child else []
                rows.append(row)
                children.append(child)
            record_ids = db.session.execute(
                table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
            if coverage is not None:
                covered = [
                    {"tenant_id": tenant.id, "consent_id": record_id, "person_id": child}
                    for record_id, child in zip(record_ids, children, strict=True)
                    if child
                ]
                if covered:
                    db.session.execute(ConsentCoverage.__table__.insert(), covered)
            db.session.commit()
        if coverage is not None:
            coverage.backfill(db.session.connection(), tenant_id=tenant.id)
        db.session.commit()
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return len(ids)


def _as_app_role(url: str):
    """The same database as the application role (PostgreSQL: RLS in force)."""
    from sqlalchemy import create_engine, text

    from core.app import create_app
    from core.testing.database import APP_ROLE, app_role_url, grant_app_role

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                f"THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
            )
        )
    engine.dispose()
    grant_app_role(url)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app_role_url(url),
            "SECRET_KEY": "bench",
            "LOTSE_LOGIN_FAILURES_PER_ACCOUNT": 10**6,
        }
    )


def _statements(app, call) -> int:
    """SQL statements the database receives during ``call()``."""
    from sqlalchemy import event

    from core.db import db

    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def _check_alone(app, person_ids) -> list[float]:
    """The gate's decision as a service call (no page around it), in ms."""
    from sqlalchemy import select

    from core.consent import services as consent
    from core.db import db
    from core.persons.models import Person
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    samples = []
    with app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        with tenant_scope(tenant):
            for person_id in person_ids:
                person = db.session.get(Person, person_id)
                begin = time.perf_counter()
                decision = consent.check(person, "jobcenter", "referral")
                samples.append((time.perf_counter() - begin) * 1000)
                assert decision.allowed, decision.reason
            db.session.rollback()
    return samples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("LOTSE_BENCH_ROUNDS", "30"))
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    app, url = build_app("lotse-bench-consents-")
    from sqlalchemy import select

    from core.cases.models import Case
    from core.db import db
    from core.demo.scale import generate_cases
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    start = time.perf_counter()
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        generate_cases(args.persons, seed=args.seed, tenants=[tenant])
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        persons = _add_consents(tenant)
        db.session.remove()
        if url.startswith("postgresql"):
            db.engine.dispose()
    print(
        f"database: {url.split(':')[0]}, {persons} clients with one release each in {TENANT} "
        f"in {time.perf_counter() - start:.1f} s, rounds: {args.rounds}",
        flush=True,
    )
    if url.startswith("postgresql"):
        app = _as_app_role(url)
        print("measuring as the application role (row-level security in force)", flush=True)

    rng = random.Random(args.seed)  # noqa: S311 - benchmark sampling
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        with tenant_scope(tenant):
            pairs = db.session.execute(
                select(Case.person_id, Case.id).where(Case.status == "open").order_by(Case.id)
            ).all()
        db.session.rollback()
    sample = rng.sample(pairs, min(len(pairs), 2 * args.rounds + 2))
    client = sign_in(app, USER)

    def get(path):
        response = client.get(path)
        return response.status_code, len(response.data)

    def share(case_id):
        page = client.get(f"/{TENANT}/cases/{case_id}/disclose").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            f"/{TENANT}/cases/{case_id}/disclose", data={**REFERRAL, "csrf_token": token}
        )
        return (200 if response.status_code == 302 else response.status_code), 0

    timed(
        "consents page /persons/<id>/consents",
        lambda i: get(f"/{TENANT}/persons/{sample[i][0]}/consents"),
        args.rounds,
    )
    timed(
        "disclosure through the gate (form + POST)",
        lambda i: share(sample[args.rounds + i][1]),
        args.rounds,
    )
    timed(
        "Art. 15 package JSON",
        lambda i: get(f"/{TENANT}/persons/{sample[i][0]}/data-export.json"),
        min(args.rounds, 20),
    )
    person_id = sample[-1][0]
    page = f"/{TENANT}/persons/{person_id}/consents"
    export = f"/{TENANT}/persons/{person_id}/data-export.json"
    print(
        f"  statements: consents page {_statements(app, lambda: client.get(page))}, "
        f"Art. 15 JSON {_statements(app, lambda: client.get(export))}",
        flush=True,
    )
    samples = _check_alone(app, [p for p, _c in sample[: args.rounds]])
    print(
        f"  {'gate check alone (service)':44} n={len(samples):4}  p50 "
        f"{sorted(samples)[len(samples) // 2]:8.2f} ms  p95 {percentile(samples, 0.95):8.2f} ms",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
