"""The ``lotse`` command (Flask's CLI group with Lotse's own subcommands).

Bad input ends with a clear message and exit code 2, and writes nothing.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from marshmallow import ValidationError as SchemaError
from sqlalchemy import select

from core.auth.services import ValidationError
from core.db import db


def _create_app():
    from core.app import create_app

    return create_app()


def _fail(errors) -> None:
    if isinstance(errors, dict):
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                click.echo(f"Fehler ({field}): {message}", err=True)
    else:
        click.echo(f"Fehler: {errors}", err=True)
    if has_app_context():
        db.session.rollback()
    sys.exit(2)


def _schema_missing(exc) -> bool:
    """A table the command needs does not exist (SQLite "no such table", PostgreSQL 42P01)."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "42P01" or "no such table" in str(orig)


class LotseGroup(FlaskGroup):
    """Adds the plugin commands (``lotse_cli`` hook) once the app exists."""

    def list_commands(self, ctx):
        self._load_lotse_commands(ctx)
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        self._load_lotse_commands(ctx)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            if not _schema_missing(exc):
                raise
            click.echo(
                "Fehler: Die Datenbank hat noch kein Schema – bitte zuerst `lotse db upgrade` "
                "ausführen.",
                err=True,
            )
            sys.exit(2)

    def _load_lotse_commands(self, ctx):
        if getattr(self, "_lotse_loaded", False):
            return
        self._lotse_loaded = True
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except Exception:  # noqa: BLE001 - a broken config must still let `lotse --help` run
            return
        app.extensions["lotse.pm"].hook.lotse_cli(cli=self)


@click.group(
    cls=LotseGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main():
    """Lotse – case management for the Kommunales Integrationsmanagement."""
    from core.file_modes import UMASK

    # Everything the command (and `lotse serve`'s workers) writes is private to the service user.
    os.umask(UMASK)


# --- database ------------------------------------------------------------------------------


@main.group("db")
def db_group():
    """Database schema (Alembic): core plus every installed plugin's branch."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision):
    """Migrate to REVISION (default: all heads)."""
    from core import migrate

    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    migrate.upgrade(revision)
    click.echo("Datenbank ist aktuell.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision):
    """Migrate down to REVISION."""
    from core import migrate

    migrate.downgrade(revision)


@db_group.command("current")
@with_appcontext
def db_current():
    """Show the applied revisions."""
    from core import migrate

    migrate.current()


@db_group.command("grant")
@click.argument("role")
@with_appcontext
def db_grant(role):
    """PostgreSQL: let the app's runtime ROLE use the tables (run as the schema owner).

    The app should connect as a role that owns nothing and cannot bypass row-level security.
    """
    import re

    if db.engine.dialect.name != "postgresql":
        _fail("nur für PostgreSQL")
    if not re.match(r"^[a-z_][a-z0-9_]{0,62}$", role):
        _fail({"role": ["ungültiger Rollenname"]})
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES "
        f"TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    click.echo(f"Rechte für {role} gesetzt.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
@click.option("--head", default="heads")
@click.option("--branch-label")
@click.option("--version-path")
@click.option("--depends-on")
@with_appcontext
def db_revision(message, autogenerate, head, branch_label, version_path, depends_on):
    """Create a migration (for developers)."""
    from core import migrate

    migrate.revision(message, autogenerate, head, branch_label, version_path, depends_on)


# --- serve ---------------------------------------------------------------------------------


#: gunicorn's access log without query string (``%(r)s``, ``%(q)s``) and referrer (``%(f)s``):
#: search forms and filters may carry names or birth dates there, and the log is kept outside the
#: database's erasure rules.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


def gunicorn_settings(host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "forwarded_allow_ips": os.environ.get("LOTSE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }


@main.command("serve")
@click.option(
    "--host", default=lambda: os.environ.get("LOTSE_HOST", "127.0.0.1"), show_default="127.0.0.1"
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("LOTSE_PORT", "5000")),
    show_default="LOTSE_PORT or 5000",
)
@click.option(
    "--workers",
    type=int,
    default=lambda: int(os.environ.get("LOTSE_WORKERS", "2")),
    show_default="LOTSE_WORKERS or 2",
)
@click.option(
    "--threads",
    type=int,
    default=lambda: int(os.environ.get("LOTSE_THREADS", "4")),
    show_default="LOTSE_THREADS or 4",
)
def serve(host, port, workers, threads):
    """Run the production WSGI server (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    if not 1 <= port <= 65535:
        _fail({"port": ["muss zwischen 1 und 65535 liegen"]})
    if workers < 1 or threads < 1:
        _fail({"workers": ["Worker und Threads müssen mindestens 1 sein"]})
    from core.auth.throttle import check_storage

    problem = check_storage(os.environ.get("LOTSE_RATELIMIT_STORAGE", "database"), workers)
    if problem:
        _fail(problem)

    class _Server(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_settings(host, port, workers, threads).items():
                self.cfg.set(key, value)

        def load(self):
            return _create_app()

    click.echo(f"Lotse läuft auf http://{host}:{port}/ ({workers} Worker × {threads} Threads)")
    _Server().run()


def _mail_where() -> str:
    from core.mail.services import backend, mail_dir

    return "SMTP" if backend() == "smtp" else f"als .eml-Datei in {mail_dir()}"


# --- tenants -------------------------------------------------------------------------------


@main.group("tenant")
def tenant_group():
    """Tenants (Kreise, kreisfreie Städte, Träger)."""


@tenant_group.command("list")
@with_appcontext
def tenant_list():
    from core.tenancy.models import Tenant

    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)):
        state = "aktiv" if tenant.active else "deaktiviert"
        click.echo(f"{tenant.slug:20} {tenant.kind:18} {state:12} {tenant.name}")


@contextmanager
def _tenant_file_errors():
    """A missing or bad tenant.toml (or demo file) ends the command with a message."""
    try:
        yield
    except FileNotFoundError as exc:
        _fail(str(exc))
    except SchemaError as exc:
        _fail(exc.messages)
    except ValidationError as exc:
        _fail(exc.errors)


def load_tenant(source: str, *, with_plugins: bool = True):
    """Apply a tenant.toml (path, folder or slug in tenants/); returns (tenant, created)."""
    from core.platform.provisioning import load_tenant as provision

    with _tenant_file_errors():
        return provision(source, with_plugins=with_plugins)


@tenant_group.command("load")
@click.argument("source")
@with_appcontext
def tenant_load(source):
    """Create or update a tenant from tenants/SOURCE/tenant.toml (or a path)."""
    try:
        tenant, created = load_tenant(source)
    except ValidationError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"{'Angelegt' if created else 'Aktualisiert'}: {tenant.slug} ({tenant.name})")


