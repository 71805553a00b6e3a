"""Accounts across tenants (issue #8, items 1–4): invitations instead of silent memberships,
credential links only by mail, the operator's limits and the separation of duties.

Every test here failed on the code before the fix: an invited existing account became a member
at once, the reset link was shown to the administrator, and an administrator could give
themselves (or be given) case-data roles freely.
"""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.auth.models import Invitation, Membership, User
from core.db import db
from core.tenancy.context import tenant_scope

TOKEN_RE = re.compile(r"/password/[\w-]{20,}")
NEW_PW = "Ein eigener langer Satz über Fahrräder"


def _member_ids(app, tenant, email):
    with app.app_context(), tenant_scope(tenant):
        return db.session.scalars(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
        ).all()


def _password_hash(app, email):
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


def _invite(browser, slug, email, roles=("case_manager",), name="Eingeladene Person"):
    browser.get(f"/{slug}/admin/users/new")
    return browser.post(
        f"/{slug}/admin/users/new", {"email": email, "display_name": name, "roles": list(roles)}
    )


@pytest.fixture
def admin_of(make_tenant, make_user, new_browser):
    """``admin_of("kreis-a")`` → (tenant, signed-in browser of its local administrator)."""

    def make(slug):
        tenant = make_tenant(slug)
        email, _ = make_user(tenant, roles=["tenant_admin"])
        browser = new_browser()
        browser.login(slug, email)
        return tenant, browser

    return make


def test_new_address_gets_setup_mail_and_joins_when_choosing_password(
    app, admin_of, new_browser, mail_outbox
):
    tenant, admin = admin_of("verw")
    response = _invite(admin, "verw", "Neu@Example.org")
    assert response.status_code == 302
    page = admin.get("/verw/admin/users").get_data(as_text=True)
    assert "neu@example.org" in page and not TOKEN_RE.search(page)  # listed as invitation, no link
    assert _member_ids(app, tenant, "neu@example.org") == []
    link = mail_outbox.link("neu@example.org")
    assert link.startswith("https://lotse.example/verw/password/")
    person = new_browser()
    path = link.removeprefix("https://lotse.example")
    assert (
        person.post(path, {"new_password": NEW_PW, "confirm_password": NEW_PW}).status_code == 302
    )
    assert len(_member_ids(app, tenant, "neu@example.org")) == 1
    person.login("verw", "neu@example.org", NEW_PW)
    assert person.get("/verw/").status_code == 200
    # The link worked once.
    assert new_browser().get(path).status_code == 404


def test_reinvitation_sends_a_fresh_setup_link_while_the_first_was_unused(
    app, admin_of, new_browser, mail_outbox
):
    tenant, admin = admin_of("verw")
    _invite(admin, "verw", "spaet@example.org")
    _invite(admin, "verw", "spaet@example.org")
    first, second = mail_outbox.to("spaet@example.org")
    assert "/verw/password/" in second.get_body().get_content()
    old = re.search(r"https://lotse.example(\S+)", first.get_body().get_content()).group(1)
    assert new_browser().get(old).status_code == 404  # the earlier link stopped working
    path = mail_outbox.link("spaet@example.org").removeprefix("https://lotse.example")
    person = new_browser()
    assert (
        person.post(path, {"new_password": NEW_PW, "confirm_password": NEW_PW}).status_code == 302
    )
    assert len(_member_ids(app, tenant, "spaet@example.org")) == 1


