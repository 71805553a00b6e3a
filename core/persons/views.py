"""Person pages: search before create, create, view and edit (conflict detection), household."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.auth.permissions import require_permission
from core.conflicts import ConflictError
from core.db import db
from core.persons import services
from core.persons.models import GENDERS, HOUSEHOLD_ROLES, RESIDENCE_STATUSES, Household
from core.persons.schemas import (
    HouseholdMemberSchema,
    PersonLookupSchema,
    PersonSchema,
    PersonUpdateSchema,
)
from core.schemas import ValidationError, form_input
from core.web import actor, flash_errors, run_write

bp = Blueprint("persons", __name__, url_prefix="/<tenant>/persons", template_folder="templates")


def _visible_person(person_id: int):
    person = services.get_person(person_id)
    if person is None or not services.can_see_person(person, actor()):
        abort(404)
    return person


@bp.before_request
def _case_workers_only():
    require_permission("cases.work")


@bp.route("/search", methods=["GET", "POST"])
def search():
    """Search before create: likely duplicates by name variants and birth date.

    The form posts (names and birth dates stay out of URLs, access logs and browser history)."""
    params = request.form if request.method == "POST" else request.args
    candidates, errors, searched = [], {}, False
    try:
        values, candidates = services.lookup(form_input(PersonLookupSchema, params))
        searched = bool(values["first_name"] or values["last_name"])
    except ValidationError as exc:
        errors = exc.errors
    first = params.get("first_name", "").strip()
    last = params.get("last_name", "").strip()
    return render_template(
        "persons/search.html",
        first=first,
        last=last,
        birth=params.get("birth_date", "").strip(),
        candidates=candidates,
        searched=searched,
        errors=errors,
        household_id=params.get("household_id", type=int),
        can_see=services.visible_person_ids([c.person for c in candidates], actor()),
        candidate_ids=[c.person.id for c in candidates],
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    errors = {}
    form = request.form if request.method == "POST" else request.args
    household_id = form.get("household_id", type=int)
    if request.method == "POST" and "prefill" not in request.form:

        def create():
            person = services.create_person(actor(), form_input(PersonSchema, request.form))
            if household_id:
                household = db.session.get(Household, household_id)
                if household is None:
                    abort(404)
                services.add_to_household(
                    actor(),
                    person,
                    {"role": request.form.get("household_role", "other")},
                    household=household,
                )
            return person

        errors, person = run_write(create, success=_("Person saved. Now open the case."))
        if not errors:
            return redirect(url_for("cases.new", person_id=person.id))
    return render_template(
        "persons/form.html",
        person=None,
        form=form,
        errors=errors,
        conflicts=None,
        household_id=household_id,
        genders=GENDERS,
        statuses=RESIDENCE_STATUSES,
        roles=HOUSEHOLD_ROLES,
    ), (400 if errors else 200)


@bp.route("/<int:person_id>", methods=["GET", "POST"])
def edit(person_id):
    person = _visible_person(person_id)
    errors, conflicts, form = {}, None, {}
    if request.method == "POST":
        form = request.form
        try:
            errors, _saved = run_write(
                lambda: services.update_person(
                    actor(), person, form_input(PersonUpdateSchema, form)
                ),
                success=_("Changes saved."),
            )
        except ConflictError as exc:
            db.session.rollback()
            conflicts = exc.changes
            person = _visible_person(person_id)
        else:
            if not errors:
                return redirect(url_for("persons.edit", person_id=person.id))
            person = _visible_person(person_id)
    household = services.household_of(person)
    return render_template(
        "persons/form.html",
        person=person,
        form=form,
        errors=errors,
        conflicts=conflicts,
        genders=GENDERS,
        statuses=RESIDENCE_STATUSES,
        roles=HOUSEHOLD_ROLES,
        household=household,
        members=services.household_members(household) if household else [],
        household_id=None,
    ), (409 if conflicts is not None else 400 if errors else 200)


@bp.route("/<int:person_id>/household", methods=["POST"])
def household(person_id):
    person = _visible_person(person_id)
    errors, _h = run_write(
        lambda: services.add_to_household(
            actor(), person, form_input(HouseholdMemberSchema, request.form)
        ),
        success=_("Household created."),
    )
    flash_errors(errors)
    return redirect(url_for("persons.edit", person_id=person.id))


@bp.route("/households/<int:household_id>/members", methods=["POST"])
def household_add(household_id):
    """Add an existing person (found in the search) to a household the user can see."""
    household_ = db.session.get(Household, household_id)
    if household_ is None:
        abort(404)
    members = services.household_members(household_)
    visible = services.visible_person_ids([m.person for m in members], actor())
    anchor = next((m.person for m in members if m.person.id in visible), None)
    if anchor is None:
        abort(404)
    other = _visible_person(request.form.get("person_id", type=int) or 0)
    errors, _h = run_write(
        lambda: services.add_to_household(
            actor(),
            other,
            {"role": request.form.get("role", "other")},
            household=household_,
        ),
        success=_("Added to the household."),
    )
    flash_errors(errors)
    return redirect(url_for("persons.edit", person_id=anchor.id))