@tenant_group.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(["kreis", "kreisfreie_stadt", "traeger"]))
@click.option("--admin-email", required=True)
@click.option("--admin-name", default="")
@with_appcontext
def tenant_create(slug, name, kind, admin_email, admin_name):
    """Create an empty tenant with its first local administrator (prints a set-up link)."""
    from core.platform.services import create_tenant

    try:
        tenant = create_tenant(
            None, slug=slug, name=name, kind=kind, admin_email=admin_email, admin_name=admin_name
        )
    except ValidationError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"Angelegt: {tenant.slug}")
    click.echo(
        f"Die Einladung der ersten Administration ging per E-Mail an {admin_email.strip().lower()} "
        f"({_mail_where()})."
    )


@tenant_group.command("disable")
@click.argument("slug")
@with_appcontext
def tenant_disable(slug):
    """Disable a tenant (keeps its data, ends its sessions)."""
    from core.platform.services import set_active

    set_active(None, _tenant_or_fail(slug), False)
    db.session.commit()
    click.echo(f"Deaktiviert: {slug}")


@tenant_group.command("enable")
@click.argument("slug")
@with_appcontext
def tenant_enable(slug):
    from core.platform.services import set_active

    set_active(None, _tenant_or_fail(slug), True)
    db.session.commit()
    click.echo(f"Aktiviert: {slug}")


def _tenant_or_fail(slug):
    from core.tenancy.models import Tenant

    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        _fail({"tenant": [f"unbekannter Mandant {slug!r}"]})
    return tenant


# --- plugins -------------------------------------------------------------------------------


@main.group("plugin")
def plugin_group():
    """Installed plugins and their per-tenant switches."""