def test_invite_answers_identically_and_never_names_operators(
    app, admin_of, make_tenant, make_user, mail_outbox
):
    tenant, admin = admin_of("verw")
    other = make_tenant("anders")
    existing, _ = make_user(other, email="vorhanden@example.org")
    operator, _ = make_user(None, operator=True, email="betrieb@example.org")
    answers = []
    for email in ("frisch@example.org", existing, operator):
        response = _invite(admin, "verw", email)
        assert response.status_code == 302
        flashed = admin.get(response.headers["Location"]).get_data(as_text=True)
        notice = re.search(r'class="flash flash--success"[^>]*>(.*?)</', flashed, re.S).group(1)
        answers.append(notice.replace(email, "<adresse>"))
    assert answers[0] == answers[1] == answers[2]
    listing = admin.get("/verw/admin/users").get_data(as_text=True)
    for email in ("frisch@example.org", existing, operator):
        assert email in listing  # all three appear alike, as open invitations
    assert "Betrieb" not in listing and "Plattform" not in listing
    # Nobody became a member silently; the operator got nothing.
    assert _member_ids(app, tenant, existing) == [] and _member_ids(app, tenant, operator) == []
    assert mail_outbox.to(operator) == []
    assert "lotse.example/verw/login" in mail_outbox.to(existing)[-1].get_body().get_content()
    assert "/verw/password/" in mail_outbox.to("frisch@example.org")[-1].get_body().get_content()


@pytest.mark.parametrize(
    "attacker_slug, victim_slug", list(itertools.permutations(["kreis-a", "kreis-b", "kreis-c"], 2))
)
def test_takeover_chain_fails_at_every_step(
    app, admin_of, make_user, new_browser, mail_outbox, attacker_slug, victim_slug
):
    """Invite the victim's address → reset → sign in elsewhere: every step fails, for every pair."""
    tenants = {slug: admin_of(slug) for slug in (attacker_slug, victim_slug)}
    attacker_tenant, attacker = tenants[attacker_slug]
    victim_tenant, _victim_admin = tenants[victim_slug]
    victim, victim_pw = make_user(victim_tenant, roles=["case_manager"])
    before = _password_hash(app, victim)

    # (a) The invitation adds nobody.
    assert _invite(attacker, attacker_slug, victim).status_code == 302
    assert _member_ids(app, attacker_tenant, victim) == []
    # (b) No membership to reset; the victim's membership id of the other tenant is a 404.
    victim_member_id = _member_ids(app, victim_tenant, victim)[0]
    assert attacker.get(f"/{attacker_slug}/admin/users/{victim_member_id}").status_code == 404
    assert (
        attacker.post(
            f"/{attacker_slug}/admin/users/{victim_member_id}", {"action": "reset"}
        ).status_code
        == 404
    )
    # Even after the victim accepts (a legitimate second tenant), the attacker cannot reset it.
    owner = new_browser()
    owner.get(f"/{attacker_slug}/login")
    owner.post(f"/{attacker_slug}/login", {"email": victim, "password": victim_pw})
    owner.get(f"/{attacker_slug}/invitation")
    assert owner.post(f"/{attacker_slug}/invitation", {"decision": "accept"}).status_code == 302
    member_id = _member_ids(app, attacker_tenant, victim)[0]
    page = attacker.get(f"/{attacker_slug}/admin/users/{member_id}").get_data(as_text=True)
    assert 'value="reset"' not in page
    response = attacker.post(f"/{attacker_slug}/admin/users/{member_id}", {"action": "reset"})
    assert response.status_code == 302
    assert not TOKEN_RE.search(attacker.get(response.headers["Location"]).get_data(as_text=True))
    assert [m for m in mail_outbox.to(victim) if "/password/" in m.get_body().get_content()] == []
    # (c) The victim's password is untouched; the attacker has nothing to sign in with.
    assert _password_hash(app, victim) == before
    new_browser().login(victim_slug, victim, victim_pw)


def test_reset_by_admin_goes_to_the_owner_only_and_ends_everything(
    app, admin_of, make_user, new_browser, mail_outbox
):
    tenant, admin = admin_of("verw")
    email, password = make_user(tenant, roles=["case_manager"])
    member_id = _member_ids(app, tenant, email)[0]
    person = new_browser()
    person.login("verw", email, password)
    person.get("/verw/account")
    created = person.post("/verw/account/tokens", {"name": "Export", "days": "30"})
    token = re.search(r"(lotse_[A-Za-z0-9_-]{20,})", created.get_data(as_text=True)).group(1)
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/verw/api/v1/me", headers=auth).status_code == 200

    admin.get(f"/verw/admin/users/{member_id}")
    response = admin.post(f"/verw/admin/users/{member_id}", {"action": "reset"})
    assert response.status_code == 302
    shown = admin.get(f"/verw/admin/users/{member_id}").get_data(as_text=True)
    assert not TOKEN_RE.search(shown) and "E-Mail-Adresse des Kontos" in shown
    link = mail_outbox.link(email)
    assert link.startswith("https://lotse.example/verw/password/")  # never the Host header
    path = link.removeprefix("https://lotse.example")
    setter = new_browser()
    assert (
        setter.post(path, {"new_password": NEW_PW, "confirm_password": NEW_PW}).status_code == 302
    )
    # Every session and every API token of the account ended.
    assert person.get("/verw/").status_code == 302
    assert api.get("/verw/api/v1/me", headers=auth).status_code == 401


