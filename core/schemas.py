"""The one validation layer: marshmallow schemas that HTML views and the API share.

Every domain has a ``schemas.py`` built from the pieces here. A service receives the *validated*
dict of :func:`load` (never ``request.form``); the HTML view reads its form with
:func:`form_input`, the API passes its JSON body, and both get the same German messages. A failed
load raises :class:`ValidationError` whose ``errors`` are flat: ``{"field": ["…"]}``, nested fields
dotted (``"children.0.first_name"``) — the one error shape of the API and of the forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import TYPE_CHECKING, Any, overload

from marshmallow import EXCLUDE, RAISE, Schema, fields, missing, validate
from marshmallow import ValidationError as MarshmallowError

from core.i18n.validation import translate_message


class ValidationError(Exception):
    """Bad input: ``errors`` maps field names (nested: dotted) to lists of translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested ``messages`` → ``{"a.0.b": ["…"]}`` with translated texts.

    Schema-level errors (``_schema``) keep that key at the top and become ``"<prefix>"`` below it.
    """
    out: dict[str, list[str]] = {}

    def add(key: str, text: Any) -> None:
        out.setdefault(key or "_schema", []).append(translate_message(str(text)))

    def walk(value: Any, key: str) -> None:
        if isinstance(value, Mapping):
            for name, inner in value.items():
                name = str(name)
                if name == "_schema":
                    walk(inner, key)
                else:
                    walk(inner, f"{key}.{name}" if key else name)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, Mapping | list | tuple):
                    walk(item, key)
                else:
                    add(key, item)
        else:
            add(key, value)

    walk(messages, prefix)
    return out


class LotseSchema(Schema):
    """Base of every input schema: unknown keys are refused (API) and strings are trimmed."""

    class Meta:
        unknown = RAISE


def load(
    schema: Schema | type[Schema],
    data: Mapping[str, Any],
    *,
    partial: bool | Sequence[str] | AbstractSet[str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Validate ``data`` with ``schema``; raise :class:`ValidationError` with the flat error shape.

    ``partial=None`` keeps the schema instance's own setting (``Schema(partial=True)``).
    ``errors`` are problems the service already found in the record's state ("the case is closed
    already"); they are raised together with the schema's, so one answer names everything.
    """
    if isinstance(schema, type):
        schema = schema()
    found: dict[str, list[str]] = {key: list(value) for key, value in (errors or {}).items()}
    try:
        loaded: dict[str, Any] = schema.load(dict(data), partial=partial)
    except MarshmallowError as exc:
        for key, messages in flatten_errors(exc.messages).items():
            found.setdefault(key, []).extend(messages)
        raise ValidationError(found) from None
    if found:
        raise ValidationError(found)
    return loaded


def form_input(schema: Schema | type[Schema], form: Any) -> dict[str, Any]:
    """An HTML form (``request.form``) as the input ``schema`` expects.

    Only the schema's fields are read (CSRF token and buttons are not fields); list fields take
    every value; a missing checkbox is ``False``; an empty optional text is left out, so the
    schema's ``load_default`` applies, exactly as an API client omitting the field.
    """
    if isinstance(schema, type):
        schema = schema()
    out: dict[str, Any] = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List):
            values = [v for v in form.getlist(key) if v != ""]
            if values or key in form:
                out[key] = values
            continue
        if isinstance(field, fields.Boolean):
            if key not in form and field.required:
                continue  # a required yes/no (radio buttons) left unanswered is missing, not "no"
            out[key] = form.get(key) not in (None, "", "0", "false", "off")
            continue
        if key not in form:
            continue
        value = form.get(key)
        if isinstance(value, str) and not isinstance(field, Secret):
            value = value.strip()
        if value == "" and not field.required:
            # Optional and empty: "clear this" for nullable fields, "not given" otherwise.
            if field.allow_none:
                out[key] = None
            continue
        out[key] = value
    return out


# --- Field builders with German messages and the allowed values visible in OpenAPI ---------------


class Secret(fields.String):
    """A password or code exactly as typed: never trimmed (blanks may belong to it)."""


class NotBlank(validate.Validator):
    """Text that must say something; ``message`` (a ``lazy_gettext`` string) is translated when
    the check fails."""

    def __init__(self, message: Any):
        self.message = message

    def __call__(self, value: str) -> str:
        if not value:
            raise MarshmallowError(str(self.message))
        return value


class Text(fields.String):
    """Trimmed text with a length limit; required means "not blank".

    ``blank`` replaces the generic message for a required field left blank, missing or null
    (e.g. "Please give the reason for the restriction.").
    """

    def __init__(
        self,
        *,
        max_length: int = 200,
        min_length: int | None = None,
        blank: Any = None,
        **kwargs: Any,
    ):
        validators = list(kwargs.pop("validate", []) or [])
        lower = min_length if min_length is not None else (1 if kwargs.get("required") else None)
        if blank is not None:
            lower = None
            validators.insert(0, NotBlank(blank))
            kwargs["error_messages"] = {"required": blank, "null": blank} | dict(
                kwargs.get("error_messages") or {}
            )
        validators.insert(0, validate.Length(min=lower, max=max_length))
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip()


def choice(values: Iterable[str], **kwargs: Any) -> fields.String:
    """A string from a fixed list; OpenAPI states the list as ``enum``."""
    allowed = list(values)
    kwargs.setdefault("allow_none", not kwargs.get("required", False))
    # marshmallow's "Must be one of" is translated by core.i18n.validation at load time.
    return fields.String(validate=validate.OneOf(allowed), **kwargs)


