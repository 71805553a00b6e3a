"""Sign-in, throttling, sessions, second factor, password set-up and API tokens."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from core.auth.models import AuthSession, User
from core.db import db

WRONG = "E-Mail-Adresse oder Passwort ist nicht richtig."


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("kreis-a", plugins=["interpreters"])


def _login(browser, slug, email, password):
    browser.get(f"/{slug}/login")
    return browser.post(f"/{slug}/login", {"email": email, "password": password})


def test_login_and_logout(browser, tenant, make_user):
    email, password = make_user(tenant)
    response = _login(browser, "kreis-a", email, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/kreis-a/")
    status, html = browser.text("/kreis-a/")
    assert status == 200 and "Abmelden" in html
    response = browser.post("/kreis-a/logout")
    assert response.status_code == 302
    assert browser.get("/kreis-a/").status_code == 302


def test_wrong_password_and_unknown_user_look_the_same(browser, tenant, make_user, monkeypatch):
    import core.auth.passwords as passwords

    email, _ = make_user(tenant)
    calls = []
    real = passwords.hasher()

    class CountingHasher:
        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(passwords, "hasher", lambda profile=None: CountingHasher())

    wrong = _login(browser, "kreis-a", email, "not the password at all")
    unknown = _login(browser, "kreis-a", "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in wrong.get_data(as_text=True) and WRONG in unknown.get_data(as_text=True)
    # Same timing class: each attempt costs exactly one Argon2 verification.
    assert len(calls) == 2
    strip = lambda r: re.sub(r'(value|nonce)="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong).replace(email, "") == strip(unknown).replace("nobody@example.org", "")


def test_member_of_other_tenant_cannot_sign_in_here(browser, tenant, make_tenant, make_user):
    other = make_tenant("kreis-b")
    email, password = make_user(other)
    response = _login(browser, "kreis-a", email, password)
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)


def test_sixth_failure_within_a_minute_is_throttled(browser, tenant, make_user, new_browser):
    email, password = make_user(tenant)
    for _ in range(5):
        assert _login(browser, "kreis-a", email, "wrong wrong wrong").status_code == 200
    sixth = _login(browser, "kreis-a", email, password)  # even the right password is not checked
    assert sixth.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in sixth.get_data(as_text=True)
    # The same happens for an account that does not exist: no hint either way.
    for _ in range(5):
        _login(browser, "kreis-a", "ghost@example.org", "wrong wrong wrong")
    assert _login(browser, "kreis-a", "ghost@example.org", "wrong").status_code == 429
    # Another user from the same address (below the per-address limit) is unaffected.
    other_email, other_password = make_user(tenant)
    assert _login(new_browser(), "kreis-a", other_email, other_password).status_code == 302


def test_per_address_limit(app, browser, tenant, make_user):
    throttle = app.extensions["lotse.throttle"]
    from limits import RateLimitItemPerMinute

    original = throttle.per_ip
    throttle.per_ip = RateLimitItemPerMinute(3)
    try:
        for i in range(3):
            _login(browser, "kreis-a", f"spray{i}@example.org", "wrong")
        email, password = make_user(tenant)
        assert _login(browser, "kreis-a", email, password).status_code == 429
    finally:
        throttle.per_ip = original


def test_session_cookie_is_replaced_and_dead_after_logout(
    app, browser, tenant, make_user, new_browser
):
    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="lotse.test").value
    assert browser.get("/kreis-a/").status_code == 200
    browser.post("/kreis-a/logout")
    replay = new_browser()
    replay.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain="lotse.test")
    assert replay.get("/kreis-a/").status_code == 302  # the captured cookie no longer works


def test_idle_timeout_ends_session(app, browser, tenant, make_user):
    from datetime import timedelta

    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    with app.app_context():
        row = db.session.scalar(select(AuthSession))
        row.last_seen_at = row.last_seen_at - timedelta(minutes=31)
        db.session.commit()
    assert browser.get("/kreis-a/").status_code == 302


def test_absolute_timeout_ends_session(app, browser, tenant, make_user):
    from datetime import timedelta

    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    with app.app_context():
        row = db.session.scalar(select(AuthSession))
        row.created_at = row.created_at - timedelta(hours=12, minutes=1)
        db.session.commit()
    assert browser.get("/kreis-a/").status_code == 302


def test_csrf_required_on_forms(browser, tenant, make_user):
    email, password = make_user(tenant)
    browser.get("/kreis-a/login")
    response = browser.post("/kreis-a/login", {"email": email, "password": password}, csrf=False)
    assert response.status_code == 400
    assert "Formular" in response.get_data(as_text=True)


def test_open_redirect_is_ignored(browser, tenant, make_user):
    email, password = make_user(tenant)
    browser.get("/kreis-a/login")
    response = browser.post(
        "/kreis-a/login?next=https://evil.example/", {"email": email, "password": password}
    )
    assert response.headers["Location"].endswith("/kreis-a/")


def test_second_factor_enrol_login_and_replay(app, browser, tenant, make_user, new_browser):
    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    status, html = browser.text("/kreis-a/account/second-factor")
    assert status == 200 and "<svg" in html
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    code = pyotp.TOTP(secret).now()
    wrong = browser.post("/kreis-a/account/second-factor", {"password": "wrong", "code": code})
    assert wrong.status_code == 400
    response = browser.post("/kreis-a/account/second-factor", {"password": password, "code": code})
    # The recovery codes are shown in this response only: never stored in the cookie session.
    assert response.status_code == 200
    recovery = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", response.get_data(as_text=True))
    assert len(recovery) == 10
    assert re.findall(r"<li><code>", browser.get("/kreis-a/account").get_data(as_text=True)) == []

    second = new_browser()
    response = _login(second, "kreis-a", email, password)
    assert response.headers["Location"].endswith("/kreis-a/login/second-factor")
    assert second.get("/kreis-a/").status_code == 302  # nothing else before the second factor
    second.get("/kreis-a/login/second-factor")
    replay = second.post(
        "/kreis-a/login/second-factor", {"code": code}
    )  # same code as at enrolment
    assert replay.status_code == 200 and "bereits verwendet" in replay.get_data(as_text=True)
    ok = second.post("/kreis-a/login/second-factor", {"code": recovery[0]})
    assert ok.status_code == 302
    assert second.get("/kreis-a/").status_code == 200

    third = new_browser()
    _login(third, "kreis-a", email, password)
    third.get("/kreis-a/login/second-factor")
    reused = third.post("/kreis-a/login/second-factor", {"code": recovery[0]})
    assert reused.status_code == 200  # recovery codes work once


def test_password_change_needs_current_password_and_ends_other_sessions(
    browser, tenant, make_user, new_browser
):
    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    other = new_browser()
    _login(other, "kreis-a", email, password)
    browser.get("/kreis-a/account")
    bad = browser.post(
        "/kreis-a/account/password",
        {"current_password": "nope", "new_password": "x", "confirm_password": "y"},
    )
    text = bad.get_data(as_text=True)
    assert (
        bad.status_code == 400 and "aktuelle Passwort" in text and "stimmen nicht überein" in text
    )
    weak = browser.post(
        "/kreis-a/account/password",
        {
            "current_password": password,
            "new_password": "password1234",
            "confirm_password": "password1234",
        },
    )
    assert weak.status_code == 400
    new = "Ein langer Satz über Fahrräder"
    ok = browser.post(
        "/kreis-a/account/password",
        {"current_password": password, "new_password": new, "confirm_password": new},
    )
    assert ok.status_code == 302
    assert other.get("/kreis-a/").status_code == 302
    assert browser.get("/kreis-a/").status_code == 200


@pytest.mark.parametrize(
    "password,fragment",
    [
        ("kurz", "mindestens 12 Zeichen"),
        ("password1234", "häufig verwendeten"),
        ("Lotse ist prima 2026", "nicht den Namen"),
    ],
)
def test_password_policy_messages(app_ctx, password, fragment):
    from flask_babel import force_locale

    from core.auth.passwords import policy_errors

    with app_ctx.test_request_context(), force_locale("de"):
        assert any(fragment in message for message in policy_errors(password))


def test_password_policy_accepts_long_unicode_without_composition_rules(app_ctx):
    from core.auth.passwords import policy_errors

    assert policy_errors("äöü ß 山 längerer satz ohne ziffern") == []
    assert policy_errors("x" * 64 + " a long one") == []


def test_setup_link_is_one_time(app, browser, tenant, make_user):
    from core.auth import services as auth
    from core.tenancy.context import tenant_scope

    with app.app_context():
        user = auth.create_user("neu@example.org", "Neue Person")
        with tenant_scope(tenant):
            auth.add_membership(user, tenant, ["case_manager"])
        token = auth.issue_setup_token(user)
        db.session.commit()
    assert _login(browser, "kreis-a", "neu@example.org", "").status_code == 200
    url = f"/kreis-a/password/{token}"
    status, html = browser.text(url)
    assert status == 200 and "neu@example.org" in html
    new = "Fahrräder im Regen am Dienstag"
    assert browser.post(url, {"new_password": new, "confirm_password": new}).status_code == 302
    assert browser.get(url).status_code == 404
    assert _login(browser, "kreis-a", "neu@example.org", new).status_code == 302


def test_argon2_hash_is_upgraded_on_login(app, browser, tenant, make_user):
    from argon2 import PasswordHasher

    email, password = make_user(tenant)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.password_hash = weak
        db.session.commit()
    _login(browser, "kreis-a", email, password)
    with app.app_context():
        assert db.session.scalar(select(User.password_hash).where(User.email == email)) != weak


def test_suite_hashes_with_the_test_profile_and_production_refuses_it(app, _db_url, tmp_path):
    """The cheap Argon2 profile comes from the test configuration; an app without TESTING (or
    with an unknown profile) does not start with it."""
    from core.app import create_app
    from core.auth.passwords import hash_password
    from core.testing.pytest_plugin import make_test_config

    with app.app_context():
        assert "m=256,t=1,p=1" in hash_password("irgendein langes Passwort")
    with pytest.raises(RuntimeError, match="LOTSE_PASSWORD_HASH_PROFILE"):
        create_app(make_test_config(_db_url, tmp_path, TESTING=False))
    with pytest.raises(ValueError, match="LOTSE_PASSWORD_HASH_PROFILE"):
        create_app(make_test_config(_db_url, tmp_path, LOTSE_PASSWORD_HASH_PROFILE="billig"))
    standard = create_app(
        make_test_config(_db_url, tmp_path, TESTING=False, LOTSE_PASSWORD_HASH_PROFILE="standard")
    )
    with standard.app_context():
        assert "m=65536,t=3,p=4" in hash_password("irgendein langes Passwort")


def test_deactivated_membership_ends_access_on_next_request(app, browser, tenant, make_user):
    from core.auth.models import Membership
    from core.tenancy.context import tenant_scope

    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    with app.app_context(), tenant_scope(tenant):
        member = db.session.scalar(select(Membership))
        member.active = False
        db.session.commit()
    assert browser.get("/kreis-a/").status_code == 404


def test_every_attempt_is_audited(app, browser, tenant, make_user):
    from core.audit.models import AuditEvent
    from core.tenancy.context import tenant_scope

    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, "wrong")
    _login(browser, "kreis-a", email, password)
    with app.app_context(), tenant_scope(tenant):
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.login.failed" in actions and "auth.login.password_ok" in actions


def test_api_token_lifecycle(app, browser, tenant, make_tenant, make_user):
    email, password = make_user(tenant)
    _login(browser, "kreis-a", email, password)
    browser.get("/kreis-a/account")
    bad = browser.post("/kreis-a/account/tokens", {"name": "", "days": "900"})
    assert bad.status_code == 400
    created = browser.post("/kreis-a/account/tokens", {"name": "Statistik", "days": "30"})
    assert created.status_code == 201
    token = re.search(r"(lotse_[A-Za-z0-9_-]{20,})", created.get_data(as_text=True)).group(1)
    html = browser.get("/kreis-a/account").get_data(as_text=True)
    assert token not in html  # shown once, in the response to the POST
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/kreis-a/api/v1/me", headers=auth)
    assert me.status_code == 200 and me.json["email"] == email
    assert me.json["tenant"]["slug"] == "kreis-a"
    # The token is bound to its tenant and to the API.
    make_tenant("kreis-b")
    assert client.get("/kreis-b/api/v1/me", headers=auth).status_code == 401
    assert client.get("/kreis-a/", headers=auth).status_code == 302
    with app.app_context():
        from core.auth.models import ApiToken

        stored = db.session.scalars(
            select(ApiToken.token_hash).execution_options(all_tenants=True)
        ).all()
        assert token not in stored and len(stored) == 1
    token_id = re.search(r"/account/tokens/(\d+)/revoke", html).group(1)
    browser.post(f"/kreis-a/account/tokens/{token_id}/revoke")
    assert client.get("/kreis-a/api/v1/me", headers=auth).status_code == 401


def test_throttle_shared_through_redis():
    """Several app servers share the limit when LOTSE_RATELIMIT_STORAGE points at Redis."""
    import os

    from core.auth.throttle import LoginThrottle

    url = os.environ.get("LOTSE_TEST_REDIS_URL")
    if not url:
        pytest.skip("LOTSE_TEST_REDIS_URL not set (.ci/run sets it)")
    server_a = LoginThrottle(url, per_account=5, per_ip=30)
    server_b = LoginThrottle(url, per_account=5, per_ip=30)
    server_a.reset()
    for _ in range(3):
        server_a.failed("shared@example.org", "10.0.0.1")
    for _ in range(2):
        server_b.failed("shared@example.org", "10.0.0.1")
    assert server_a.is_throttled("shared@example.org", "10.0.0.1")
    assert server_b.is_throttled("shared@example.org", "10.0.0.1")
    # Per account *and* address: the owner elsewhere is not kept out, nor another account.
    assert not server_b.is_throttled("shared@example.org", "10.0.0.3")
    assert not server_b.is_throttled("other@example.org", "10.0.0.1")
    server_a.reset()
