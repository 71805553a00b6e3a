"""What a person looks like on the way in and out - once, for the HTML forms and the API.

The services load these schemas themselves (``load(PersonSchema, data)``), so a form and a JSON
body with the same bad value get the same German message. Nationality and languages are stored as
ISO codes; a code or a German or English name is accepted (the form's lists show names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validates, validates_schema

from core.auth.services import EMAIL_RE
from core.persons.models import GENDERS, HOUSEHOLD_ROLES, RESIDENCE_STATUSES
from core.persons.phonetics import has_name_part
from core.schemas import Date, Integer, LotseSchema, RequiredText, Text, choice, optional_text

#: The earliest birth date the forms accept (anything before is a typing error).
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
MAX_LANGUAGES = 20
POSTCODE_RE = re.compile(r"^[0-9]{5}$")


def _country_codes() -> list[str]:
    from core.labels import country_names

    return ["", *sorted(country_names("de"))]


def _language_codes() -> list[str]:
    from core.labels import language_names

    return sorted(language_names("de"))


class _IsoCode(fields.String):
    """A code of a list (OpenAPI: ``enum``); a code or a German or English name is accepted.

    ``lookup`` turns what was typed into a code (None: unknown); ``unknown`` is the message."""

    def __init__(
        self,
        codes: list[str],
        description: str,
        lookup: Callable[[str], str | None],
        unknown: Callable[[], str],
        **kwargs: Any,
    ):
        super().__init__(metadata={"enum": codes, "description": description}, **kwargs)
        self.lookup, self.unknown = lookup, unknown

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        code = self.lookup(super()._deserialize(value, attr, data, **kwargs))
        if code is None:
            raise ValidationError(self.unknown())
        return code


def _country_code(text: str) -> str | None:
    from core.labels import country_code

    return country_code(text)


def _language_code(text: str) -> str | None:
    from core.labels import language_code

    return language_code(text)


class CountryCode(_IsoCode):
    """ISO 3166-1 alpha-2 code, "" = unknown."""

    def __init__(self, **kwargs: Any):
        description = "ISO 3166-1 alpha-2 code (XS = stateless, empty = unknown)."
        super().__init__(
            _country_codes(),
            description,
            _country_code,
            lambda: _("Please choose a country from the list."),
            **kwargs,
        )


class LanguageCode(_IsoCode):
    """ISO 639-1 code (639-3 where there is none)."""

    def __init__(self, *, allow_empty: bool = True, **kwargs: Any):
        codes = _language_codes()
        description = "ISO 639-1 code, ISO 639-3 where no 639-1 code exists."
        super().__init__(
            ["", *codes] if allow_empty else codes,
            description,
            _language_code,
            lambda: _("Please choose a language from the list."),
            **kwargs,
        )


class LanguageList(fields.List):
    """Languages spoken: a list of codes or names (one item may list several, comma-separated,
    as the form's text field does); unknown ones are refused as a whole field, duplicates go."""

    def __init__(self, **kwargs: Any):
        metadata = {"description": "ISO 639-1 codes, ISO 639-3 where no 639-1 code exists."}
        super().__init__(LanguageCode(allow_empty=False), metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise self.make_error("invalid")
        codes: list[str] = []
        inner = cast(LanguageCode, self.inner)
        for item in value:
            if not isinstance(item, str):
                raise self.make_error("invalid")
            for part in item.replace("\n", ",").split(","):
                code = inner.lookup(part)
                if code is None:
                    raise ValidationError(inner.unknown())
                if code and code not in codes:
                    codes.append(code)
        return codes[:MAX_LANGUAGES]


class PersonSchema(LotseSchema):
    """A client as created through the form or ``POST /persons``, and as the API returns it."""

    id = fields.Integer(dump_only=True)
    first_name = RequiredText(max_length=100, blank=_l("Please enter the first name."))
    last_name = RequiredText(max_length=100, blank=_l("Please enter the last name."))
    other_names = optional_text(
        300, metadata={"description": "Birth name, transliterations, other spellings."}
    )
    birth_date = Date(allow_none=True, load_default=None)
    gender = choice(GENDERS, load_default="unspecified", allow_none=False)
    nationality = CountryCode(load_default="", allow_none=False)
    languages = LanguageList(load_default=list)
    interpreter_needed = fields.Boolean(load_default=False)
    interpreter_language = LanguageCode(load_default="", allow_none=False)
    residence_status = choice(RESIDENCE_STATUSES, load_default="unknown", allow_none=False)
    residence_issued_on = Date(allow_none=True, load_default=None)
    residence_valid_until = Date(allow_none=True, load_default=None)
    first_residence_title_on = Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "First residence title issued on (Vorrang check)."},
    )
    street = optional_text(200)
    postcode = optional_text(10, metadata={"pattern": POSTCODE_RE.pattern + "|^$"})
    city = optional_text(100)
    phone = optional_text(60)
    email = optional_text(200)
    created_by_id = fields.Integer(dump_only=True, allow_none=True)
    updated_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)

    @validates("birth_date")
    def _birth_date(self, value: date | None, **kwargs: Any) -> None:
        if value is None:
            return
        if value > date.today():
            raise ValidationError(_("The birth date lies in the future."))
        if value < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                _("Please check the birth date: it lies before %(year)d.", year=1900)
            )

    @validates("postcode")
    def _postcode(self, value: str, **kwargs: Any) -> None:
        if value and not POSTCODE_RE.match(value):
            raise ValidationError(_("A German postcode has five digits."))

    @validates("email")
    def _email(self, value: str, **kwargs: Any) -> None:
        if value and not EMAIL_RE.match(value):
            raise ValidationError(_("Please enter a valid e-mail address."))

    @validates_schema(skip_on_field_errors=False)
    def _permit_dates(self, data: dict, **kwargs: Any) -> None:
        issued, until = data.get("residence_issued_on"), data.get("residence_valid_until")
        if issued and until and until < issued:
            raise ValidationError(
                _("The permit cannot end before it was issued."), "residence_valid_until"
            )


