"""Factory fixtures: each returns a callable that builds one committed object through the real
services (so audit, search keys and checks happen as in the app) and hands it back detached.

Indico's pattern (``create_event(...)``): plugin test suites get them through the pytest plugin
as well, e.g. ``make_case(tenant, make_person(tenant), actor=email)``.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

TEST_PASSWORD = "Kaffee-Fahrrad-Laterne-42"  # noqa: S105 - test fixture
_counter = itertools.count(1)


def _detached(obj):
    """Committed, loaded and expunged: usable after the app context ends (ids, columns)."""
    from core.db import db

    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def _user(actor):
    """``actor`` as given to a factory: ``None``, an e-mail address or a User."""
    from sqlalchemy import select

    from core.auth.models import User
    from core.db import db

    if actor is None or isinstance(actor, User) and actor in db.session:
        return actor
    email = actor if isinstance(actor, str) else actor.email
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, f"no account {email}"
    return user


def _tenant(tenant):
    from core.db import db
    from core.tenancy.models import Tenant

    return db.session.get(Tenant, tenant.id)


@pytest.fixture
def make_tenant(app):
    """``make_tenant("kreis-a", plugins=["interpreters"])`` → committed Tenant (detached-safe)."""
    from core.db import db
    from core.plugins.services import enable_plugin
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import OrgUnit, Tenant

    def make(
        slug=None,
        *,
        name=None,
        kind="kreis",
        plugins=(),
        locales=("de", "en"),
        theme=None,
        settings=None,
        org_units=("team-a",),
    ):
        slug = slug or f"tenant-{next(_counter)}"
        with app.app_context():
            tenant = Tenant(
                slug=slug,
                name=name or f"Kreis {slug.title()}",
                kind=kind,
                locales=list(locales),
                default_locale=locales[0],
                theme=theme or {},
                settings=settings or {},
            )
            db.session.add(tenant)
            db.session.flush()
            with tenant_scope(tenant):
                for key in org_units:
                    db.session.add(
                        OrgUnit(tenant_id=tenant.id, key=key, name=f"Team {key}", kind="team")
                    )
                for plugin in plugins:
                    enable_plugin(tenant, plugin, None, operator=True)
            db.session.commit()
            return _detached(tenant)

    return make


@pytest.fixture
def make_user(app):
    """``make_user(tenant, roles=["case_manager"])`` → (email, password) of a committed account."""
    from core.auth import services as auth
    from core.auth.models import User
    from core.auth.passwords import hash_password
    from core.db import db, utcnow
    from core.tenancy.context import tenant_scope

    def make(
        tenant=None,
        *,
        roles=("case_manager",),
        email=None,
        name=None,
        operator=False,
        password=TEST_PASSWORD,
        org_unit_id=None,
    ):
        email = email or f"user{next(_counter)}@example.org"
        with app.app_context():
            user = auth.find_user(email)
            if user is None:
                # Like an account created by this tenant's invitation: in its credential care.
                user = User(
                    email=email,
                    display_name=name or email.split("@")[0].title(),
                    password_hash=hash_password(password),
                    is_platform_operator=operator,
                    password_changed_at=utcnow(),
                    credential_tenant_id=tenant.id if tenant is not None and not operator else None,
                )
                db.session.add(user)
                db.session.flush()
            if tenant is not None:
                with tenant_scope(tenant):
                    auth.add_membership(user, tenant, list(roles), org_unit_id)
            db.session.commit()
        return email, password

    return make


@pytest.fixture
def make_person(app):
    """``make_person(tenant, last_name="Yusuf", actor=email)`` → committed Person (detached).

    Fields are those of the person form; unnamed ones stay empty. ``actor`` (e-mail or User)
    is recorded as creator; ``None`` is a system action."""
    from core.db import db
    from core.persons.services import create_person
    from core.tenancy.context import tenant_scope

    def make(tenant, *, actor=None, **fields):
        data = {"first_name": "Amina", "last_name": f"Beispiel{next(_counter)}", **fields}
        with app.test_request_context(), tenant_scope(tenant):
            person = create_person(_user(actor), data)
            db.session.commit()
            return _detached(person)

    return make


@pytest.fixture
def make_case(app, make_person):
    """``make_case(tenant, person=None, actor=email, case_type="case_management", **fields)`` →
    committed open Case (detached). Without a person a new one is made; the actor becomes the
    case manager, as when a case manager opens the case."""
    from core.cases import services as cases
    from core.db import db
    from core.tenancy.context import tenant_scope

    def make(tenant, person=None, *, actor=None, case_type="case_management", **fields):
        person = person or make_person(tenant, actor=actor)
        with app.test_request_context(), tenant_scope(tenant):
            case = cases.open_case(
                _user(actor),
                _tenant(tenant),
                {"person_id": person.id, "case_type": case_type, **fields},
            )
            db.session.commit()
            return _detached(case)

    return make


@pytest.fixture
def make_consent(app):
    """``make_consent(tenant, person, recipients=["jobcenter"], purposes=["referral"])`` → a
    committed confidentiality release (detached), signed by the person ten days ago on the
    tenant's default form; any other field of the consent form may be given."""
    from core.consent import services as consent
    from core.db import db
    from core.persons.models import Person
    from core.tenancy.context import tenant_scope

    def make(
        tenant,
        person,
        *,
        actor=None,
        recipients=("jobcenter",),
        purposes=("referral",),
        granted_on=None,
        version_id=None,
        **fields,
    ):
        with app.test_request_context(), tenant_scope(tenant):
            consent.ensure_defaults(_tenant(tenant))
            if version_id is None:
                versions = consent.current_versions()
                version_id = next(
                    (v.id for v in versions if set(recipients) <= set(v.recipient_keys or [])),
                    versions[0].id,
                )
            granted_on = granted_on or date.today() - timedelta(days=10)
            data = {
                "template_version_id": version_id,
                "language": "de",
                "signed_by": "self",
                "recipient_keys": list(recipients),
                "purposes": list(purposes),
                "granted_on": granted_on.isoformat(),
                **fields,
            }
            record = consent.record_consent(_user(actor), db.session.get(Person, person.id), data)
            db.session.commit()
            return _detached(record)

    return make