def test_forgot_password_mails_owner_with_configured_base_url(
    app, make_tenant, make_user, new_browser, mail_outbox
):
    tenant = make_tenant("verw")
    email, _ = make_user(tenant)
    answers = []
    for address in (email, "niemand@example.org"):
        browser = new_browser()
        browser.get("/verw/password/forgot", environ_overrides={"HTTP_HOST": "evil.example"})
        response = browser.post(
            "/verw/password/forgot",
            {"email": address},
            environ_overrides={"HTTP_HOST": "evil.example"},
        )
        page = re.sub(r'(nonce|value)="[^"]*"', "", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(address, "")))
    assert answers[0] == answers[1] and answers[0][0] == 200  # same answer with or without account
    assert not TOKEN_RE.search(answers[0][1])
    link = mail_outbox.link(email)
    assert link.startswith("https://lotse.example/verw/password/") and "evil" not in link
    assert mail_outbox.to("niemand@example.org") == []


def test_reset_refused_for_shared_and_preexisting_accounts(
    app, admin_of, make_tenant, make_user, mail_outbox
):
    tenant, admin = admin_of("verw")
    other = make_tenant("anders")
    shared, _ = make_user(other, email="geteilt@example.org")
    make_user(tenant, email="geteilt@example.org")  # now in two tenants
    member_id = _member_ids(app, tenant, shared)[0]
    page = admin.get(f"/verw/admin/users/{member_id}").get_data(as_text=True)
    assert "Passwort vergessen?" in page and 'value="reset"' not in page
    admin.post(f"/verw/admin/users/{member_id}", {"action": "reset"})
    assert mail_outbox.to(shared) == []
    with app.app_context():
        assert (
            db.session.scalar(select(User.credential_tenant_id).where(User.email == shared)) is None
        )


