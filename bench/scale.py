"""The NRW scale bench: each page through the real app beside its raw floor, on PostgreSQL as the
application role with row-level security in force.

    # generate (as the schema owner) and bench; the app role must exist (NOSUPERUSER NOBYPASSRLS)
    .venv/bin/python -m bench.scale --owner-url postgresql://lotse_owner@db/lotse_scale_100k \\
        --app-role lotse_app --cases 100000
    # bench an existing database (e.g. one made by `lotse demo --scale 1000000`)
    .venv/bin/python -m bench.scale --owner-url postgresql://lotse_owner@db/lotse_scale_1m \\
        --app-role lotse_app --reuse --compare lotse_scale_10k

The app connects as ``--app-role`` (checked: not superuser, no BYPASSRLS, tables FORCE RLS). For
every page the SQL the request sent is captured (SQLAlchemy ``before_cursor_execute``) and replayed
through a bare Flask handler with one psycopg connection as the same role in the same run: the
"floor" - the database work of the page without ORM, guard, templates. Printed per page: the
statements per request, p50/p95/p99 of page and floor, and the ratio. ``--load`` runs gunicorn
(2 workers x 4 threads) for the app and for the floor and drives both with a threaded client.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import percentile

PASSWORD = "lotse-demo"  # noqa: S105 - documented demo password


@dataclass
class Page:
    label: str
    user: str
    urls: list[str]
    samples: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    captured: list[list[tuple]] = field(default_factory=list)
    floor_errors: int = 0


# --- database and app ---------------------------------------------------------------------


def app_url(owner_url: str, role: str) -> str:
    return make_url(owner_url).set(username=role, password=None).render_as_string(False)


def generate(owner_url: str, cases: int, tenants: int | None, role: str) -> None:
    """Fresh schema, migrations, the demo and the NRW installation, as the schema owner."""
    from core import migrate
    from core.app import create_app
    from core.db import db
    from core.demo import nrw, seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": owner_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        migrate.upgrade("heads")
        seed_demo()
        db.session.commit()
        start = time.perf_counter()
        result = nrw.generate(cases, tenants=tenants)
        seconds = time.perf_counter() - start
        print(
            f"generated {result.rows.get('cases', 0)} cases in {seconds:.0f} s "
            f"({result.rows.get('cases', 0) / seconds:.0f} cases/s); rows: {result.rows}",
            flush=True,
        )
        grant(db, role)


def grant(db, role: str) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.exec_driver_sql(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        conn.exec_driver_sql("ANALYZE")


def check_role(url: str) -> str:
    """Refuse to measure as a role that escapes row-level security."""
    import psycopg

    with psycopg.connect(_dsn(url)) as conn:
        superuser, bypass = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        forced = conn.execute(
            "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
            "WHERE relname = 'case_file'"
        ).fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    if superuser or bypass or not forced:
        sys.exit(f"refusing: {url} is superuser={superuser} bypassrls={bypass} forced={forced}")
    role = make_url(url).username
    return f"PostgreSQL {version}, role {role}: no superuser, no BYPASSRLS, RLS forced"


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)


def bench_app(url: str):
    os.environ.setdefault("LOTSE_INSTANCE_PATH", tempfile.mkdtemp(prefix="lotse-bench-scale-"))
    from core.app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-scale",
            "LOTSE_LOGIN_FAILURES_PER_ACCOUNT": 10**6,
            "LOTSE_LOGIN_SLOWDOWN_SECONDS": 0,
        }
    )


def subjects(owner_url: str, slug: str | None) -> dict:
    """The tenant with most cases (or ``slug``), its busiest case manager, a coordinator, the DSB,
    that manager's open cases and a search term that finds some of them."""
    import psycopg

    with psycopg.connect(_dsn(owner_url)) as conn:
        conn.execute("SELECT set_config('lotse.all_tenants', 'on', false)")
        if slug is None:
            slug = conn.execute(
                "SELECT t.slug FROM tenant t JOIN case_file c ON c.tenant_id = t.id "
                "WHERE t.settings::jsonb ? 'scale_demo' GROUP BY t.slug ORDER BY count(*) DESC "
                "LIMIT 1"
            ).fetchone()[0]
        tid = conn.execute("SELECT id FROM tenant WHERE slug = %s", (slug,)).fetchone()[0]
        cm_id, cm_email, open_count = conn.execute(
            "SELECT u.id, u.email, count(*) FROM case_file c JOIN user_account u "
            "ON u.id = c.case_manager_id WHERE c.tenant_id = %s AND c.status = 'open' "
            "AND u.email LIKE 'cm-%%' GROUP BY u.id, u.email ORDER BY count(*) DESC LIMIT 1",
            (tid,),
        ).fetchone()
        rows = conn.execute(
            "SELECT c.id, c.person_id, p.last_name FROM case_file c JOIN person p "
            "ON p.id = c.person_id WHERE c.tenant_id = %s AND c.case_manager_id = %s "
            "AND c.status = 'open' ORDER BY c.id",
            (tid, cm_id),
        ).fetchall()
        total = conn.execute(
            "SELECT count(*) FROM case_file WHERE tenant_id = %s", (tid,)
        ).fetchone()[0]
        everything = conn.execute("SELECT count(*) FROM case_file").fetchone()[0]
        size = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]
    return {
        "slug": slug,
        "cm": cm_email,
        "open": open_count,
        "coordinator": f"koordination-01@{slug}.demo",
        "dpo": f"datenschutz-01@{slug}.demo",
        "cases": [r[0] for r in rows],
        "persons": [r[1] for r in rows],
        "term": rows[0][2][:4],
        "tenant_cases": total,
        "all_cases": everything,
        "size": size,
    }