if TYPE_CHECKING:
    _ListField = fields.List[Any]
else:  # marshmallow 3 (still allowed) cannot subscript List at runtime; 4 types it as generic
    _ListField = fields.List


class Many(_ListField):
    """A list of scalars whose item errors are reported at the list itself.

    A form shows one message beside its group of checkboxes (``errors["purposes"]``), not one
    per ticked box (``purposes.0``); the API names the same field. A value ticked twice counts once.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        try:
            items = super()._deserialize(value, attr, data, **kwargs)
        except MarshmallowError as exc:
            messages = exc.messages
            if isinstance(messages, Mapping):
                first: object = next(iter(messages.values()), [])
                messages = first if isinstance(first, list) else [first]
            raise MarshmallowError(messages) from None
        return list(dict.fromkeys(items))


def choices(values: Iterable[str], **kwargs: Any) -> Many:
    """Several strings from a fixed list (checkboxes); OpenAPI states the list as the items'
    ``enum``."""
    return Many(fields.String(validate=validate.OneOf(list(values))), **kwargs)


class Pattern(validate.Regexp):
    """A regular expression (stated in OpenAPI as ``pattern``); an empty value is left to the
    field's length rule, so a blank field gets one message, not two."""

    @overload
    def __call__(self, value: str) -> str: ...

    @overload
    def __call__(self, value: bytes) -> bytes: ...

    def __call__(self, value: str | bytes) -> str | bytes:
        return value if value == "" else super().__call__(value)


class Slug(Text):
    """A short machine name (key, slug): trimmed and lowercased, then matched against ``pattern``.

    ``message`` is a ``lazy_gettext`` string: translated when the check fails, not at import.
    """

    def __init__(self, *, pattern: str, message: Any, max_length: int = 60, **kwargs: Any):
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(Pattern(pattern, error=message))
        super().__init__(max_length=max_length, validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


class Day(fields.Date):
    """An ISO date; for an optional date an empty string means "no date", as an empty form field
    does (API clients send ``""`` as often as ``null``)."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if value == "" and self.allow_none:
            value = None
        return super().deserialize(value, attr, data, **kwargs)


class DateWithin(validate.Validator):
    """A date no more than ``past_years`` before and ``future_years`` after today ("today" is the
    day of the check). Catches typos like 2205 for 2025 that no deadline or retention rule expects.
    """

    def __init__(self, *, past_years: int | None = None, future_years: int | None = None):
        self.past_years, self.future_years = past_years, future_years

    def __call__(self, value: date) -> date:
        from flask_babel import gettext

        today = date.today()
        start = date(today.year - self.past_years, 1, 1) if self.past_years is not None else None
        end = (
            date(today.year + self.future_years, 12, 31) if self.future_years is not None else None
        )
        if start and end and not start <= value <= end:
            message = gettext(
                "Please enter a date between %(start)s and %(end)s.",
                start=start.strftime("%d.%m.%Y"),
                end=end.strftime("%d.%m.%Y"),
            )
        elif start and value < start:
            message = gettext(
                "Please enter a date on or after %(start)s.", start=start.strftime("%d.%m.%Y")
            )
        elif end and value > end:
            message = gettext(
                "Please enter a date on or before %(end)s.", end=end.strftime("%d.%m.%Y")
            )
        else:
            return value
        raise MarshmallowError(message)


class RequiredText(fields.String):
    """Trimmed text that must be given, with a length limit; a missing or blank value gets its own
    sentence (``blank``, e.g. ``_l("Please enter the first name.")``), a too long one says so."""

    def __init__(self, *, max_length: int = 200, blank: Any = None, **kwargs: Any):
        validators = [validate.Length(max=max_length), *(kwargs.pop("validate", []) or [])]
        messages = dict(kwargs.pop("error_messages", {}) or {})
        if blank is not None:
            messages.setdefault("required", blank)
            messages.setdefault("null", blank)
        super().__init__(required=True, validate=validators, error_messages=messages, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise self.make_error("required")
        return text


def optional_text(max_length: int = 200, **kwargs: Any) -> Text:
    """Text that may stay empty: "" when not given (never ``None``, the columns are NOT NULL)."""
    kwargs.setdefault("load_default", "")
    kwargs.setdefault("allow_none", False)
    return Text(max_length=max_length, **kwargs)


class _BlankIsMissing:
    """An empty or blank string is "not given" (an empty form field, ``""`` in JSON): the field's
    ``load_default`` applies, or its "required" message - never "not a valid date/number".
    ``blank`` is that message when the field must be given ("Please enter the first day.")."""

    def __init__(self, *args: Any, blank: Any = None, **kwargs: Any):
        if blank is not None:
            kwargs["error_messages"] = {
                "required": blank,
                "null": blank,
                **(kwargs.get("error_messages") or {}),
            }
        super().__init__(*args, **kwargs)

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = missing
        return super().deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


class Date(_BlankIsMissing, fields.Date):
    """An ISO date ("YYYY-MM-DD"); empty means not given."""


class Integer(_BlankIsMissing, fields.Integer):
    """A whole number; empty means not given."""


__all__ = [
    "EXCLUDE",
    "RAISE",
    "LotseSchema",
    "DateWithin",
    "Date",
    "Day",
    "Integer",
    "Many",
    "NotBlank",
    "Pattern",
    "RequiredText",
    "Secret",
    "Slug",
    "Text",
    "ValidationError",
    "choice",
    "choices",
    "flatten_errors",
    "form_input",
    "load",
    "optional_text",
]
