"""Extension points that return provider objects, through the real app: the tenant that enabled
the plugin meets its providers, the other tenant does not; mistakes stop ``create_app`` with a
message naming the plugin (unknown phase requirement or template slot, duplicate key, wrong type).
One ``test_hook_<name>`` per provider hook (the meta-test in ``test_hooks.py`` asks for it)."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import Markup
from sqlalchemy import select

from core import hookimpl
from core.cases.regelkreis import Phase
from core.db import db
from core.forms.definitions import FieldSpec, FormDefinition
from core.plugins.providers import (
    CasePanel,
    CaseTab,
    DueFollowUp,
    EligibilityRule,
    ExtensionError,
    FieldType,
    FollowUpSource,
    PartnerRow,
    PartnerTable,
    PhaseRequirement,
    ReportProvider,
    ReportTable,
    Verdict,
)
from core.tenancy.context import tenant_scope
from tests.contract.plugin_kit import build_app, enable, fake_plugin, open_case, signed_in

#: What the spy's phase requirement answers; tests switch it.
STATE = {"checked": False}


class PostcodeType(FieldType):
    key = "prov.postcode"
    label = "Postleitzahl"

    def schema_field(self, spec):
        from marshmallow import fields, validate

        return fields.String(required=spec.required, validate=validate.Regexp(r"^\d{5}$"))


class Named(EligibilityRule):
    key = "prov.named"
    label = "Hat einen Vornamen"

    def evaluate(self, person, case):
        return Verdict(bool(person.first_name), ("Vorname vorhanden",))


class Checked(PhaseRequirement):
    key = "prov.checked"
    label = "Geprüft"

    def check(self, case):
        return [] if STATE["checked"] else ["PROV: erst prüfen"]


class Reminder(FollowUpSource):
    key = "prov.reminder"
    label = "Erinnerung"

    def collect(self, tenant, today):
        from core.cases.models import Case

        for case in db.session.scalars(select(Case).where(Case.status == "open")):
            yield DueFollowUp(f"prov.reminder:{case.id}", today, "PROV-Erinnerung", case=case)


class CaseCount(ReportProvider):
    key = "prov.count"
    label = "Fälle"
    formats = ("csv",)

    def build(self, tenant, params):
        from core.cases.models import Case

        return ReportTable(("Fälle",), [(len(db.session.scalars(select(Case)).all()),)])


class Partners(PartnerTable):
    key = "prov.partners"
    label = "Partner"

    def rows(self):
        return [
            PartnerRow("Caritas", "Migrationsberatung", "CV", postcodes=frozenset({"46117"})),
            PartnerRow("Stadt", "Bürgerbüro", citywide=True),
        ]


class OpenPanel(CasePanel):
    key = "prov.panel"
    label = "PROV-Panel"

    def render(self, case):
        return Markup("<p>PROV panel for {}</p>").format(case.number)


class SupervisorPanel(CasePanel):
    key = "prov.supervisor"
    label = "PROV-Fachaufsicht"
    permission = "caseload.view"

    def render(self, case):
        return "<b>plain text, escaped</b>"


class NotesTab(CaseTab):
    key = "prov.notes"
    label = "PROV-Notizen"

    def render(self, case):
        return Markup("<p>PROV tab content</p>")


def _adjust(tenant, regelkreis):
    phase = regelkreis.phase("case_management", "access_check")
    phase.requires = (*phase.requires, "prov.checked")


def prov_plugin():
    return fake_plugin(
        "prov",
        lotse_field_types=lambda tenant: [PostcodeType()],
        lotse_form_definitions=lambda tenant: [
            FormDefinition(
                "prov.intake",
                1,
                "Erstgespräch",
                (
                    FieldSpec("name", "text", "Name", required=True),
                    FieldSpec("plz", "prov.postcode", "PLZ"),
                    FieldSpec("kind", "choice", "Art", options=(("a", "A"), ("b", "B"))),
                ),
            )
        ],
        lotse_eligibility_rules=lambda tenant: [Named()],
        lotse_phase_requirements=lambda tenant: [Checked()],
        lotse_adjust_regelkreis=_adjust,
        lotse_follow_up_sources=lambda tenant: [Reminder()],
        lotse_report_providers=lambda tenant: [CaseCount()],
        lotse_partner_tables=lambda tenant: [Partners()],
        lotse_case_panels=lambda tenant: [SupervisorPanel(), OpenPanel()],
        lotse_case_tabs=lambda tenant: [NotesTab()],
        lotse_template_slot=lambda slot, context: (
            Markup("<p>PROV raw slot {}</p>").format(context["case"].number)
            if slot == "case_panels"
            else None
        ),
    )


@pytest.fixture
def prov(_db_url, tmp_path, make_tenant):
    """``(app, on, off)``: the app with the spy plugin, a tenant with it and one without."""
    STATE["checked"] = False
    app = build_app(_db_url, tmp_path, prov_plugin())
    on, off = make_tenant("prov-on"), make_tenant("prov-off")
    enable(app, on, "prov")
    return app, on, off


def _tenant(tenant):
    from core.tenancy.models import Tenant

    return db.session.get(Tenant, tenant.id)


def _in(app, tenant):
    """App, request and tenant scope for calling a collector as a view would."""
    ctx = app.test_request_context()

    class _Scope:
        def __enter__(self):
            ctx.push()
            self._scope = tenant_scope(tenant)
            self._scope.__enter__()
            return _tenant(tenant)

        def __exit__(self, *exc):
            self._scope.__exit__(*exc)
            ctx.pop()

    return _Scope()


# --- one test per provider hook -----------------------------------------------------------------


def test_hook_lotse_field_types(prov):
    from core.plugins.providers import field_types

    app, on, off = prov
    with _in(app, on) as tenant:
        types = field_types(tenant)
        assert {"text", "choice", "prov.postcode"} <= set(types)
    with _in(app, off) as tenant:
        assert "prov.postcode" not in field_types(tenant) and "text" in field_types(tenant)


def test_hook_lotse_form_definitions(prov):
    from core.forms.services import form_definitions, form_schema
    from core.schemas import ValidationError, load

    app, on, off = prov
    with _in(app, on) as tenant:
        definition = form_definitions(tenant)[("prov.intake", 1)]
        schema = form_schema(tenant, definition)
        assert load(schema, {"name": " Erika ", "plz": "46117", "kind": "a"}) == {
            "name": "Erika",
            "plz": "46117",
            "kind": "a",
        }
        with pytest.raises(ValidationError) as bad:
            load(schema, {"plz": "4611", "kind": "z"})
        assert set(bad.value.errors) == {"name", "plz", "kind"}
    with _in(app, off) as tenant:
        # Only core's own form (the assessment) is left.
        assert set(form_definitions(tenant)) == {("core.assessment", 1)}


def test_hook_lotse_eligibility_rules(prov):
    from core.persons.models import Person
    from core.plugins.providers import evaluate_eligibility

    app, on, off = prov
    person = Person(first_name="Erika", last_name="Beispiel")
    with _in(app, on) as tenant:
        [(rule, verdict)] = evaluate_eligibility(tenant, person)
        assert rule.key == "prov.named" and verdict == Verdict(True, ("Vorname vorhanden",))
    with _in(app, off) as tenant:
        assert evaluate_eligibility(tenant, person) == []


def test_hook_lotse_phase_requirements(prov, make_user):
    """The plugin's requirement blocks the move it guards, in its tenant only; core's built-in
    requirements are providers of the same kind."""
    from core.cases.requirements import phase_requirements

    app, on, off = prov
    browser = signed_in(app, on, make_user)
    case_id = open_case(browser, "prov-on")
    response = browser.post(
        f"/prov-on/cases/{case_id}/phase", {"phase": "access_check", "version": 1}
    )
    assert response.status_code == 302
    page = browser.get(f"/prov-on/cases/{case_id}").get_data(as_text=True)
    assert "PROV: erst prüfen" in page
    STATE["checked"] = True
    browser.post(f"/prov-on/cases/{case_id}/phase", {"phase": "access_check", "version": 1})
    page = browser.get(f"/prov-on/cases/{case_id}").get_data(as_text=True)
    assert "Die Phase wurde geändert." in page and "PROV: erst prüfen" not in page

    STATE["checked"] = False
    other = signed_in(app, off, make_user)
    other_case = open_case(other, "prov-off")
    other.post(f"/prov-off/cases/{other_case}/phase", {"phase": "access_check", "version": 1})
    assert "PROV: erst prüfen" not in other.get(f"/prov-off/cases/{other_case}").get_data(
        as_text=True
    )
    with _in(app, on) as tenant:
        # Core's, the plugin's, and one per form (core.forms: "a final submission exists").
        assert {
            "access_admitted",
            "has_goal",
            "plan_agreed",
            "prov.checked",
            "form.core.assessment",
            "form.prov.intake",
        } == set(phase_requirements(tenant))
    with _in(app, off) as tenant:
        assert "prov.checked" not in phase_requirements(tenant)


def test_hook_lotse_follow_up_sources(prov, make_user):
    """The job stores what the source says is due; the start page lists it like any other."""
    from core.cases.follow_ups import generate_follow_ups
    from core.cases.models import FollowUp

    app, on, off = prov
    browser = signed_in(app, on, make_user)
    open_case(browser, "prov-on")
    other = signed_in(app, off, make_user)
    open_case(other, "prov-off")
    for tenant in (on, off):
        with _in(app, tenant) as bound:
            first = generate_follow_ups(bound, date.today())
            again = generate_follow_ups(bound, date.today())
            db.session.commit()
            kinds = {f.kind for f in db.session.scalars(select(FollowUp))}
        if tenant is on:
            assert first["prov.reminder"] == 1 and again["prov.reminder"] == 0
            assert "prov.reminder" in kinds
        else:
            assert "prov.reminder" not in first and "prov.reminder" not in kinds
    assert "PROV-Erinnerung" in browser.get("/prov-on/").get_data(as_text=True)
    assert "PROV-Erinnerung" not in other.get("/prov-off/").get_data(as_text=True)
    # The lists name the kind by the source's label.
    assert "<td>Erinnerung</td>" in browser.get("/prov-on/follow-ups").get_data(as_text=True)


def test_hook_lotse_report_providers(prov):
    from core.plugins.providers import build_report, report_providers

    app, on, off = prov
    with _in(app, on) as tenant:
        assert list(report_providers(tenant)) == ["prov.count"]
        assert build_report(tenant, "prov.count").to_csv().splitlines() == ["Fälle", "0"]
        with pytest.raises(ExtensionError, match="cannot be exported as 'xlsx'"):
            build_report(tenant, "prov.count", fmt="xlsx")
    with _in(app, off) as tenant:
        with pytest.raises(ExtensionError, match="unknown report 'prov.count'"):
            build_report(tenant, "prov.count")


def test_hook_lotse_partner_tables(prov):
    from core.plugins.providers import partner_tables, partners_for_postcode

    app, on, off = prov
    with _in(app, on) as tenant:
        assert [row.organisation for _t, row in partners_for_postcode(tenant, "46117")] == [
            "Caritas",
            "Stadt",
        ]
        assert [row.organisation for _t, row in partners_for_postcode(tenant, "47533")] == ["Stadt"]
    with _in(app, off) as tenant:
        assert partner_tables(tenant) == {} and partners_for_postcode(tenant, "46117") == []


def test_hook_lotse_case_panels(prov, make_user):
    """Panels show on the case overview of the enabled tenant, in order, gated by permission;
    a plain string is escaped, and the raw slot answer gets the case as context."""
    app, on, off = prov
    browser = signed_in(app, on, make_user)
    case_id = open_case(browser, "prov-on")
    page = browser.get(f"/prov-on/cases/{case_id}").get_data(as_text=True)
    assert 'id="panel-prov.panel"' in page and "<p>PROV panel for " in page
    assert "PROV raw slot" in page
    assert "PROV-Fachaufsicht" not in page  # a case manager lacks caseload.view
    supervisor = signed_in(app, on, make_user, roles=("coordinator",))
    page = supervisor.get(f"/prov-on/cases/{case_id}").get_data(as_text=True)
    assert "PROV-Fachaufsicht" in page
    assert "&lt;b&gt;plain text, escaped&lt;/b&gt;" in page

    other = signed_in(app, off, make_user)
    other_case = open_case(other, "prov-off")
    page = other.get(f"/prov-off/cases/{other_case}").get_data(as_text=True)
    assert "PROV" not in page


def test_hook_lotse_case_tabs(prov, make_user):
    app, on, off = prov
    browser = signed_in(app, on, make_user)
    case_id = open_case(browser, "prov-on")
    page = browser.get(f"/prov-on/cases/{case_id}").get_data(as_text=True)
    assert f'href="/prov-on/cases/{case_id}/tabs/prov.notes"' in page
    response = browser.get(f"/prov-on/cases/{case_id}/tabs/prov.notes")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "PROV tab content" in html
    assert 'aria-current="page">PROV-Notizen' in html
    assert browser.get(f"/prov-on/cases/{case_id}/tabs/nope").status_code == 404

    other = signed_in(app, off, make_user)
    other_case = open_case(other, "prov-off")
    assert "prov.notes" not in other.get(f"/prov-off/cases/{other_case}").get_data(as_text=True)
    assert other.get(f"/prov-off/cases/{other_case}/tabs/prov.notes").status_code == 404


# --- start-up checks ----------------------------------------------------------------------------


def test_unknown_phase_requirement_stops_the_start(_db_url, tmp_path):
    def adjust(regelkreis):
        regelkreis.phase("case_management", "assessment").requires = ("no_such_check",)

    with pytest.raises(ExtensionError) as error:
        build_app(_db_url, tmp_path, fake_plugin("typo", lotse_adjust_regelkreis=adjust))
    message = str(error.value)
    assert "plugin 'typo'" in message and "'no_such_check'" in message
    assert "assessment" in message and "has_goal" in message  # lists the known ones


def test_requirement_of_a_required_plugin_is_known(_db_url, tmp_path):
    """A phase may name a requirement of a plugin it ``requires``; without that, it may not."""
    base = fake_plugin("base", lotse_phase_requirements=lambda tenant: [Checked()])

    def adjust(regelkreis):
        regelkreis.phase("case_management", "linking").requires = ("prov.checked",)

    build_app(
        _db_url,
        tmp_path,
        base,
        fake_plugin("uses", requires=["base"], lotse_adjust_regelkreis=adjust),
    )
    with pytest.raises(ExtensionError, match="plugin 'loose'.*'prov.checked'"):
        build_app(_db_url, tmp_path, base, fake_plugin("loose", lotse_adjust_regelkreis=adjust))


def test_runtime_regelkreis_names_an_unknown_requirement():
    """Should a combination slip past start-up, building the tenant's Regelkreis says what is
    wrong instead of a KeyError on the first phase move."""
    from core.cases.regelkreis import Regelkreis, UnknownRequirement

    regelkreis = Regelkreis.default()
    regelkreis.case_types["case_management"].phases.insert(1, Phase("x", "X", requires=("nope",)))
    with pytest.raises(UnknownRequirement, match="phase 'x' requires unknown phase requirement"):
        regelkreis.validate(requirements={"has_goal"})


def test_duplicate_provider_key_stops_the_start(_db_url, tmp_path):
    one = fake_plugin("one", lotse_eligibility_rules=lambda tenant: [Named()])
    two = fake_plugin("two", lotse_eligibility_rules=lambda tenant: [Named()])
    with pytest.raises(
        ExtensionError,
        match=r"duplicate eligibility rule key 'prov.named' "
        r"\(contributed by one, two\)",
    ):
        build_app(_db_url, tmp_path, one, two)


def test_provider_key_taken_by_core_stops_the_start(_db_url, tmp_path):
    class HasGoal(PhaseRequirement):
        key = "has_goal"

        def check(self, case):
            return []

    clash = fake_plugin("clash", lotse_phase_requirements=lambda tenant: [HasGoal()])
    with pytest.raises(
        ExtensionError,
        match=r"duplicate phase requirement key 'has_goal' "
        r"\(contributed by core, clash\)",
    ):
        build_app(_db_url, tmp_path, clash)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda tenant: OpenPanel(), "must return an iterable of CasePanel objects"),
        (lambda tenant: [NotesTab()], "which is not a CasePanel"),
        (lambda tenant: [type("Bad", (OpenPanel,), {"key": "Bad Key"})()], "lowercase"),
    ],
)
def test_malformed_providers_stop_the_start(_db_url, tmp_path, answer, message):
    with pytest.raises(ExtensionError, match=message):
        build_app(_db_url, tmp_path, fake_plugin("bad", lotse_case_panels=answer))


def test_panel_with_unknown_permission_stops_the_start(_db_url, tmp_path):
    panel = type("Odd", (OpenPanel,), {"key": "odd.panel", "permission": "odd.see"})
    with pytest.raises(ExtensionError, match="unknown permission 'odd.see'"):
        build_app(_db_url, tmp_path, fake_plugin("odd", lotse_case_panels=lambda tenant: [panel()]))


def test_form_with_unknown_field_type_stops_the_start(_db_url, tmp_path):
    form = FormDefinition("odd.form", 1, "Odd", (FieldSpec("x", "odd.stamp", "X"),))
    with pytest.raises(ExtensionError, match="unknown type 'odd.stamp'"):
        build_app(
            _db_url, tmp_path, fake_plugin("odd", lotse_form_definitions=lambda tenant: [form])
        )


def test_two_versions_of_a_form_may_coexist(_db_url, tmp_path):
    forms = [
        FormDefinition("odd.form", 1, "Odd", (FieldSpec("x", "text", "X"),)),
        FormDefinition("odd.form", 2, "Odd", (FieldSpec("x", "text", "X"),)),
    ]
    build_app(_db_url, tmp_path, fake_plugin("odd", lotse_form_definitions=lambda tenant: forms))


def test_follow_up_source_key_must_fit_the_kind_column(_db_url, tmp_path):
    source = type("Long", (Reminder,), {"key": "prov." + "x" * 30})
    with pytest.raises(ExtensionError, match="longer than 30"):
        build_app(
            _db_url,
            tmp_path,
            fake_plugin("long", lotse_follow_up_sources=lambda tenant: [source()]),
        )


def test_follow_up_items_keep_to_their_source_key(prov, make_user):
    from core.cases.follow_ups import generate_follow_ups

    app, on, _off = prov
    open_case(signed_in(app, on, make_user), "prov-on")
    with _in(app, on) as tenant:
        stray = DueFollowUp("residence:1:2030-01-01", date.today(), "x")
        Reminder.collect, original = (lambda self, t, today: [stray]), Reminder.collect
        try:
            with pytest.raises(ExtensionError, match="must start with 'prov.reminder:'"):
                generate_follow_ups(tenant, date.today())
        finally:
            Reminder.collect = original
        db.session.rollback()


# --- template slots -----------------------------------------------------------------------------


def test_template_with_an_undeclared_slot_stops_the_start(_db_url, tmp_path):
    from core.plugins import plugin_blueprint
    from core.plugins.slots import UnknownTemplateSlot

    templates = tmp_path / "templates" / "sloppy"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text("<div>{{ slot('dashbord') }}</div>", encoding="utf-8")
    package = fake_plugin("sloppy")
    bp = plugin_blueprint(package.PLUGIN, __name__, template_folder=str(tmp_path / "templates"))
    package.lotse_blueprints = hookimpl(lambda: [bp])
    with pytest.raises(UnknownTemplateSlot, match=r"page.html: template slot 'dashbord'"):
        build_app(_db_url, tmp_path, package)


def test_undeclared_slot_name_raises_when_rendered(app):
    from core.plugins.slots import UnknownTemplateSlot, render_slot

    with app.test_request_context(), pytest.raises(UnknownTemplateSlot, match="'sidebar'"):
        render_slot("sidebar")
    with app.test_request_context(), pytest.raises(ExtensionError, match="takes no case"):
        render_slot("dashboard", case=None)


def test_every_template_of_the_app_uses_declared_slots_only(app):
    from core.plugins.slots import (
        TEMPLATE_SLOTS,
        check_template_slots,
        slot_names_in,
        template_dirs,
    )

    check_template_slots(app)
    used = {
        name
        for folder in template_dirs(app)
        for path in folder.rglob("*.html")
        for name in slot_names_in(path.read_text(encoding="utf-8"))
    }
    assert used == set(TEMPLATE_SLOTS), "a declared slot no template uses, or the reverse"


def test_hook_lotse_check_extensions(_db_url, tmp_path):
    """A plugin's own start-up check runs once with the stand-in tenant and sees one relay per
    plugin (with what it requires) plus all plugins; raising stops ``create_app``."""
    seen = []

    def check(app, tenant, relays):
        seen.append((tenant.id, [who for who, _hooks in relays]))

    build_app(_db_url, tmp_path, fake_plugin("watcher", lotse_check_extensions=check))
    assert len(seen) == 1
    tenant_id, who = seen[0]
    assert tenant_id is None  # the unsaved stand-in, never a real tenant
    assert "plugin 'watcher'" in who and who[-1] == "all plugins enabled"

    def refuse(app, tenant, relays):
        raise ExtensionError("watcher: the partner table names no postcode")

    with pytest.raises(ExtensionError, match="names no postcode"):
        build_app(_db_url, tmp_path, fake_plugin("strict", lotse_check_extensions=refuse))
