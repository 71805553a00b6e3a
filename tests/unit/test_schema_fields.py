"""The field builders of ``core.schemas`` that the domain schemas share: blank form fields are
"not given", a required text has its own sentence, state errors come with the schema's."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import lazy_gettext as _l
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from core.schemas import (
    Date,
    Integer,
    LotseSchema,
    RequiredText,
    ValidationError,
    form_input,
    load,
    optional_text,
)


class _Example(LotseSchema):
    name = RequiredText(max_length=5, blank=_l("Please enter the first name."))
    note = optional_text(10)
    day = Date(required=True, blank=_l("Please enter the first day."))
    count = Integer(allow_none=True, load_default=None)
    admitted = fields.Boolean(required=True)


@pytest.fixture
def german(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        yield


def _errors(data, **kwargs):
    with pytest.raises(ValidationError) as caught:
        load(_Example, data, **kwargs)
    return caught.value.errors


def test_blank_is_not_given_and_messages_are_german(german):
    errors = _errors({"name": "  ", "day": "", "count": "", "admitted": True})
    assert errors == {
        "name": ["Bitte geben Sie den Vornamen ein."],
        "day": ["Bitte geben Sie den ersten Tag ein."],
    }
    assert _errors({"name": "Zu lang", "day": "2026-01-01", "admitted": True}) == {
        "name": ["Bitte geben Sie höchstens 5 Zeichen ein."]
    }
    values = load(_Example, {"name": " Ada ", "day": "2026-01-01", "admitted": False})
    assert values == {
        "name": "Ada",
        "note": "",
        "day": date(2026, 1, 1),
        "count": None,
        "admitted": False,
    }


def test_state_errors_come_with_the_schema_errors(german):
    errors = _errors({"name": "", "day": "2026-01-01", "admitted": True}, errors={"case": ["x"]})
    assert errors == {"case": ["x"], "name": ["Bitte geben Sie den Vornamen ein."]}
    with pytest.raises(ValidationError) as caught:
        load(_Example, {"name": "Ada", "day": "2026-01-01", "admitted": True}, errors={"a": ["b"]})
    assert caught.value.errors == {"a": ["b"]}


def test_form_input_leaves_an_unanswered_required_yes_no_out(german):
    data = form_input(_Example, MultiDict({"name": "Ada", "day": "2026-01-01", "note": ""}))
    assert data == {"name": "Ada", "day": "2026-01-01"}
    assert "admitted" in _errors(data)
    assert form_input(_Example, MultiDict({"admitted": "0"}))["admitted"] is False
