"""Shared set-up of the benchmarks: a fresh database with the demo tenants, and percentiles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def build_app(prefix: str = "lotse-bench-"):
    """App on a fresh database (temp SQLite, or LOTSE_BENCH_DATABASE_URL), migrated and seeded
    with the demo tenants. Returns ``(app, url)``."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["LOTSE_INSTANCE_PATH"] = str(tmp)
    url = os.environ.get("LOTSE_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    from core import migrate
    from core.app import create_app
    from core.config import normalise_database_url
    from core.db import db
    from core.demo import seed_demo

    url = normalise_database_url(url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "LOTSE_LOGIN_FAILURES_PER_ACCOUNT": 10**6,
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        migrate.upgrade("heads")
        seed_demo()
        db.session.commit()
    return app, url