def test_invitee_must_sign_in_and_accept(
    app, admin_of, make_tenant, make_user, new_browser, mail_outbox
):
    tenant, admin = admin_of("verw")
    home = make_tenant("heimat")
    email, password = make_user(home, roles=["case_manager"])
    _invite(admin, "verw", email, roles=["coordinator"])
    person = new_browser()
    person.get("/verw/login")
    assert person.post("/verw/login", {"email": email, "password": password}).status_code == 302
    # Until accepted, every page leads to the invitation; the API knows nothing.
    assert person.get("/verw/cases/").headers["Location"].endswith("/verw/invitation")
    assert person.get("/verw/api/v1/me").status_code == 404
    page = person.get("/verw/invitation").get_data(as_text=True)
    assert "Einladung" in page and "Koordination" in page
    assert person.post("/verw/invitation", {"decision": "accept"}).status_code == 302
    assert person.get("/verw/cases/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.credential_tenant_id is None  # now shared: no tenant resets it
    assert _member_ids(app, tenant, email)


def test_declined_and_withdrawn_invitations_give_nothing(
    app, admin_of, make_tenant, make_user, new_browser
):
    tenant, admin = admin_of("verw")
    home = make_tenant("heimat")
    email, password = make_user(home)
    _invite(admin, "verw", email)
    person = new_browser()
    person.get("/verw/login")
    person.post("/verw/login", {"email": email, "password": password})
    person.get("/verw/invitation")
    assert person.post("/verw/invitation", {"decision": "decline"}).status_code == 302
    assert _member_ids(app, tenant, email) == []
    assert person.get("/verw/").status_code == 302  # signed out
    # A withdrawn invitation no longer opens the sign-in.
    _invite(admin, "verw", email)
    with app.app_context(), tenant_scope(tenant):
        invitation_id = db.session.scalar(
            select(Invitation.id).where(
                Invitation.accepted_at.is_(None), Invitation.declined_at.is_(None)
            )
        )
    admin.get("/verw/admin/users")
    admin.post(f"/verw/admin/invitations/{invitation_id}/withdraw")
    late = new_browser()
    late.get("/verw/login")
    assert late.post("/verw/login", {"email": email, "password": password}).status_code == 200


def test_nobody_grants_themselves_a_role(app, make_tenant, make_user, new_browser):
    tenant = make_tenant("verw")
    tenant_settings(app, tenant, admin_may_hold_case_roles=True)
    email, _ = make_user(tenant, roles=["tenant_admin"])
    admin = new_browser()
    admin.login("verw", email)
    own_id = _member_ids(app, tenant, email)[0]
    admin.get(f"/verw/admin/users/{own_id}")
    response = admin.post(
        f"/verw/admin/users/{own_id}",
        {"roles": ["tenant_admin", "coordinator"], "active": "1", "action": "save"},
    )
    assert response.status_code == 400 and "eigenen Rollen" in response.get_data(as_text=True)
    assert _invite(admin, "verw", email, roles=["coordinator"]).status_code == 400
    with app.app_context(), tenant_scope(tenant):
        assert db.session.get(Membership, own_id).roles == ["tenant_admin"]


def tenant_settings(app, tenant, **values):
    from core.tenancy.models import Tenant

    with app.app_context():
        row = db.session.get(Tenant, tenant.id)
        row.settings = {**(row.settings or {}), **values}
        db.session.commit()


def test_admin_and_case_data_roles_are_separate_duties(
    app, admin_of, make_user, mail_outbox, signed_in
):
    tenant, admin = admin_of("verw")
    refused = _invite(admin, "verw", "beides@example.org", roles=["tenant_admin", "case_manager"])
    assert refused.status_code == 400 and "getrennte Aufgaben" in refused.get_data(as_text=True)
    colleague, _ = make_user(tenant, roles=["tenant_admin"])
    member_id = _member_ids(app, tenant, colleague)[0]
    admin.get(f"/verw/admin/users/{member_id}")
    refused = admin.post(
        f"/verw/admin/users/{member_id}",
        {"roles": ["tenant_admin", "coordinator"], "active": "1", "action": "save"},
    )
    assert refused.status_code == 400
    # The explicit setting allows it; setting and grant are audited and shown to the DSB.
    admin.get("/verw/admin/settings")
    admin.post(
        "/verw/admin/settings",
        {
            "name": "Verwaltung",
            "primary": "#1f4e79",
            "accent": "#9a3412",
            "locales": ["de", "en"],
            "default_locale": "de",
            "admin_may_hold_case_roles": "1",
        },
    )
    ok = admin.post(
        f"/verw/admin/users/{member_id}",
        {"roles": ["tenant_admin", "coordinator"], "active": "1", "action": "save"},
    )
    assert ok.status_code == 302
    with app.app_context(), tenant_scope(tenant):
        actions = set(db.session.scalars(select(AuditEvent.action)).all())
    assert {"admin.duty_separation_changed", "admin.case_data_role_granted"} <= actions
    dsb = signed_in(tenant, roles=["dpo"])
    desk = dsb.get("/verw/privacy").get_data(as_text=True)
    assert "Trennung der Aufgaben" in desk and "erlaubt" in desk
    assert "Koordination" in desk  # the grant is listed


def test_case_data_role_grants_are_listed_for_the_dsb(app, admin_of, make_user, new_browser):
    tenant, admin = admin_of("verw")
    email, _ = make_user(tenant, roles=["steering_member"])
    member_id = _member_ids(app, tenant, email)[0]
    admin.get(f"/verw/admin/users/{member_id}")
    admin.post(
        f"/verw/admin/users/{member_id}",
        {"roles": ["case_manager"], "active": "1", "action": "save"},
    )
    with app.app_context(), tenant_scope(tenant):
        grants = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "admin.case_data_role_granted")
        ).all()
    assert len(grants) == 1 and grants[0].details["roles"] == ["case_manager"]


