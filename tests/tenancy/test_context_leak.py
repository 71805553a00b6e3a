"""The tenant context never leaks across concurrent requests (security battery T05, CI size):
three tenants' users hit a threaded server in interleaved order; every answer must be about the
requester's own tenant."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from core.db import db
from core.tenancy.context import tenant_scope

REQUESTS = 200


def _client(base, slug, email, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/{slug}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": password}
    ).encode()
    opener.open(f"{base}/{slug}/login", data=data).read()
    return opener


def test_interleaved_requests_stay_in_their_tenant(app, live_server, make_tenant, make_user):
    from plugins.interpreters.models import Interpreter

    users = []
    for slug in ("leak-a", "leak-b", "leak-c"):
        tenant = make_tenant(slug, plugins=["interpreters"], name=f"Kreis {slug}")
        with app.app_context(), tenant_scope(tenant):
            db.session.add(Interpreter(name=f"CANARY-{slug}", languages=["Dari"]))
            db.session.commit()
        email, password = make_user(tenant)
        users.append((slug, _client(live_server, slug, email, password)))

    def fetch(i):
        slug, opener = users[i % len(users)]
        body = opener.open(f"{live_server}/{slug}/interpreters/").read().decode()
        foreign = [s for s, _ in users if s != slug and f"CANARY-{s}" in body]
        return slug, f"CANARY-{slug}" in body, foreign

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(REQUESTS)))
    mismatches = [r for r in results if not r[1] or r[2]]
    print(f"T05: {REQUESTS} interleaved requests, {len(mismatches)} mismatches")
    assert mismatches == []