def sign_in(app, slug: str, email: str):
    client = app.test_client()
    html = client.get(f"/{slug}/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        f"/{slug}/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, (email, response.status_code)
    return client


def pages(s: dict) -> list[Page]:
    t = s["slug"]
    cases, persons = s["cases"], s["persons"]
    return [
        Page(f"case list, case manager ({s['open']} open)", s["cm"], [f"/{t}/cases/"]),
        Page("case list, coordinator", s["coordinator"], [f"/{t}/cases/"]),
        Page(f"name search q={s['term']} (cm)", s["cm"], [f"/{t}/cases/?q={s['term']}"]),
        Page(
            f"name search q={s['term']} (coordinator)",
            s["coordinator"],
            [f"/{t}/cases/?q={s['term']}"],
        ),
        Page("case file", s["cm"], [f"/{t}/cases/{c}" for c in cases]),
        Page("consents page", s["cm"], [f"/{t}/persons/{p}/consents" for p in persons]),
        Page("journal page", s["cm"], [f"/{t}/cases/{c}/journal" for c in cases]),
        Page(
            "Art. 15 export JSON (case manager)",
            s["cm"],
            [f"/{t}/persons/{p}/data-export.json" for p in persons],
        ),
    ]


# --- page vs floor ---------------------------------------------------------------------------


class Capture:
    """The statements (with their parameters) the app sends while ``active``."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.active: list | None = None
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, conn, cursor, statement, parameters, context, executemany):
        if self.active is not None:
            self.active.append((statement, parameters, executemany))


def measure_page(app, capture: Capture, page: Page, slug: str, rounds: int) -> None:
    client = sign_in(app, slug, page.user)
    for url in page.urls[:3]:  # warm-up
        response = client.get(url)
        assert response.status_code == 200, (page.label, url, response.status_code)
    for i in range(rounds):
        url = page.urls[i % len(page.urls)]
        capture.active = []
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        page.samples.append((time.perf_counter() - start) * 1000)
        page.captured.append(capture.active)
        capture.active = None
        assert response.status_code == 200, (page.label, url, response.status_code)


def replay(conn, statements) -> int:
    """Run one request's statements in one transaction, fetching every row; 1 on error."""
    import psycopg

    try:
        with conn.transaction(), conn.cursor() as cur:
            for statement, parameters, many in statements:
                if many:
                    cur.executemany(statement, parameters)
                    continue
                cur.execute(statement, parameters or None)
                if cur.description is not None:
                    cur.fetchall()
    except psycopg.Error:
        return 1
    return 0


def floor_app(url: str, pages_by_key: dict):
    """A bare Flask app: one handler replays a captured request through psycopg."""
    import psycopg
    from flask import Flask

    floor = Flask("lotse-floor")
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed:
            conn = local.conn = psycopg.connect(_dsn(url), autocommit=True)
        return conn

    @floor.get("/floor/<int:key>/<int:i>")
    def run(key, i):
        captured = pages_by_key[key]
        errors = replay(connection(), captured[i % len(captured)])
        return ("error", 500) if errors else "ok"

    return floor


def measure_floor(floor, key: int, page: Page, rounds: int) -> None:
    client = floor.test_client()
    client.get(f"/floor/{key}/0")
    for i in range(rounds):
        start = time.perf_counter()
        response = client.get(f"/floor/{key}/{i}")
        page.floor.append((time.perf_counter() - start) * 1000)
        page.floor_errors += response.status_code != 200


def stats(values) -> tuple[float, float, float]:
    return statistics.median(values), percentile(values, 0.95), percentile(values, 0.99)


def report(pages_: list[Page]) -> None:
    print(
        f"\n{'page':44} {'stmts':>5}  {'p50':>7} {'p95':>7} {'p99':>7}   floor "
        f"{'p50':>6} {'p95':>6} {'p99':>6}   ratio p50  p95",
        flush=True,
    )
    for p in pages_:
        a, f = stats(p.samples), stats(p.floor)
        statements = statistics.median(len(c) for c in p.captured)
        err = f"  ({p.floor_errors} floor errors)" if p.floor_errors else ""
        print(
            f"{p.label:44} {statements:5.0f}  {a[0]:7.1f} {a[1]:7.1f} {a[2]:7.1f}         "
            f"{f[0]:6.1f} {f[1]:6.1f} {f[2]:6.1f}   {a[0] / f[0]:7.1f}x {a[1] / f[1]:4.1f}x{err}",
            flush=True,
        )


# --- same list at another size ---------------------------------------------------------------


def compare(owner_url: str, role: str, databases: list[str], rounds: int) -> None:
    """A case manager's list (and search) in other databases: it should cost the same."""
    import psycopg

    print("\ncase manager's list by installation size (p50 / p95 ms):", flush=True)
    base = make_url(owner_url)
    for name in [base.database, *databases]:
        url = base.set(database=name).render_as_string(False)
        try:
            with psycopg.connect(_dsn(url)):
                pass
        except psycopg.Error:
            print(f"  {name}: not there, skipped")
            continue
        try:
            s = subjects(url, None)
        except (TypeError, psycopg.Error):
            print(f"  {name}: no generated tenant with open cases yet, skipped")
            continue
        app = bench_app(app_url(url, role))
        client = sign_in(app, s["slug"], s["cm"])
        line = []
        for what, link in (
            ("list", f"/{s['slug']}/cases/"),
            ("search", f"/{s['slug']}/cases/?q={s['term']}"),
        ):
            client.get(link)
            samples = []
            for _i in range(rounds):
                start = time.perf_counter()
                assert client.get(link).status_code == 200
                samples.append((time.perf_counter() - start) * 1000)
            p50, p95, _p99 = stats(samples)
            line.append(f"{what} {p50:6.1f} / {p95:6.1f}")
        print(
            f"  {name:22} {s['all_cases']:>9} cases ({s['slug']}: {s['tenant_cases']}, "
            f"cm {s['open']} open)  " + "   ".join(line),
            flush=True,
        )
        from core.db import db

        with app.app_context():
            db.engine.dispose()


# --- mixed read load -------------------------------------------------------------------------


def serve(module: str, port: int, env: dict, workers: int, threads: int):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        module,
    ]
    proc = subprocess.Popen(cmd, env={**os.environ, **env})  # noqa: S603 - fixed command
    import http.client

    for _i in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"gunicorn {module} did not start")