# --- operator --------------------------------------------------------------------------------


@pytest.fixture
def operator(make_user, new_browser):
    email, _ = make_user(None, operator=True)
    browser = new_browser()
    browser.operator_login(email)
    return browser


def test_operator_link_only_before_any_admin_password(
    app, operator, new_browser, mail_outbox, make_user
):
    operator.get("/platform/tenants/new")
    created = operator.post(
        "/platform/tenants/new",
        {
            "name": "Kreis Wesel",
            "slug": "wesel",
            "kind": "kreis",
            "admin_email": "admin@wesel.example",
            "admin_name": "Admin Wesel",
        },
    )
    assert created.status_code == 302
    page = operator.get(created.headers["Location"]).get_data(as_text=True)
    assert not TOKEN_RE.search(page)
    with app.app_context():
        from core.tenancy.models import Tenant

        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "wesel"))
        tenant_id = tenant.id
    # While nobody chose a password, the operator may re-send — by mail only.
    resent = operator.post(
        f"/platform/tenants/{tenant_id}",
        {"action": "admin_link", "admin_email": "admin@wesel.example"},
    )
    assert resent.status_code == 302 and len(mail_outbox.to("admin@wesel.example")) == 2
    assert not TOKEN_RE.search(operator.get(resent.headers["Location"]).get_data(as_text=True))
    path = mail_outbox.link("admin@wesel.example").removeprefix("https://lotse.example")
    person = new_browser()
    assert (
        person.post(path, {"new_password": NEW_PW, "confirm_password": NEW_PW}).status_code == 302
    )
    person.login("wesel", "admin@wesel.example", NEW_PW)
    assert person.get("/wesel/admin/plugins").status_code == 200
    # From now on the operator cannot reach this (or any) account's credentials.
    again = operator.post(
        f"/platform/tenants/{tenant_id}",
        {"action": "admin_link", "admin_email": "admin@wesel.example"},
    )
    assert again.status_code == 400 and len(mail_outbox.to("admin@wesel.example")) == 2
    assert _password_hash(app, "admin@wesel.example") != ""


def test_operator_cannot_send_links_to_case_managers_or_active_admins(
    app, operator, make_tenant, make_user, mail_outbox
):
    tenant = make_tenant("schutz")
    cm, _ = make_user(tenant, roles=["case_manager"])
    admin, _ = make_user(tenant, roles=["tenant_admin"])
    for email in (cm, admin):
        response = operator.post(
            f"/platform/tenants/{tenant.id}", {"action": "admin_link", "admin_email": email}
        )
        assert response.status_code == 400
    assert len(mail_outbox) == 0


def test_operator_sees_no_case_data(app, operator, make_tenant):
    tenant = make_tenant("schutz")
    for path in (
        "/schutz/",
        "/schutz/cases/",
        "/schutz/persons/new",
        "/schutz/api/v1/cases",
        "/schutz/privacy",
    ):
        assert operator.get(path).status_code in (302, 404)
    assert operator.get(f"/platform/tenants/{tenant.id}").status_code == 200


def test_cli_user_create_mails_the_link(app, make_tenant, mail_outbox, cli):

    make_tenant("kleve")
    result = cli(
        "user", "create", "--email", "neu@kleve.example", "--name", "Neu", "--tenant", "kleve"
    )
    assert result.exit_code == 0, result.output
    assert "/password/" not in result.output and "E-Mail" in result.output
    assert mail_outbox.link("neu@kleve.example").startswith("https://lotse.example/kleve/password/")


def test_invitation_count_does_not_leak_membership_elsewhere(app, admin_of, make_tenant, make_user):
    """The admin's view of a foreign account never differs from an unknown address."""
    tenant, admin = admin_of("verw")
    other = make_tenant("anders")
    existing, _ = make_user(other)
    _invite(admin, "verw", existing)
    _invite(admin, "verw", "unbekannt@example.org")
    page = admin.get("/verw/admin/users").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    shape = [
        re.sub(r"[\w.+-]+@[\w.-]+|Eingeladene Person|\d+", "", row)
        for row in rows
        if "@" in row and "Withdraw" not in row
    ]
    assert len(set(shape[-2:])) == 1
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


