"""Data-protection latency with many cases (test client, real database).

    make bench-privacy                                  # SQLite file in a temp folder, 10 000 cases
    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_privacy make bench-privacy

Builds a fresh database (PostgreSQL: the schema ``public`` is dropped!), seeds the demo tenants and
``--cases`` synthetic cases, then measures as dsb@oberhausen.demo: the DSB desk (it reads the kept
result of the last dry run), the due-deletions page, the Art. 15 JSON package and PDF of random
persons, and the retention job's dry run and one erasure as service calls (rolled back). p50/p95
in ms.

Retention throughput (issue #10): ``--retention N --action erase|anonymise`` generates N cases in
one tenant, makes every client due and runs the retention job in a fresh process (on PostgreSQL as
the application role, row-level security in force): persons per second, peak RSS of that process,
and both extrapolated to 1 000 000 persons::

    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_privacy \
        python -m bench.privacy --retention 20000 --action erase [--batch-size 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from bench.cases import TENANT, sign_in, timed
from bench.common import build_app, percentile


def _service(label, fn, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"  {label:44} n={rounds:4}  p50 {statistics.median(samples):8.2f} ms  p95 "
        f"{percentile(samples, 0.95):8.2f} ms",
        flush=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("LOTSE_BENCH_ROUNDS", "30"))
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--retention", type=int, default=0, help="due persons to process")
    parser.add_argument("--action", choices=("erase", "anonymise"), default="erase")
    parser.add_argument(
        "--batch-size", type=int, default=0, help="persons per batch (default: the job's)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _retention_child(args.child, args.action, args.batch_size)
    if args.retention:
        return _retention(args)

    app, url = build_app("lotse-bench-privacy-")
    from sqlalchemy import select

    from core.db import db
    from core.demo.scale import generate_cases
    from core.persons.models import Person
    from core.privacy import erasure, retention
    from core.privacy.registry import tenant_registry
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    start = time.perf_counter()
    with app.app_context():
        generate_cases(args.cases, seed=args.seed)
        db.session.remove()
    print(
        f"database: {url.split(':')[0]}, {args.cases} synthetic cases in "
        f"{time.perf_counter() - start:.1f} s, rounds: {args.rounds}",
        flush=True,
    )
    rng = random.Random(args.seed)  # noqa: S311 - benchmark sampling
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        with tenant_scope(tenant):
            ids = list(db.session.scalars(select(Person.id)))
        db.session.rollback()
    sample = rng.sample(ids, min(len(ids), args.rounds + 1))
    client = sign_in(app, f"dsb@{TENANT}.demo")

    def get(path):
        response = client.get(path)
        return response.status_code, len(response.data)

    timed(
        "DSB desk /privacy",
        lambda i: get(f"/{TENANT}/privacy"),
        args.rounds,
    )
    timed(
        "due deletions /privacy/retention",
        lambda i: get(f"/{TENANT}/privacy/retention"),
        args.rounds,
    )
    timed(
        "Art. 15 package JSON",
        lambda i: get(f"/{TENANT}/persons/{sample[i]}/data-export.json"),
        args.rounds,
    )
    timed(
        "Art. 15 package PDF",
        lambda i: get(f"/{TENANT}/persons/{sample[i]}/data-export.pdf"),
        min(args.rounds, 10),
    )
    with app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        with tenant_scope(tenant):
            _service(
                "retention job, dry run (service)",
                lambda: retention.run(tenant, dry_run=True),
                args.rounds,
            )
            registry = tenant_registry(tenant)
            victims = iter(sample)

            def erase_one():
                erasure.erase(db.session.get(Person, next(victims)), registry, rule="bench")
                db.session.rollback()

            _service(
                "erase one person (service, rolled back)",
                erase_one,
                min(args.rounds, len(sample) - 1),
            )
    return 0


def _retention(args) -> int:
    """Generate the due persons, then measure the job in a fresh process (clean peak RSS)."""
    import json
    import subprocess
    import sys

    from sqlalchemy import select

    from core.db import db
    from core.demo.scale import generate_cases
    from core.tenancy.models import Tenant

    app, url = build_app("lotse-bench-retention-")
    start = time.perf_counter()
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        generate_cases(args.retention, seed=args.seed, tenants=[tenant])
        # Every client is due: the period is one month after the last contact, the job runs on a
        # day far ahead (no warnings: warn_days 0).
        tenant.settings = {
            **(tenant.settings or {}),
            "retention": {
                "action": args.action,
                "warn_days": 0,
                "periods": {"client_file": {"start": "last_contact", "months": 1}},
            },
        }
        db.session.commit()
        db.session.remove()
        if url.startswith("postgresql"):
            # As autovacuum would have done by then: plans (also the foreign keys' cascades)
            # made on the statistics of empty tables scan instead of using the indexes.
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    print(
        f"database: {url.split(':')[0]}, {args.retention} cases in {TENANT} in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )
    child_url = url
    if url.startswith("postgresql"):
        # The role the test suite creates (NOSUPERUSER NOBYPASSRLS), as docs/deploy.md prescribes.
        from core.testing.database import app_role_url, grant_app_role

        grant_app_role(url)
        child_url = app_role_url(url)
    out = subprocess.run(  # noqa: S603 - this interpreter, this module
        [
            sys.executable,
            "-m",
            "bench.privacy",
            "--child",
            child_url,
            "--action",
            args.action,
            "--batch-size",
            str(args.batch_size),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "LOTSE_BENCH_DATABASE_URL": child_url},
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rate = result["persons"] / result["seconds"] if result["seconds"] else 0.0
    print(
        f"  retention ({args.action:9}) {result['persons']:7} persons in "
        f"{result['seconds']:8.1f} s = {rate:8.1f} persons/s, peak RSS {result['rss_mb']:6.0f} MB"
        f"{' (app role, RLS in force)' if child_url != url else ''}",
        flush=True,
    )
    if rate:
        print(f"  extrapolated to 1 000 000 persons: {1_000_000 / rate / 60:6.1f} min", flush=True)
    return 0


def _retention_child(url: str, action: str, batch_size: int = 0) -> int:
    """The retention job of the bench tenant, timed, in this (fresh) process."""
    import json
    import resource
    from datetime import date, timedelta

    from sqlalchemy import select

    from core.app import create_app
    from core.db import db
    from core.privacy import retention
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    day = date.today() + timedelta(days=62)
    with app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        with tenant_scope(tenant):
            start = time.perf_counter()
            profile = os.environ.get("LOTSE_BENCH_PROFILE")  # a path: cProfile the job there
            if profile:
                import cProfile

                with cProfile.Profile() as prof:
                    report = retention.run(
                        tenant, day, batch_size=batch_size or retention.BATCH_SIZE
                    )
                prof.dump_stats(profile)
            else:
                report = retention.run(tenant, day, batch_size=batch_size or retention.BATCH_SIZE)
            db.session.commit()
            seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    persons = report["erased"] if action == "erase" else report["anonymised"]
    print(json.dumps({"persons": persons, "seconds": seconds, "rss_mb": rss_mb}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