@plugin_group.command("list")
@click.option("--tenant", "slug")
@with_appcontext
def plugin_list(slug):
    from core.plugins.services import enabled_plugins
    from core.tenancy.context import tenant_scope

    pm = current_app.extensions["lotse.pm"]
    enabled = set()
    if slug:
        tenant = _tenant_or_fail(slug)
        with tenant_scope(tenant):
            enabled = enabled_plugins(tenant)
    for name, meta in sorted(pm.metas.items()):
        mark = ("an " if name in enabled else "aus") if slug else "   "
        requires = f" (braucht: {', '.join(sorted(meta.requires))})" if meta.requires else ""
        click.echo(f"{mark} {name:24} {meta.version:8} {meta.title}{requires}")


def _switch(slug, name, on):
    from core.plugins.services import disable_plugin, enable_plugin
    from core.tenancy.context import tenant_scope

    tenant = _tenant_or_fail(slug)
    with tenant_scope(tenant):
        try:
            changed = (
                enable_plugin(tenant, name, None, operator=True)
                if on
                else disable_plugin(tenant, name, None)
            )
        except ValidationError as exc:
            _fail(exc.errors)
        db.session.commit()
    click.echo(
        ("Eingeschaltet: " if on else "Ausgeschaltet: ") + (", ".join(changed) or "keine Änderung")
    )


@plugin_group.command("enable")
@click.argument("slug")
@click.argument("name")
@with_appcontext
def plugin_enable(slug, name):
    """Switch plugin NAME on for tenant SLUG (dependencies follow)."""
    _switch(slug, name, True)


@plugin_group.command("disable")
@click.argument("slug")
@click.argument("name")
@with_appcontext
def plugin_disable(slug, name):
    """Switch plugin NAME off for tenant SLUG (data is kept)."""
    _switch(slug, name, False)


# --- users ---------------------------------------------------------------------------------


@main.group("user")
def user_group():
    """Accounts and memberships."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--operator", is_flag=True, help="Platform operator (operator console only).")
@click.option("--tenant", "slug", help="Add a membership in this tenant.")
@click.option("--roles", default="", help="Comma-separated roles, e.g. case_manager,coordinator.")
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="Set the password now (prompted) instead of mailing a set-up link.",
)
@with_appcontext
def user_create(email, display_name, operator, slug, roles, ask_password):
    """Create an account; mails a one-time set-up link to it unless --password is given."""
    from core.auth import services as auth
    from core.tenancy.context import tenant_scope

    if operator and slug:
        _fail({"tenant": ["Betriebskonten haben keine Mandanten-Mitgliedschaft"]})
    if not operator and not slug:
        _fail({"tenant": ["--tenant ist nötig (oder --operator)"]})
    if operator and not ask_password:
        _fail(
            {
                "password": [
                    "Betriebskonten bitte mit --password anlegen (es gibt für sie keinen "
                    "Einrichtungslink)"
                ]
            }
        )
    password = (
        click.prompt("Passwort", hide_input=True, confirmation_prompt=True)
        if ask_password
        else None
    )
    tenant = _tenant_or_fail(slug) if slug else None
    try:
        user = auth.create_user(
            email,
            display_name,
            password=password,
            is_platform_operator=operator,
            credential_tenant=tenant,
        )
        if tenant is not None:
            with tenant_scope(tenant):
                auth.add_membership(
                    user,
                    tenant,
                    [r.strip() for r in roles.split(",") if r.strip()] or ["case_manager"],
                )
                if not password:
                    auth.send_password_link(user, tenant, reason="setup")
    except ValidationError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"Angelegt: {user.email}")
    if not password:
        click.echo(
            f"Der Einrichtungslink (72 h gültig) ging per E-Mail an {user.email} ({_mail_where()})."
        )


@user_group.command("list")
@click.option("--tenant", "slug", required=True)
@with_appcontext
def user_list(slug):
    from core.admin.services import members
    from core.tenancy.context import tenant_scope

    tenant = _tenant_or_fail(slug)
    with tenant_scope(tenant):
        for m in members(tenant):
            click.echo(
                f"{m.user.email:40} {','.join(m.roles):40} {'aktiv' if m.active else 'inaktiv'}"
            )


# --- jobs (cron / systemd timers) ----------------------------------------------------------


@main.group("jobs")
def jobs_group():
    """Idempotent background jobs; each enters every tenant's scope explicitly."""


def _per_tenant(tenants, job, dry_run: bool):
    """Run ``job(tenant)`` inside each tenant's scope, one transaction per tenant (rolled back on a
    dry run or an error); yields ``(tenant, report)``."""
    from core.tenancy.context import tenant_scope

    for tenant in tenants:
        try:
            with tenant_scope(tenant):
                report = job(tenant)
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        yield tenant, report