# --- throttling (item 8) ---------------------------------------------------------------------


def _login_from(browser, slug, email, password, ip):
    browser.get(f"/{slug}/login", environ_base={"REMOTE_ADDR": ip})
    return browser.post(
        f"/{slug}/login", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_attacker_cannot_keep_a_named_user_out(app, make_tenant, make_user, new_browser):
    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    attacker = new_browser()
    for _ in range(12):
        _login_from(attacker, "verw", email, "falsch falsch falsch", "203.0.113.9")
    assert _login_from(attacker, "verw", email, password, "203.0.113.9").status_code == 429
    # The owner, from their own address, signs in at once.
    assert _login_from(new_browser(), "verw", email, password, "198.51.100.4").status_code == 302


def test_account_ceiling_slows_and_alerts_but_accepts_the_password(
    app, make_tenant, make_user, new_browser, mail_outbox, monkeypatch, count_rows
):
    from limits import RateLimitItemPerMinute

    from core.auth import throttle as throttle_module

    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    limiter = app.extensions["lotse.throttle"]
    monkeypatch.setattr(limiter, "account_ceiling", RateLimitItemPerMinute(6, multiples=15))
    slowed = []
    monkeypatch.setattr(
        throttle_module.time if hasattr(throttle_module, "time") else __import__("time"),
        "sleep",
        lambda seconds: slowed.append(seconds),
    )
    app.config["LOTSE_LOGIN_SLOWDOWN_SECONDS"] = 1.5
    try:
        for i in range(8):  # a botnet: every try from another address
            _login_from(new_browser(), "verw", email, "falsch falsch falsch", f"192.0.2.{i + 1}")
        ok = _login_from(new_browser(), "verw", email, password, "198.51.100.7")
    finally:
        app.config["LOTSE_LOGIN_SLOWDOWN_SECONDS"] = 0
    assert ok.status_code == 302  # slowed, never refused
    assert slowed and slowed[-1] == 1.5
    alerts = [m for m in mail_outbox.to(email) if "fehlgeschlagene" in m["Subject"]]
    assert len(alerts) == 1  # once per window, to the owner
    ceiling = AuditEvent.action == "auth.login.account_ceiling_reached"
    assert count_rows(tenant, AuditEvent, ceiling) == 1


def test_failures_are_counted_across_workers(app, make_tenant, make_user, new_browser):
    """Two app instances (two workers) on one database share the count: the default storage."""
    from core.app import create_app

    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    second_worker = create_app({**app.config})
    from core.testing.pytest_plugin import Browser

    other = Browser(second_worker.test_client())
    first = new_browser()
    for i in range(5):
        worker = first if i % 2 else other
        _login_from(worker, "verw", email, "falsch falsch falsch", "203.0.113.50")
    assert _login_from(first, "verw", email, password, "203.0.113.50").status_code == 429
    assert _login_from(other, "verw", email, password, "203.0.113.50").status_code == 429


def test_memory_storage_is_refused_for_several_workers(monkeypatch):
    from click.testing import CliRunner

    from core.cli import main

    monkeypatch.setenv("LOTSE_RATELIMIT_STORAGE", "memory://")
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert (
        result.exit_code == 2 and "memory://" in result.output and "Traceback" not in result.output
    )


# --- secrets stay on the server (item 6) and mail without a server (item 2) -------------------


def _cookie_session(app, browser) -> dict:
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="lotse.test")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_no_secret_travels_in_the_cookie_session(app, make_tenant, make_user, new_browser):
    import pyotp

    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    browser = new_browser()
    browser.login("verw", email, password)
    created = browser.post("/verw/account/tokens", {"name": "Export", "days": "90"})
    token = re.search(r"(lotse_[A-Za-z0-9_-]{20,})", created.get_data(as_text=True)).group(1)
    page = browser.get("/verw/account/second-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    stored = repr(_cookie_session(app, browser))
    assert token not in stored and secret not in stored
    enabled = browser.post(
        "/verw/account/second-factor", {"password": password, "code": pyotp.TOTP(secret).now()}
    )
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", enabled.get_data(as_text=True))
    assert len(codes) == 10
    stored = repr(_cookie_session(app, browser))
    assert secret not in stored and not any(code in stored for code in codes)


def test_token_lifetime_is_at_most_90_days(app, make_tenant, make_user, new_browser):
    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    browser = new_browser()
    browser.login("verw", email, password)
    browser.get("/verw/account")
    assert browser.post("/verw/account/tokens", {"name": "Lang", "days": "91"}).status_code == 400
    assert browser.post("/verw/account/tokens", {"name": "Standard"}).status_code == 201
    from core.auth.models import ApiToken

    with app.app_context(), tenant_scope(tenant):
        token = db.session.scalar(select(ApiToken))
        days = (token.expires_at - token.created_at).days
    assert 89 <= days <= 90


def test_tokens_die_when_the_user_ends_other_sessions_or_changes_password(
    app, make_tenant, make_user, new_browser
):
    tenant = make_tenant("verw")
    email, password = make_user(tenant)
    browser = new_browser()
    browser.login("verw", email, password)
    api = app.test_client()

    def new_token():
        response = browser.post("/verw/account/tokens", {"name": "T", "days": "30"})
        return {
            "Authorization": "Bearer "
            + re.search(r"(lotse_[A-Za-z0-9_-]{20,})", response.get_data(as_text=True)).group(1)
        }

    first = new_token()
    assert api.get("/verw/api/v1/me", headers=first).status_code == 200
    browser.post("/verw/account/sessions/end-others")
    assert api.get("/verw/api/v1/me", headers=first).status_code == 401
    second = new_token()
    browser.post(
        "/verw/account/password",
        {"current_password": password, "new_password": NEW_PW, "confirm_password": NEW_PW},
    )
    assert api.get("/verw/api/v1/me", headers=second).status_code == 401


def test_without_smtp_server_mails_become_private_eml_files(app, make_tenant, make_user, tmp_path):
    import stat

    from core.app import create_app
    from core.testing.pytest_plugin import Browser

    tenant = make_tenant("verw")
    email, _ = make_user(tenant)
    offline = create_app(
        {**app.config, "LOTSE_MAIL_SERVER": "", "LOTSE_MAIL_DIR": str(tmp_path / "mail")}
    )
    browser = Browser(offline.test_client())
    browser.get("/verw/password/forgot")
    browser.post("/verw/password/forgot", {"email": email})
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "mail").stat().st_mode) == 0o700
    content = files[0].read_text()
    assert f"To: {email}" in content and "https://lotse.example/verw/password/" in content


