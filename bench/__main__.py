"""Request latency of the platform foundation through the real app (test client, real database).

    make bench                                  # SQLite file in a temp folder
    LOTSE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/lotse_bench make bench

Measures sign-in (Argon2), the start page, a plugin page, the API with a token and a foreign
tenant's 404, and prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time

from bench.cases import api_token
from bench.common import build_app, percentile

ROUNDS = int(os.environ.get("LOTSE_BENCH_ROUNDS", "300"))


def timed(label, fn, rounds=ROUNDS):
    fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = fn()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 404), (label, response.status_code)
    print(
        f"{label:38} n={rounds:4}  p50 {statistics.median(samples):7.2f} ms  p95 "
        f"{percentile(samples, 0.95):7.2f} ms"
    )


def main() -> int:
    app, url = build_app()
    print(f"database: {url.split(':')[0]}, rounds: {ROUNDS}")
    client = app.test_client()
    page = client.get("/oberhausen/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def sign_in():
        c = app.test_client()
        html = c.get("/oberhausen/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return c.post(
            "/oberhausen/login",
            data={"csrf_token": csrf, "email": "cm@oberhausen.demo", "password": "lotse-demo"},
        )

    timed("sign-in (GET form + POST, Argon2)", lambda: _ok(sign_in()), rounds=min(ROUNDS, 50))
    client.post(
        "/oberhausen/login",
        data={"csrf_token": token, "email": "cm@oberhausen.demo", "password": "lotse-demo"},
    )
    timed("start page /oberhausen/", lambda: client.get("/oberhausen/"))
    timed("plugin page /oberhausen/interpreters/", lambda: client.get("/oberhausen/interpreters/"))
    timed("foreign tenant /kleve/ (404)", lambda: client.get("/kleve/"))
    clear = api_token(client)
    api = app.test_client()
    timed(
        "API GET /me with token",
        lambda: api.get("/oberhausen/api/v1/me", headers={"Authorization": f"Bearer {clear}"}),
    )
    return 0


class _Ok:
    status_code = 200


def _ok(response):
    assert response.status_code == 302, response.status_code
    return _Ok()


if __name__ == "__main__":
    sys.exit(main())