def _job_scope(slug, day):
    """The reference day and the tenants a job runs for (one, or every active tenant)."""
    from datetime import date

    from core.tenancy.models import Tenant

    try:
        today = date.fromisoformat(day) if day else date.today()
    except ValueError:
        _fail({"date": ["bitte im Format JJJJ-MM-TT angeben"]})
    tenants = (
        [_tenant_or_fail(slug)]
        if slug
        else db.session.scalars(
            select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.slug)
        ).all()
    )
    return today, tenants


@jobs_group.command("follow-ups")
@click.option("--tenant", "slug", help="Only this tenant (default: all active tenants).")
@click.option("--date", "day", help="Reference date YYYY-MM-DD (default: today).")
@with_appcontext
def jobs_follow_ups(slug, day):
    """Create automatic follow-ups: residence permits about to expire, cases without activity,
    help-plan measures due. Safe to run repeatedly (daily)."""

    from core.cases.follow_ups import generate_follow_ups
    from core.tenancy.context import tenant_scope

    today, tenants = _job_scope(slug, day)
    for tenant in tenants:
        with tenant_scope(tenant):
            created = generate_follow_ups(tenant, today)
        db.session.commit()
        click.echo(f"{tenant.slug:20} " + ", ".join(f"{k}: {v}" for k, v in created.items()))


@jobs_group.command("retention")
@click.option("--tenant", "slug", help="Only this tenant (default: all active tenants).")
@click.option("--dry-run", is_flag=True, help="Only report what is due; change nothing.")
@click.option("--date", "day", help="With --dry-run only: what would be due on YYYY-MM-DD.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 5000),
    default=500,
    show_default=True,
    help="Persons per batch; every batch is committed on its own.",
)
@with_appcontext
def jobs_retention(slug, dry_run, day, batch_size):
    """Apply the Löschkonzept: anonymise or erase client files whose retention period has run out
    (per tenant policy), warn case managers beforehand, trim the audit trail. Idempotent (daily).
    Works in batches with a commit each; a run that broke off continues where it stopped."""
    import json

    from core.privacy.retention import run, store_result

    if day and not dry_run:
        _fail({"date": ["nur zusammen mit --dry-run: gelöscht wird immer nach dem heutigen Datum"]})
    today, tenants = _job_scope(slug, day)

    def job(tenant):
        if dry_run:
            report = run(tenant, today, dry_run=True)
            if not day:
                # Today's dry run is what the DSB desk shows ("Stand: …").
                store_result(tenant, today)
                db.session.commit()
            return report
        with _progress_bar(tenant.slug) as progress:
            return run(tenant, today, batch_size=batch_size, progress=progress)

    for tenant, report in _per_tenant(tenants, job, dry_run):
        items = report.pop("items")
        click.echo(f"{tenant.slug:20} " + json.dumps(report, sort_keys=True))
        if dry_run:
            for item in items:
                click.echo(
                    f"    person:{item['person']} fällig am {item['due_on']}"
                    + ("  (gesperrt/Aufbewahrung)" if item["held"] else "")
                )
    if not dry_run:
        _vacuum_erased(tenants)


@contextmanager
def _progress_bar(label: str):
    """A progress bar on stderr for a job that reports ``(done, total)``; it appears with the
    first report (the total is known only then)."""
    bars: list = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
            bars.append([bar, 0])
        bar, shown = bars[0]
        bar.update(done - shown)
        bars[0][1] = done

    try:
        yield progress
    finally:
        if bars:
            bars[0][0].__exit__(None, None, None)


def _vacuum_erased(tenants) -> None:
    """PostgreSQL: VACUUM the tables recent erasures touched (outside any transaction); SQLite:
    fold the WAL into the file. A refusal (role not owner) is reported, never fatal."""
    from core.db import checkpoint, vacuum
    from core.privacy.retention import recently_erased_tables
    from core.tenancy.context import tenant_scope

    tables: set[str] = set()
    for tenant in tenants:
        with tenant_scope(tenant):
            tables |= recently_erased_tables()
        db.session.rollback()
    db.session.remove()
    checkpoint(db.engine)
    report = vacuum(db.engine, tables)
    if report["vacuumed"]:
        click.echo("VACUUM: " + ", ".join(report["vacuumed"]))
    if report["skipped"]:
        click.echo(
            "VACUUM übersprungen (Datenbankrolle ist nicht Eigentümerin): "
            + ", ".join(report["skipped"])
        )