#: The fields a person's form (and the correction trail) covers, in form order.
PERSON_FIELDS = tuple(name for name, field in PersonSchema().fields.items() if not field.dump_only)


class PersonUpdateSchema(PersonSchema):
    """A change of a person: the same fields plus the ``version`` that was read."""

    version = Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "The version you read; a newer one answers 409."},
    )


class PersonSummarySchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date(allow_none=True)


class PersonSearchArgsSchema(LotseSchema):
    """``GET /persons``: search before create by a name as typed and perhaps a birth date."""

    q = RequiredText(
        max_length=200,
        metadata={
            "description": 'Name as typed: "First Last" or "Last, First" '
            "(at least two letters; a birth date only ranks name matches)."
        },
    )
    birth_date = Date(allow_none=True, load_default=None)

    @validates("q")
    def _name_part(self, value: str, **kwargs: Any) -> None:
        if not has_name_part(value, ""):
            raise ValidationError(name_part_message())


class PersonLookupSchema(LotseSchema):
    """The search form before creating a person (first and last name apart)."""

    first_name = optional_text(100)
    last_name = optional_text(100)
    birth_date = Date(allow_none=True, load_default=None)
    household_id = Integer(allow_none=True, load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def _name_part(self, data: dict, **kwargs: Any) -> None:
        first, last = data.get("first_name", ""), data.get("last_name", "")
        if (first or last or data.get("birth_date")) and not has_name_part(first, last):
            raise ValidationError(name_part_message(), "last_name")


def name_part_message() -> str:
    return _("Please enter at least part of the name; a date of birth alone is not searched.")


class DuplicateCandidateSchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    other_names = fields.String()
    birth_date = fields.Date(allow_none=True)
    score = fields.Integer()
    reasons = fields.List(fields.String())


class HouseholdMemberSchema(LotseSchema):
    """Joining a household: the role in it, and the name of a household founded with it."""

    role = choice(HOUSEHOLD_ROLES, required=True)
    name = Text(max_length=200, load_default=None)
