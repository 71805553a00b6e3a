"""Every hook of Lotse. Documented in ``docs/plugin_hooks.md``; a meta-test keeps both in step.

*Startup* hooks are called once on the global plugin manager while the app is built.
*Runtime* hooks are called through the tenant relay (``g.hooks``), so a tenant only ever reaches
the plugins it has enabled. Callers always pass keyword arguments; implementations may accept any
subset of them.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("lotse")


@hookspec
def lotse_blueprints():
    """Return Flask blueprints to register (a plugin builds them with ``plugin_blueprint``).

    Kind: startup; returns an iterable of blueprints.
    """


@hookspec
def lotse_api_blueprints():
    """Return flask-smorest blueprints for the JSON API below ``/<tenant>/api/v1`` (build a
    plugin's with ``core.plugin_api.plugin_api_blueprint``).

    Kind: startup; returns an iterable of flask-smorest blueprints. A plugin's blueprints answer
    404 and stay out of a tenant's OpenAPI description unless the tenant enabled the plugin.
    """


@hookspec
def lotse_cli(cli):
    """Add click commands or groups to the ``lotse`` command.

    Kind: startup; returns nothing.
    """


@hookspec
def lotse_migration_dirs():
    """Return Alembic version directories (one branch labelled ``plugin_<name>`` per plugin).

    Kind: startup; returns an iterable of paths.
    """


@hookspec
def lotse_permissions():
    """Return :class:`core.auth.permissions.Permission` objects the plugin checks.

    Kind: startup; returns an iterable of permissions.
    """


@hookspec
def lotse_menu_items(tenant, user):
    """Return :class:`core.web.MenuItem` entries for the main navigation of ``tenant``.

    The answer is cached per tenant plugin version, permission set and locale: tailor entries
    with ``MenuItem.permission``, never by ``user`` itself.

    Kind: runtime; returns an iterable of menu items.
    """


@hookspec
def lotse_template_slot(slot, tenant, user, context):
    """Return HTML (``markupsafe.Markup``) to place in a declared slot of a core template, or None.

    Slots are declared in :data:`core.plugins.slots.TEMPLATE_SLOTS` (``head``, ``dashboard``,
    ``case_panels``, ``case_tabs``); ``context`` holds what the template passes (e.g. ``case``).
    Kind: runtime; returns Markup or None.
    """


@hookspec
def lotse_demo_data(tenant):
    """Create the plugin's demo rows for ``tenant`` (``lotse demo`` calls it in the tenant scope).

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_plugin_enabled(tenant, plugin_name):
    """Notification that ``plugin_name`` was switched on for ``tenant`` (also for dependencies).

    Kind: runtime (reaches the plugins enabled after the change); returns nothing.
    """


@hookspec
def lotse_plugin_disabled(tenant, plugin_name):
    """Notification that ``plugin_name`` was switched off for ``tenant``; its data is kept.

    Kind: runtime (reaches the plugins still enabled plus the one switched off); returns nothing.
    """


@hookspec
def lotse_case_types(tenant):
    """Return extra :class:`core.cases.regelkreis.CaseType` objects for ``tenant`` (e.g. Kleve's
    "prozesshafte Begleitung").

    Kind: runtime; returns an iterable of case types.
    """


@hookspec
def lotse_adjust_regelkreis(tenant, regelkreis):
    """Adjust ``tenant``'s :class:`core.cases.regelkreis.Regelkreis` in place: rename, add or
    remove phases, change the artefacts a phase requires.

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_case_created(case):
    """Notification that ``case`` was opened (inside the same transaction).

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_case_phase_changed(case, old, new):
    """Notification that ``case`` moved from phase ``old`` to ``new`` (inside the same transaction).

    Kind: runtime; returns nothing.
    """


# --- Domain events ------------------------------------------------------------------------------
#
# A domain announces what happened through :mod:`core.events`; other domains and plugins react
# here instead of being called by it (a lower domain never calls upward). Each runs inside the
# transaction of the change: raising undoes it.


@hookspec
def lotse_person_changed(person, changes, actor, request_id):
    """Notification that master data of ``person`` changed: ``changes`` maps each changed field to
    ``(old, new)``; ``request_id`` is the rectification request (Art. 16) behind it, or ``None``.

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_consent_revoked(consent, revocation, actor, ends_processing):
    """Notification that ``consent`` was revoked (``revocation``, in full or for some recipients);
    ``ends_processing`` is true when nothing is left to process the person's data on, so the
    tenant's revocation policy applies (core's privacy domain applies it, after the plugins).

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_case_closed(case, actor):
    """Notification that ``case`` was closed (status, reason, evaluation and closing date set).

    Kind: runtime; returns nothing.
    """


@hookspec
def lotse_form_saved(submission, actor):
    """Notification that a form ``submission`` (:class:`core.forms.models.FormSubmission`) was
    saved as a draft or finalised (``submission.status``) by ``actor``, inside the same
    transaction; e.g. eligibility recomputes its verdict from the answers.

    Kind: runtime; returns nothing.
    """


# --- Domain questions -----------------------------------------------------------------------------
#
# A lower domain asks a question only a higher one can answer (persons cannot know cases) and the
# higher one answers through a hook instead of being imported.