def test_smtp_failure_rolls_the_invitation_back(app, make_tenant, make_user, new_browser):
    from core.app import create_app
    from core.testing.pytest_plugin import Browser

    tenant = make_tenant("verw")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    broken = create_app({**app.config, "LOTSE_MAIL_SERVER": "127.0.0.1", "LOTSE_MAIL_PORT": 9})
    browser = Browser(broken.test_client())
    browser.login("verw", email)
    response = _invite(browser, "verw", "neu@example.org")
    assert response.status_code == 400 and "nicht versandt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "neu@example.org")) is None
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_invitations_of_another_tenant_are_404(app, admin_of, mail_outbox):
    tenant_a, admin_a = admin_of("kreis-a")
    tenant_b, admin_b = admin_of("kreis-b")
    _invite(admin_b, "kreis-b", "fremd@example.org")
    with app.app_context(), tenant_scope(tenant_b):
        invitation_id = db.session.scalar(select(Invitation.id))
    admin_a.get("/kreis-a/admin/users")
    assert admin_a.post(f"/kreis-a/admin/invitations/{invitation_id}/withdraw").status_code == 404
    assert "fremd@example.org" not in admin_a.get("/kreis-a/admin/users").get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant_b):
        assert db.session.get(Invitation, invitation_id).withdrawn_at is None
