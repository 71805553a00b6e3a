"""Data-protection latency with many cases (test client, real database).

    make bench-privacy                                  # SQLite file in a temp folder, 10 000 cases
    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench_privacy make bench-privacy

Builds a fresh database (PostgreSQL: the schema ``public`` is dropped!), seeds the demo tenants and
``--cases`` synthetic cases, then measures as dsb@oberhausen.demo: the DSB desk (it runs the
retention dry run), the due-deletions page, the Art. 15 JSON package and PDF of random persons,
and the retention job's dry run and one erasure as service calls (rolled back). p50/p95 in ms.
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
    args = parser.parse_args(argv)

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
        "DSB desk /privacy (with retention dry run)",
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


if __name__ == "__main__":
    raise SystemExit(main())
