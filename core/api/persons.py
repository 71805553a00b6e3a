"""API resources of persons (clients): search before create, create, read, change.

The views translate between JSON and ``core.persons.services`` - the functions the HTML views
call, which validate with ``core.persons.schemas``; every write commits once.
"""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.common import ConflictSchema, actor, json_body
from core.auth.permissions import require_permission
from core.db import db
from core.persons import services as persons
from core.persons.schemas import (
    DuplicateCandidateSchema,
    PersonSchema,
    PersonSearchArgsSchema,
    PersonUpdateSchema,
)

persons_blp = Blueprint(
    "api_persons", __name__, url_prefix="/persons", description="Persons (clients)"
)


def _person_or_404(person_id: int):
    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)
    return person


@persons_blp.route("")
class Persons(MethodView):
    @persons_blp.arguments(PersonSearchArgsSchema, location="query")
    @persons_blp.response(200, DuplicateCandidateSchema(many=True))
    @persons_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """Search before create: likely duplicates of a name (and birth date), best first."""
        require_permission("cases.work")
        return [
            {
                "id": c.person.id,
                "first_name": c.person.first_name,
                "last_name": c.person.last_name,
                "other_names": c.person.other_names,
                "birth_date": c.person.birth_date,
                "score": c.score,
                "reasons": [str(r) for r in c.reasons],
            }
            for c in persons.search_by_name(args["q"], args["birth_date"])
        ]

    @json_body(persons_blp, PersonSchema)
    @persons_blp.response(201, PersonSchema)
    @persons_blp.alt_response(403, response="FORBIDDEN")
    def post(self, data):
        """Create a person (search for duplicates first)."""
        require_permission("cases.work")
        person = persons.create_person(actor(), data)
        db.session.commit()
        return person


@persons_blp.route("/<int:person_id>")
class PersonItem(MethodView):
    @persons_blp.response(200, PersonSchema)
    @persons_blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id):
        """A person the user sees a case of, created, or supervises."""
        return _person_or_404(person_id)

    @json_body(persons_blp, PersonUpdateSchema)
    @persons_blp.response(200, PersonSchema)
    @persons_blp.alt_response(404, response="NOT_FOUND")
    @persons_blp.alt_response(
        409, schema=ConflictSchema, description="Changed by someone else since `version`."
    )
    def put(self, data, person_id):
        """Change a person (PATCH semantics: omitted fields keep their values).

        Fields omitted from the body keep their stored values; a field sent empty (`""`, `null` for
        a date, `[]` for languages) is cleared. First and last name cannot be cleared. Send the
        `version` you read (a newer one answers 409 with both values).
        """
        person = _person_or_404(person_id)
        require_permission("cases.work")
        person = persons.update_person(actor(), person, data, partial=True)
        db.session.commit()
        return person