@pytest.fixture
def make_processing_template(app):
    """``make_processing_template(tenant)`` → id of the published version of a separate consent
    to processing (JMD-style forms): a basis that keeps the file while releases come and go."""
    from core.consent.models import ConsentTemplate, ConsentTemplateVersion
    from core.db import db, utcnow
    from core.tenancy.context import tenant_scope

    def make(tenant):
        with app.test_request_context(), tenant_scope(tenant):
            template = ConsentTemplate(
                key="processing", kind="processing", title="Einwilligung in die Datenverarbeitung"
            )
            db.session.add(template)
            db.session.flush()
            version = ConsentTemplateVersion(
                template_id=template.id,
                number=1,
                texts={"de": {"purpose": "Beratung", "body": "…"}},
                recipient_keys=[],
                purposes=["counselling"],
                published_at=utcnow(),
            )
            db.session.add(version)
            db.session.commit()
            return version.id

    return make


@pytest.fixture
def api_client(app, make_user):
    """``api_client(tenant, roles=["case_manager"])`` → ``call(method, path, **kwargs)``: the
    tenant's API v1 called with a real token of a new account (``path`` after ``/api/v1``)."""
    from core.auth import services as auth
    from core.db import db
    from core.tenancy.context import tenant_scope

    def make(tenant, *, roles=("case_manager",), label="tests"):
        email, _ = make_user(tenant, roles=roles)
        with app.app_context(), tenant_scope(tenant):
            _token, clear = auth.create_api_token(auth.find_user(email), tenant, label)
            db.session.commit()
        client = app.test_client()

        def call(method, path, **kwargs):
            headers = {"Authorization": f"Bearer {clear}", **kwargs.pop("headers", {})}
            url = f"/{tenant.slug}/api/v1{path}"
            return client.open(url, method=method, headers=headers, **kwargs)

        return call

    return make


@pytest.fixture
def count_rows(app):
    """``count_rows(tenant, Case, Case.status == "open")`` → rows of the model in that tenant."""
    from sqlalchemy import func, select

    from core.db import db
    from core.tenancy.context import tenant_scope

    def count(tenant, model, *where):
        with app.app_context(), tenant_scope(tenant):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return count


@pytest.fixture
def cli(app):
    """``cli("jobs", "retention", "--dry-run")`` → click's result of the ``lotse`` command."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from core.cli import main

    def invoke(*args, input=None):
        return CliRunner().invoke(
            main, list(args), obj=ScriptInfo(create_app=lambda: app), input=input
        )

    return invoke