def http_login(port: int, slug: str, email: str) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/{slug}/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    conn.request(
        "POST",
        f"/{slug}/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, (email, response.status)
    jar = dict(c.split(";")[0].split("=", 1) for c in response.headers.get_all("Set-Cookie") or [])
    old = dict(c.split("=", 1) for c in cookie.split("; ") if c)
    return "; ".join(f"{k}={v}" for k, v in {**old, **jar}.items())


def drive(port: int, requests: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    """``clients`` threads cycle through ``requests`` (path, cookie) for ``seconds``."""
    import http.client

    done, errors, latencies = [0], [0], []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        while time.perf_counter() < stop:
            path, cookie = requests[i % len(requests)]
            i += clients
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                done[0] += 1
                errors[0] += not ok
                latencies.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    p50, p95, _p99 = stats(latencies or [0])
    return {"rps": done[0] / elapsed, "n": done[0], "errors": errors[0], "p50": p50, "p95": p95}


def load(app_role_url: str, s: dict, pages_: list[Page], args) -> None:
    """Mixed reads (lists, search, case file, journal, consents) through gunicorn."""
    port, floor_port = args.port, args.port + 1
    env = {
        "LOTSE_DATABASE_URL": app_role_url,
        "LOTSE_SECRET_KEY": "bench-scale-" + "x" * 40,
        "LOTSE_LOGIN_SLOWDOWN_SECONDS": "0",
        "LOTSE_INSTANCE_PATH": os.environ["LOTSE_INSTANCE_PATH"],
    }
    mixed = [p for p in pages_ if not p.label.startswith("Art. 15")]
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as fh:
        pickle.dump({k: p.captured for k, p in enumerate(mixed)}, fh)
    app_proc = serve("bench.scale_wsgi:app", port, env, args.workers, args.threads)
    floor_proc = serve(
        "bench.scale_wsgi:floor",
        floor_port,
        env | {"LOTSE_BENCH_FLOOR": fh.name},
        args.workers,
        args.threads,
    )
    try:
        cookies = {u: http_login(port, s["slug"], u) for u in {p.user for p in mixed}}
        requests, floor_requests = [], []
        for n in range(max(len(p.urls) for p in mixed)):
            for k, p in enumerate(mixed):
                requests.append((p.urls[n % len(p.urls)], cookies[p.user]))
                floor_requests.append((f"/floor/{k}/{n % len(p.captured)}", ""))
        for label, p, reqs in (
            ("app  ", port, requests),
            ("floor", floor_port, floor_requests),
        ):
            r = drive(p, reqs, args.clients, args.load_seconds)
            print(
                f"mixed read load {label} ({args.workers} workers x {args.threads} threads, "
                f"{args.clients} clients, {args.load_seconds:.0f} s): {r['rps']:7.1f} req/s, "
                f"{r['n']} requests, {r['errors']} errors, p50 {r['p50']:.1f} ms, "
                f"p95 {r['p95']:.1f} ms",
                flush=True,
            )
    finally:
        for proc in (app_proc, floor_proc):
            proc.terminate()
            proc.wait(timeout=30)
        Path(fh.name).unlink(missing_ok=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--owner-url",
        default=os.environ.get(
            "LOTSE_BENCH_OWNER_URL", "postgresql://lotse_scale_owner@127.0.0.1/lotse_scale_100k"
        ),
        help="the schema owner's URL (generation, grants); the app uses --app-role on it",
    )
    parser.add_argument("--app-role", default="lotse_scale_app")
    parser.add_argument("--reuse", action="store_true", help="bench the database as it is")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--tenants", type=int, default=None)
    parser.add_argument("--tenant", default=None, help="slug (default: the one with most cases)")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--compare",
        nargs="*",
        default=["lotse_scale_10k", "lotse_scale_1m"],
        help="other databases (same server, roles) whose case-manager list is measured too",
    )
    parser.add_argument("--load", action="store_true", help="also the mixed read load")
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    if not args.reuse:
        generate(args.owner_url, args.cases, args.tenants, args.app_role)
    url = app_url(args.owner_url, args.app_role)
    print(check_role(url), flush=True)
    s = subjects(args.owner_url, args.tenant)
    print(
        f"database {make_url(url).database}: {s['all_cases']} cases, {s['size']}; tenant "
        f"{s['slug']} ({s['tenant_cases']} cases); {s['cm']} with {s['open']} open cases; "
        f"rounds {args.rounds}",
        flush=True,
    )
    app = bench_app(url)
    from core.db import db

    with app.app_context():
        capture = Capture(db.engine)
    measured = pages(s)
    for page in measured:
        measure_page(app, capture, page, s["slug"], args.rounds)
    floor = floor_app(url, {k: p.captured for k, p in enumerate(measured)})
    for key, page in enumerate(measured):
        measure_floor(floor, key, page, args.rounds)
    report(measured)
    if args.load:
        load(url, s, measured, args)
    if args.compare:
        compare(args.owner_url, args.app_role, args.compare, min(args.rounds, 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
