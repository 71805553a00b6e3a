"""The `lotse` command: clear errors, nothing written on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import db
from core.tenancy.models import OrgUnit, Tenant

ROOT = Path(__file__).resolve().parents[2]


def _tenants(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tenant))


@pytest.mark.parametrize("slug", ["viersen", "hoexter", "oberhausen", "kleve", "jmd-oberhausen"])
def test_example_tenants_load(app, cli, slug):
    result = cli("tenant", "load", slug)
    assert result.exit_code == 0, result.output
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        from core.tenancy.context import tenant_scope

        with tenant_scope(tenant):
            units = db.session.scalars(select(OrgUnit)).all()
    assert len(units) >= 1
    # Loading again changes nothing (idempotent by key).
    assert cli("tenant", "load", slug).exit_code == 0
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == len(units)


def test_example_tenants_hold_their_real_structure(app, cli):
    from core.tenancy.context import tenant_scope

    for slug in ("hoexter", "kleve", "oberhausen"):
        cli("tenant", "load", slug)
    with app.app_context():

        def units(slug):
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
            with tenant_scope(tenant):
                return db.session.scalars(select(OrgUnit)).all()

        hoexter = units("hoexter")
        assert sum(u.kind == "region" for u in hoexter) == 4
        assert sum(u.kind == "municipality" for u in hoexter) == 10
        kleve = units("kleve")
        assert sum(u.kind == "welcome_center" for u in kleve) == 1
        assert sum(u.key.startswith("rt-") for u in kleve) == 4
        oberhausen = units("oberhausen")
        assert {u.key for u in oberhausen if u.kind == "social_area"} == {
            f"sr-{n}" for n in range(71, 77)
        }


def test_bad_tenant_file_writes_nothing(app, cli, tmp_path):
    folder = tmp_path / "kaputt"
    folder.mkdir()
    (folder / "tenant.toml").write_text(
        'slug = "kaputt"\nname = "X"\nkind = "dorf"\n[theme]\nprimary = "rot"\n', encoding="utf-8"
    )
    result = cli("tenant", "load", str(folder))
    assert result.exit_code == 2
    assert "kind" in result.output and "primary" in result.output
    assert _tenants(app) == 0


def test_unknown_plugin_in_tenant_file_writes_nothing(app, cli, tmp_path):
    folder = tmp_path / "plugfehler"
    folder.mkdir()
    (folder / "tenant.toml").write_text(
        'slug = "plugfehler"\nname = "X"\nkind = "kreis"\nplugins = ["gibtsnicht"]\n',
        encoding="utf-8",
    )
    result = cli("tenant", "load", str(folder))
    assert result.exit_code == 2 and "gibtsnicht" in result.output
    assert _tenants(app) == 0


def test_user_create_validates(app, cli):
    cli("tenant", "load", "kleve")
    result = cli("user", "create", "--email", "kaputt", "--name", "X", "--tenant", "kleve")
    assert result.exit_code == 2 and "E-Mail" in result.output
    result = cli(
        "user",
        "create",
        "--email",
        "a@b.de",
        "--name",
        "X",
        "--tenant",
        "kleve",
        "--roles",
        "kaiser",
    )
    assert result.exit_code == 2
    from core.auth.models import User

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    ok = cli(
        "user",
        "create",
        "--email",
        "a@b.de",
        "--name",
        "Anna",
        "--tenant",
        "kleve",
        "--roles",
        "case_manager",
    )
    assert (
        ok.exit_code == 0 and "/password/" not in ok.output and "per E-Mail an a@b.de" in ok.output
    )


def test_plugin_commands(app, cli):
    cli("tenant", "load", "viersen")
    assert cli("plugin", "disable", "viersen", "interpreters").exit_code == 0
    listing = cli("plugin", "list", "--tenant", "viersen")
    assert "aus interpreters" in listing.output
    assert cli("plugin", "enable", "viersen", "nope").exit_code == 2
    assert cli("plugin", "enable", "nirgends", "interpreters").exit_code == 2
    assert cli("plugin", "enable", "viersen", "interpreters").exit_code == 0
    assert "an  interpreters" in cli("plugin", "list", "--tenant", "viersen").output


def test_tenant_create_and_disable(app, cli):
    result = cli(
        "tenant",
        "create",
        "--slug",
        "wesel",
        "--name",
        "Kreis Wesel",
        "--kind",
        "kreis",
        "--admin-email",
        "a@wesel.de",
        "--admin-name",
        "A",
    )
    assert (
        result.exit_code == 0
        and "/password/" not in result.output
        and "a@wesel.de" in result.output
    )
    assert (
        cli(
            "tenant",
            "create",
            "--slug",
            "wesel",
            "--name",
            "X",
            "--kind",
            "kreis",
            "--admin-email",
            "b@wesel.de",
            "--admin-name",
            "B",
        ).exit_code
        == 2
    )
    assert cli("tenant", "disable", "wesel").exit_code == 0
    assert "deaktiviert" in cli("tenant", "list").output


def test_demo_creates_all_accounts(app, cli):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    from core.auth.models import User

    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
    for slug in ("viersen", "hoexter", "oberhausen", "kleve", "jmd-oberhausen"):
        for local in ("admin", "koordination", "cm", "dsb"):
            assert f"{local}@{slug}.demo" in emails
    assert "betrieb@lotse.demo" in emails


def test_demo_accounts_sign_in(demo, browser, new_browser):
    browser.login("oberhausen", "cm@oberhausen.demo", "lotse-demo")
    assert browser.get("/kleve/").status_code == 404
    op = new_browser()
    op.operator_login("betrieb@lotse.demo", "lotse-demo")
    assert op.get("/kleve/").status_code == 404


def test_jobs_follow_ups_is_idempotent(app, cli):
    cli("tenant", "load", "viersen")
    first = cli("jobs", "follow-ups")
    assert first.exit_code == 0 and "viersen" in first.output
    assert cli("jobs", "follow-ups", "--tenant", "viersen", "--date", "2026-01-01").exit_code == 0
    assert cli("jobs", "follow-ups", "--date", "gestern").exit_code == 2
    assert cli("jobs", "follow-ups", "--tenant", "nirgends").exit_code == 2
