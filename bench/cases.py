"""Case list and case file latency with many cases (test client, real database).

    make bench-cases                                   # SQLite file in a temp folder, 10 000 cases
    .venv/bin/python -m bench.cases --large            # then again with 100 000 cases
    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_cases make bench-cases

Builds a fresh database (PostgreSQL: the schema ``public`` of the given database is dropped!),
runs ``seed_demo()`` and the ``lotse demo --scale`` generator, signs in as
koordination@oberhausen.demo (sees every case of the tenant) and cm@oberhausen.demo (own cases)
and measures ``GET /oberhausen/cases/`` (list, page 1, with and without a search) and
``GET /oberhausen/cases/<id>`` for random visible cases. Prints p50/p95 in milliseconds, the
response size and the database size.

If the HTML pages are missing (404) it measures the JSON API (``/oberhausen/api/v1/cases``) and,
if that is missing too, the service functions ``case_list`` / ``get_case`` directly; the output
says which.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

from bench.common import build_app, percentile

TENANT = "oberhausen"
USERS = ("koordination@oberhausen.demo", "cm@oberhausen.demo")
PASSWORD = "lotse-demo"  # noqa: S105 - documented demo password


def report(label, samples, sizes):
    size = f"{statistics.mean(sizes) / 1024:7.1f} KiB" if any(sizes) else ""
    print(
        f"  {label:44} n={len(samples):4}  p50 {statistics.median(samples):8.2f} ms  "
        f"p95 {percentile(samples, 0.95):8.2f} ms  {size}",
        flush=True,
    )


def timed(label, calls, rounds):
    """``calls`` is a function of the round number returning (status, size in bytes)."""
    calls(0)  # warm-up
    samples, sizes = [], []
    for i in range(rounds):
        start = time.perf_counter()
        status, size = calls(i)
        samples.append((time.perf_counter() - start) * 1000)
        sizes.append(size)
        assert status == 200, (label, status)
    report(label, samples, sizes)


def database_size(app) -> str:
    from core.db import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            size = db.session.scalar(db.text("SELECT pg_database_size(current_database())"))
            db.session.rollback()
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            size = sum(
                p.stat().st_size
                for p in Path(db.engine.url.database).parent.glob(
                    Path(db.engine.url.database).name + "*"
                )
            )
    return f"{size / 1024 / 1024:.1f} MiB"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(app, email):
    client = app.test_client()
    token = _csrf(client.get(f"/{TENANT}/login").get_data(as_text=True))
    response = client.post(
        f"/{TENANT}/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, (email, response.status_code)
    return client


def api_token(client) -> str:
    csrf = _csrf(client.get(f"/{TENANT}/account").get_data(as_text=True))
    page = client.post(
        f"/{TENANT}/account/tokens", data={"csrf_token": csrf, "name": "bench", "days": "1"}
    )  # the clear token is shown once, on this answer
    return re.search(r"(lotse_[A-Za-z0-9_-]{20,})", page.get_data(as_text=True)).group(1)


def visible_case_ids(app, email, count, rng):
    from sqlalchemy import select

    from core.auth import services as auth
    from core.cases import access
    from core.cases.models import Case
    from core.db import db
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        user = auth.find_user(email)
        with tenant_scope(tenant):
            supervise = email.startswith("koordination@")
            ids = list(
                db.session.scalars(
                    select(Case.id).where(access.visible_condition(user.id, supervise=supervise))
                )
            )
        db.session.rollback()
    return rng.sample(ids, min(count, len(ids))), len(ids)


def detect_mode(app) -> str:
    client = sign_in(app, USERS[0])
    if client.get(f"/{TENANT}/cases/").status_code == 200:
        return "pages"
    token = api_token(client)
    if (
        app.test_client()
        .get(f"/{TENANT}/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 200
    ):
        return "api"
    return "services"


def measure_http(app, mode, rounds, rng):
    for email in USERS:
        ids, visible = visible_case_ids(app, email, rounds, rng)
        print(f" {email} ({visible} visible cases)", flush=True)
        _measure_pages(app, mode, email, ids, rounds)


def _measure_pages(app, mode, email, ids, rounds):
    client = sign_in(app, email)
    headers = {}
    if mode == "api":
        headers = {"Authorization": f"Bearer {api_token(client)}"}
        client = app.test_client()
        base = f"/{TENANT}/api/v1/cases"
        list_url, search_url, show_url = base, f"{base}?q=mar", base + "/{}"
    else:
        list_url, search_url, show_url = (
            f"/{TENANT}/cases/",
            f"/{TENANT}/cases/?q=mar",
            f"/{TENANT}/cases/" + "{}",
        )

    def get(url):
        response = client.get(url, headers=headers)
        return response.status_code, len(response.get_data())

    timed(f"GET {list_url}", lambda _i: get(list_url), rounds)
    timed(f"GET {search_url}", lambda _i: get(search_url), rounds)
    timed(
        f"GET {show_url.format('<id>')} (random)",
        lambda i: get(show_url.format(ids[i % len(ids)])),
        rounds,
    )


def measure_services(app, rounds, rng):
    for email in USERS:
        ids, visible = visible_case_ids(app, email, rounds, rng)
        print(f" {email} ({visible} visible cases)", flush=True)
        _measure_services(app, email, ids, rounds)


def _measure_services(app, email, ids, rounds):
    """Without pages or API: the services, with the membership a request would have put on g."""
    from flask import g
    from sqlalchemy import select

    from core.auth import services as auth
    from core.auth.models import Membership
    from core.cases import services
    from core.db import db
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    with app.test_request_context(f"/{TENANT}/cases/"):
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        user = auth.find_user(email)
        with tenant_scope(tenant):
            g.tenant = tenant
            g.membership = db.session.scalar(
                select(Membership).where(Membership.user_id == user.id)
            )

            def listing(search=""):
                services.case_list(user, status="open", search=search)
                return 200, 0

            def show(i):
                case = services.get_case(ids[i % len(ids)], user)
                return (200 if case is not None else 404), 0

            timed("services.case_list(status=open)", lambda _i: listing(), rounds)
            timed("services.case_list(search='mar')", lambda _i: listing("mar"), rounds)
            timed("services.get_case(<id>) (random)", show, rounds)
        db.session.rollback()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also measure with 100 000 cases")
    parser.add_argument(
        "--cases", type=int, default=10_000, help="cases for the first stage (default 10 000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("LOTSE_BENCH_ROUNDS", "100"))
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip the second run after ANALYZE"
    )
    parser.add_argument(
        "--mode",
        choices=("auto", "pages", "api", "services"),
        default="auto",
        help="what to measure (auto: the pages if they exist, else the API, else the services)",
    )
    args = parser.parse_args(argv)

    app, url = build_app("lotse-bench-cases-")
    from core.db import db
    from core.demo.scale import generate_cases

    mode = detect_mode(app) if args.mode == "auto" else args.mode
    what = {"pages": "HTML pages", "api": "JSON API", "services": "service functions"}[mode]
    if args.mode == "auto" and mode != "pages":
        what += (
            " (the HTML pages answer 404)" if mode == "api" else " (HTML pages and API answer 404)"
        )
    print(f"database: {url.split(':')[0]}, rounds: {args.rounds}, measuring: {what}", flush=True)
    rng = random.Random(args.seed)  # noqa: S311 - benchmark sampling
    stages = [args.cases] + ([100_000] if args.large and args.cases < 100_000 else [])
    made, analyzed = 0, False
    for target in stages:
        start = time.perf_counter()
        with app.app_context():
            generate_cases(target - made, seed=args.seed + made)
            db.session.remove()
        made = target
        print(
            f"\n{target} synthetic cases (+ demo cases) – generated in "
            f"{time.perf_counter() - start:.1f} s, "
            f"database {database_size(app)}",
            flush=True,
        )
        measure = (
            measure_services if mode == "services" else lambda *a: measure_http(app, mode, *a[1:])
        )
        print(
            " with the planner statistics of the previous stage (stale)"
            if analyzed
            else " without planner statistics"
            " (as left by the generator; SQLite never analyzes by itself)"
        )
        measure(app, args.rounds, rng)
        if not args.no_analyze:
            analyze(app)
            analyzed = True
            print(
                " after ANALYZE (planner statistics present, as PostgreSQL's autovacuum would "
                "leave them)"
            )
            measure(app, args.rounds, rng)
    return 0


def analyze(app) -> None:
    from core.db import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