@hookspec
def lotse_person_visible(person, user):
    """Whether ``user``, who holds ``cases.work`` but did not create ``person``, may see ``person``
    because of something this plugin knows (cases answers: a case of the person the user may open).
    Return ``True`` to grant; ``None`` or ``False`` grants nothing. One ``True`` is enough, so
    answer only for reasons that really give access.

    Kind: runtime; returns ``bool | None``.
    """


@hookspec
def lotse_processing_end_consequences(tenant, person):
    """What would happen to the file of ``person`` if nothing were left to process it on (the
    confirmation page of a revocation asks before it is recorded; nothing is written). Core's
    privacy domain answers with the tenant's revocation policy: erase, anonymise, or wait for a
    hold.

    Kind: runtime; returns ``core.confirm.Consequences | None``.
    """


@hookspec
def lotse_data_categories():
    """Declare the plugin's personal data for the registry (:mod:`core.privacy.registry`): its
    :class:`DataTable` objects (every column of every plugin table), any new
    :class:`DataCategory` or :class:`RetentionClass` they use, and :class:`FieldLabels` naming
    its tables and columns for people.

    Kind: startup (read once from every installed plugin; a tenant's records of processing only
    list its enabled plugins); returns an iterable of declarations.
    """


# --- Extension points (providers) ---------------------------------------------------------------
# Runtime hooks that return provider objects (:mod:`core.plugins.providers`). Core collects them
# through the tenant relay, checks type and key uniqueness, and calls each of them once at
# start-up with every plugin enabled and a stand-in tenant: build and return providers only, do
# the work (database queries) in the providers' methods.


@hookspec
def lotse_persons_visible(person_ids, user):
    """The list form of :func:`lotse_person_visible`: which of ``person_ids`` (a frozenset of ids
    of persons ``user`` did not create) ``user`` may see because of something this plugin knows,
    answered with one query instead of one per person (search candidates, household members).
    Return the granted ids (any iterable; ids not asked for are ignored) or ``None``. Implement it
    beside ``lotse_person_visible`` with the same rule; a plugin that only implements the single
    form is asked person by person.

    Kind: runtime; returns an iterable of ids or ``None``.
    """


@hookspec
def lotse_check_extensions(app, tenant, relays):
    """Check the extension points a domain reads, once at start-up, so a plugin's mistake stops
    ``create_app`` instead of surfacing when a user first meets it. ``tenant`` is an unsaved
    stand-in; ``relays`` are ``(who, hooks)`` pairs: each plugin with what it requires, then all
    plugins. Raise :class:`core.plugins.providers.ExtensionError` naming ``who``.

    Kind: startup; returns nothing.
    """


@hookspec
def lotse_form_definitions(tenant):
    """Return :class:`~core.forms.definitions.FormDefinition` objects (key, version, sections).

    Kind: runtime; returns an iterable of form definitions.
    """


@hookspec
def lotse_field_types(tenant):
    """Return :class:`~core.plugins.providers.FieldType` providers for form fields.

    Kind: runtime; returns an iterable of field types.
    """


@hookspec
def lotse_eligibility_rules(tenant):
    """Return :class:`~core.plugins.providers.EligibilityRule` providers (target groups and
    general conditions, ``evaluate(person, case) -> Verdict``).

    Kind: runtime; returns an iterable of eligibility rules.
    """


@hookspec
def lotse_phase_requirements(tenant):
    """Return :class:`~core.plugins.providers.PhaseRequirement` providers that Regelkreis phases
    may name in ``requires`` (``check(case) -> list of problems``).

    Kind: runtime; returns an iterable of phase requirements.
    """


@hookspec
def lotse_follow_up_sources(tenant):
    """Return :class:`~core.plugins.providers.FollowUpSource` providers whose due items
    ``lotse jobs follow-ups`` stores as follow-ups.

    Kind: runtime; returns an iterable of follow-up sources.
    """


@hookspec
def lotse_report_providers(tenant):
    """Return :class:`~core.plugins.providers.ReportProvider` objects (reports and exports).

    Kind: runtime; returns an iterable of report providers.
    """


@hookspec
def lotse_partner_tables(tenant):
    """Return :class:`~core.plugins.providers.PartnerTable` providers (partner organisations and
    services with the postcodes they cover).

    Kind: runtime; returns an iterable of partner tables.
    """


@hookspec
def lotse_case_panels(tenant):
    """Return :class:`~core.plugins.providers.CasePanel` providers shown on the case overview.

    Kind: runtime; returns an iterable of case panels.
    """


@hookspec
def lotse_case_tabs(tenant):
    """Return :class:`~core.plugins.providers.CaseTab` providers: extra tabs of the case file.

    Kind: runtime; returns an iterable of case tabs.
    """


@hookspec
def lotse_caseload_capacity(tenant, weekly_hours, ratio):
    """Return the number of cases a case manager with ``weekly_hours`` can carry at the
    tenant's ``ratio`` (cases per full-time post), or None to leave it to core (the ratio scaled
    by the share of a full-time post). The first answer that is not None counts.

    Kind: runtime; returns a number or None.
    """