@jobs_group.command("replay-deletions")
@click.option("--tenant", "slug", help="Only this tenant (default: all active tenants).")
@click.option(
    "--dry-run", is_flag=True, help="Only report what would be erased again; change nothing."
)
@with_appcontext
def jobs_replay_deletions(slug, dry_run):
    """After restoring a backup: erase or anonymise again everyone the deletion journal lists
    (the journal lives beside the database, e.g. instance/deletion-journal.jsonl). Idempotent."""
    import json

    from core.privacy.retention import replay_deletions

    _today, tenants = _job_scope(slug, None)
    for tenant, report in _per_tenant(
        tenants, lambda tenant: replay_deletions(tenant, dry_run=dry_run), dry_run
    ):
        click.echo(f"{tenant.slug:20} " + json.dumps(report, sort_keys=True))
    if not dry_run:
        _vacuum_erased(tenants)


# --- demo ----------------------------------------------------------------------------------


@main.command("demo")
@click.option("--reset", is_flag=True, help="Delete the SQLite demo database first.")
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also create N synthetic cases, spread over the 53 NRW tenants (load tests; resumable).",
)
@click.option(
    "--tenants",
    type=click.IntRange(min=1, max=53),
    default=None,
    help="With --scale: only the first K of the 53 NRW tenants (core/demo/nrw.py).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed for --scale (same seed, same data).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=16),
    default=1,
    show_default=True,
    help="With --scale on PostgreSQL: write the tenants in this many processes at once.",
)
@with_appcontext
def demo(reset, scale, tenants, seed, jobs):
    """Migrate, load the five example tenants and create the demo accounts (password lotse-demo)."""

    from core import migrate
    from core.demo import seed_demo

    url = db.engine.url
    if reset:
        if url.get_backend_name() != "sqlite" or not url.database:
            _fail(
                "--reset löscht nur eine SQLite-Datei; "
                "für PostgreSQL bitte eine leere Datenbank anlegen"
            )
        db.engine.dispose()
        Path(url.database).unlink(missing_ok=True)
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    migrate.upgrade("heads")
    with _tenant_file_errors():
        summary = seed_demo()
    db.session.commit()
    for line in summary:
        click.echo(line)
    from core.mail.services import backend, mail_dir

    if backend() == "file":
        click.echo(
            "E-Mails (Einladungen, Passwort-Links) werden nicht versandt, "
            f"sondern als .eml-Dateien in {mail_dir()} abgelegt."
        )
    if scale:
        _scale(scale, tenants, seed, jobs)


def _scale(total: int, tenants: int | None, seed: int, jobs: int = 1) -> None:
    """``lotse demo --scale N``: the NRW load-test installation, with a progress bar."""
    from flask_babel import gettext as _

    from core.demo import nrw

    plans = nrw.plan(total, tenants, seed)
    try:
        with click.progressbar(length=total, label=_("Creating synthetic cases")) as bar:
            result = nrw.generate(
                total, tenants=tenants, seed=seed, on_progress=bar.update, jobs=jobs
            )
    except ValueError as exc:
        _fail(str(exc))
    rows = result.rows
    rate = rows.get("cases", 0) / result.seconds if result.seconds else 0
    click.echo(
        _(
            "%(tenants)d tenants generated, %(skipped)d already complete; %(cases)d cases, "
            "%(persons)d persons, %(consents)d consents, %(audit)d audit events in %(s).1f s "
            "(%(rate).0f cases/s).",
            tenants=result.tenants,
            skipped=result.skipped,
            cases=rows.get("cases", 0),
            persons=rows.get("persons", 0),
            consents=rows.get("consents", 0),
            audit=rows.get("audit", 0),
            s=result.seconds,
            rate=rate,
        )
    )
    counts = nrw.counts_per_tenant([p.area.slug for p in plans])
    for p in plans:
        c = counts.get(p.area.slug, {})
        click.echo(
            f"{p.area.slug:28} {c.get('open', 0):7} offen {c.get('closed', 0):8} abgeschlossen "
            f"{c.get('members', 0):4} Konten  (cm-01@{p.area.slug}.demo)"
        )
