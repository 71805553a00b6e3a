"""The form engine: from raw answers (an HTML post or a JSON body) to checked, typed answers.

One pass does everything in the order a person reads the form: which fields are visible (hidden
fields are neither checked nor kept), each answer's type, the required and required-if rules,
options and "other" texts, limits, repeat rows, computed values, then the form's validators.
Messages are German through flask-babel. The marshmallow schema of the API and the JSON Schema of
a definition are generated here too, so the HTML form, the API and the published schema can never
disagree. No database access: the caller passes what it knows (``context``, ``sources``).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.forms.definitions import (
    DEFAULT_MAX_ITEMS,
    PREFILL_ALIASES,
    PREFILL_SOURCES,
    WITH_OPTIONS,
    Field,
    FormDefinition,
)
from core.forms.rules import as_date, compile_expression

#: Longest ``text`` and ``textarea`` answers unless the field sets ``max_length`` (lower).
TEXT_MAX = 300
TEXTAREA_MAX = 10_000


@dataclass
class FormResult:
    """What :func:`validate` found. ``data``: the answers to store (visible fields only, typed,
    JSON-ready: dates as ISO text, computed values in place); ``computed``: path → value of the
    computed fields; ``errors``: path (``kinder.0.alter``; ``""`` for the form as a whole) →
    German messages. ``valid`` when there is no error."""

    data: dict[str, Any] = field(default_factory=dict)
    computed: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


# --- the run: one pass over the definition --------------------------------------------------


def _messages():
    """The engine's messages (looked up when needed, so the request's locale applies)."""
    from flask_babel import gettext as _

    return _


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TRUE = {"true", "1", "on", "yes", "ja", "y"}
_FALSE = {"false", "0", "off", "no", "nein", "n", ""}


class _Run:
    """Everything :func:`validate` needs, computed once: typed answers, what is visible, computed
    values, errors. ``data`` is kept JSON-ready (dates as ISO text): the expression language
    compares ISO text with dates, so the same dict serves the rules and the storage."""

    def __init__(
        self,
        defn: FormDefinition,
        raw: Mapping[str, Any],
        *,
        today: date | None,
        draft: bool,
        field_types: Mapping[str, Any] | None,
        locale: str | None = None,
    ):
        self.defn = defn
        self.today = today or date.today()
        self.draft = draft
        self.types = field_types or {}
        self.locale = locale
        self.errors: dict[str, list[str]] = {}
        self.computed: dict[str, Any] = {}
        self.visible: set[str] = set()
        self._ = _messages()
        if not isinstance(raw, Mapping):
            self.error("", self._("Please send an object."))
            raw = {}
        self.data = self._typed_level(defn.fields, raw, "")
        # Visibility and computed values until nothing changes: a rule may read a field further
        # down the form, which a hidden section may clear in turn (three rounds at most).
        for _round in range(3):
            self.visible = set()
            self.computed = {}
            pruned = self._prune(defn, self.data)
            if pruned == self.data:
                break
            self.data = pruned

    # --- helpers ------------------------------------------------------------------------

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, [])
        if message not in self.errors[path]:
            self.errors[path].append(message)

    def own_message(self, path: str, german: str) -> str:
        """A message the definition wrote (validator, pattern_message) in the user's language."""
        if self.locale and self.locale != "de":
            return self.defn.label(path, self.locale) or german
        return german

    # --- pass 1: types ------------------------------------------------------------------

    def _typed_level(self, fields: tuple[Field, ...], raw: Mapping[str, Any], prefix: str) -> dict:
        out: dict[str, Any] = {}
        known: set[str] = set()
        for spec in fields:
            known.add(spec.key)
            if spec.other:
                known.add(spec.other_key)
            if not spec.stored or spec.type == "computed":
                continue
            path = f"{prefix}{spec.key}"
            if spec.key in raw:
                value = self._typed(spec, raw[spec.key], path)
                if value is not None:
                    out[spec.key] = value
            if spec.other and spec.other_key in raw:
                other = self._other_text(spec, raw[spec.other_key], f"{prefix}{spec.other_key}")
                if other is not None:
                    out[spec.other_key] = other
        for key in raw:
            if key not in known:
                self.error(f"{prefix}{key}", self._("This field is not allowed."))
        return out

    def _typed(self, spec: Field, value: Any, path: str) -> Any:
        """``value`` typed for ``spec`` (``None``: not answered, or wrong, with an error)."""
        kind = spec.type
        if value is None:
            return None
        if isinstance(value, str) and kind not in ("group", "repeat", "multi"):
            value = value.strip()
            if value == "":
                return None
        _ = self._
        if kind in ("text", "textarea", "email"):
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.error(path, _("Please enter text."))
                return None
            value = str(value)
            limit = TEXTAREA_MAX if kind == "textarea" else (254 if kind == "email" else TEXT_MAX)
            limit = min(int(spec.param("max_length", limit)), limit)
            if len(value) > limit:
                self.error(path, _("Please enter at most %(n)s characters.", n=limit))
                return None
            if kind == "email" and not _EMAIL.match(value):
                self.error(path, _("Please enter a valid e-mail address."))
                return None
            pattern = spec.param("pattern")
            if pattern and not re.fullmatch(str(pattern), value):
                message = spec.param("pattern_message")
                self.error(
                    path,
                    self.own_message(f"{path}.pattern_message", str(message))
                    if message
                    else _("Please enter the text in the expected format."),
                )
                return None
            return value
        if kind == "number":
            return self._number(spec, value, path)
        if kind == "scale":
            low, high = spec.param("min", 1), spec.param("max", 5)
            number = _as_int(value)
            if number is None or not low <= number <= high:
                self.error(
                    path, _("Please enter a number between %(min)s and %(max)s.", min=low, max=high)
                )
                return None
            return number
        if kind == "date":
            return self._date(spec, value, path)
        if kind == "time":
            if not isinstance(value, str) or not _TIME.match(value[:5]) or len(value) not in (5, 8):
                self.error(path, _("Please enter a time as HH:MM."))
                return None
            return value[:5]
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
                return value.lower() in _TRUE
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            self.error(path, _("Please choose yes or no."))
            return None
        if kind == "choice":
            allowed = [o.key for o in spec.options] + (["other"] if spec.other else [])
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)  # option keys such as "1" sent as JSON numbers
            if not isinstance(value, str) or value not in allowed:
                self.error(path, _("Please choose a value from the list."))
                return None
            return value
        if kind == "multi":
            if isinstance(value, str):
                value = [value] if value else []
            if not isinstance(value, list | tuple):
                self.error(path, _("Please choose a value from the list."))
                return None
            allowed = [o.key for o in spec.options] + (["other"] if spec.other else [])
            if any(isinstance(v, bool) or not isinstance(v, str | int | None) for v in value):
                self.error(path, _("Please choose a value from the list."))
                return None
            chosen = [
                str(v) if isinstance(v, int) and not isinstance(v, bool) else v
                for v in dict.fromkeys(value)
                if v not in ("", None)
            ]
            if any(not isinstance(v, str) or v not in allowed for v in chosen):
                self.error(path, _("Please choose a value from the list."))
                return None
            order = {key: n for n, key in enumerate(allowed)}
            return sorted(chosen, key=order.__getitem__) or None
        if kind == "group":
            if not isinstance(value, Mapping):
                self.error(path, _("Please send an object."))
                return None
            return self._typed_level(spec.children, value, f"{path}.") or None
        if kind == "repeat":
            if not isinstance(value, list | tuple):
                self.error(path, _("Please enter a list."))
                return None
            high = spec.param("max_items", DEFAULT_MAX_ITEMS)
            if len(value) > high:
                self.error(path, _("Please enter at most %(max)s rows.", max=high))
                value = value[:high]
            rows: list[dict[str, Any]] = []
            for number, row in enumerate(value):
                if not isinstance(row, Mapping):
                    self.error(f"{path}.{number}", _("Please send an object."))
                    rows.append({})
                    continue
                rows.append(self._typed_level(spec.children, row, f"{path}.{number}."))
            return rows
        provider = self.types.get(kind)
        if provider is None:
            self.error(path, _("This field is not allowed."))
            return None
        return self._plugin_value(provider, spec, value, path)

    def _plugin_value(self, provider: Any, spec: Field, value: Any, path: str) -> Any:
        from marshmallow import ValidationError as MarshmallowError

        from core.schemas import flatten_errors

        try:
            return provider.schema_field(spec).deserialize(value)
        except MarshmallowError as exc:
            for messages in flatten_errors(exc.messages).values():
                for message in messages:
                    self.error(path, message)
            return None

    def _number(self, spec: Field, value: Any, path: str) -> Any:
        _ = self._
        decimal = bool(spec.param("decimal"))
        number: Any
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float | Decimal):
            number = value if math.isfinite(value) else None
        elif isinstance(value, str):
            text = value.replace(" ", "").replace("\u202f", "")
            if decimal:
                text = text.replace(",", ".")
            try:
                number = Decimal(text) if re.fullmatch(r"[+-]?\d{1,15}(\.\d{1,6})?", text) else None
            except ArithmeticError:
                number = None
        else:
            number = None
        if number is not None and not decimal:
            if isinstance(number, float | Decimal):
                number = int(number) if number == int(number) else None
        if number is None:
            self.error(
                path, _("Please enter a number.") if decimal else _("Please enter a whole number.")
            )
            return None
        if isinstance(number, Decimal | float):
            number = int(number) if number == int(number) else float(number)
        if abs(number) > 10**15:
            self.error(path, _("Please enter a number."))
            return None
        low, high = spec.param("min"), spec.param("max")
        if low is not None and high is not None and not low <= number <= high:
            self.error(
                path, _("Please enter a number between %(min)s and %(max)s.", min=low, max=high)
            )
            return None
        if low is not None and number < low:
            self.error(path, _("Please enter a number of at least %(min)s.", min=low))
            return None
        if high is not None and number > high:
            self.error(path, _("Please enter a number of at most %(max)s.", max=high))
            return None
        return number

    def _date(self, spec: Field, value: Any, path: str) -> str | None:
        _ = self._
        day = None
        if isinstance(value, date):
            day = value if not isinstance(value, datetime) else value.date()
        elif isinstance(value, str):
            german = _GERMAN_DATE.match(value)
            try:
                if german:
                    day = date(int(german[3]), int(german[2]), int(german[1]))
                elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    day = date.fromisoformat(value)
            except ValueError:
                day = None
        if day is None or not 1900 <= day.year <= 2200:
            self.error(path, _("Please enter a valid date."))
            return None
        return day.isoformat()

    def _date_bound(self, spec: Field, name: str, row: Mapping[str, Any] | None) -> date | None:
        bound = spec.param(name)
        if bound is None:
            return None
        if bound == "today":
            return self.today
        if isinstance(bound, date):
            return bound
        parsed = as_date(bound) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(bound)) else None
        if parsed is not None:
            return parsed
        return as_date(compile_expression(str(bound)).evaluate(self.data, row, self.today))

    def _other_text(self, spec: Field, value: Any, path: str) -> Any:
        _ = self._
        if spec.other == 2:
            lines = value if isinstance(value, list | tuple) else [value]
            lines = [str(v).strip() for v in lines if v is not None and str(v).strip()]
            if len(lines) > 2 or any(len(v) > TEXT_MAX for v in lines):
                self.error(path, _("Please enter at most %(n)s characters.", n=TEXT_MAX))
                return None
            return lines or None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(path, _("Please enter text."))
            return None
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            self.error(path, _("Please enter at most %(n)s characters.", n=TEXT_MAX))
            return None
        return text or None

    # --- pass 2: visibility, computed values --------------------------------------------

    def _prune(self, defn: FormDefinition, data: dict) -> dict:
        """``data`` without hidden answers, computed values filled in, ``visible`` recorded.
        Works on a copy that is updated as the walk goes, so a rule reads the pruned values of
        the fields before it."""
        current = copy.deepcopy(data)
        for section in defn.sections:
            shown = section.visible_if is None or compile_expression(section.visible_if).test(
                current, None, self.today
            )
            self._level(section.fields, current, current, "", None, shown)
        return current

    def _level(
        self,
        fields: tuple[Field, ...],
        values: dict,
        root: dict,
        prefix: str,
        row: dict | None,
        shown: bool,
    ) -> None:
        for spec in fields:
            path = f"{prefix}{spec.key}"
            visible = shown and (
                spec.visible_if is None
                or compile_expression(spec.visible_if).test(root, row, self.today)
            )
            if not visible:
                values.pop(spec.key, None)
                if spec.other:
                    values.pop(spec.other_key, None)
                continue
            self.visible.add(path)
            if spec.type == "computed":
                value = _json_ready(
                    compile_expression(spec.compute or "null").evaluate(root, row, self.today),
                    spec.param("format"),
                )
                if value is None:
                    values.pop(spec.key, None)
                else:
                    self.computed[path] = value
                    values[spec.key] = value
            elif spec.type == "group":
                inner = values.get(spec.key)
                if not isinstance(inner, dict):
                    inner = {}
                self._level(spec.children, inner, root, f"{path}.", row, True)
                if inner:
                    values[spec.key] = inner
                else:
                    values.pop(spec.key, None)
            elif spec.type == "repeat":
                rows = values.get(spec.key)
                if not isinstance(rows, list):
                    continue
                for number, item in enumerate(rows):
                    self._level(spec.children, item, root, f"{path}.{number}.", item, True)
            elif spec.other:
                chosen = values.get(spec.key)
                picked = chosen == "other" if spec.type == "choice" else "other" in (chosen or [])
                if not picked:
                    values.pop(spec.other_key, None)

    # --- pass 3: required, limits, validators -------------------------------------------

    def check(self, locale: str | None = None) -> None:
        self._check_level(self.defn.fields, self.data, "", None)
        if self.draft:
            return
        for number, validator in enumerate(self.defn.validators):
            if any(p in self.errors for p in validator.fields):
                continue
            if not compile_expression(validator.rule).test(self.data, None, self.today):
                message = self.own_message(f"validators.{number}", validator.message)
                for path in validator.fields or ("",):
                    self.error(path, message)

    def _check_level(
        self, fields: tuple[Field, ...], values: Mapping[str, Any], prefix: str, row: Any
    ) -> None:
        _ = self._
        for spec in fields:
            path = f"{prefix}{spec.key}"
            if path not in self.visible or not spec.stored or spec.type == "computed":
                continue
            value = values.get(spec.key)
            if path in self.errors:
                continue
            required = spec.required or (
                spec.required_if is not None
                and compile_expression(spec.required_if).test(self.data, row, self.today)
            )
            empty = (
                value is None
                or value == []
                or value == {}
                or (spec.type == "boolean" and value is False)
            )
            if spec.type == "repeat":
                rows = value or []
                low = spec.param("min_items", 0) or (1 if required else 0)
                if not self.draft and len(rows) < low:
                    self.error(
                        path,
                        _("This field is required.")
                        if low == 1
                        else _("Please add at least %(min)s rows.", min=low),
                    )
                for number, item in enumerate(rows):
                    self._check_level(spec.children, item, f"{path}.{number}.", item)
                continue
            if spec.type == "group":
                self._check_level(spec.children, value or {}, f"{path}.", row)
                continue
            if empty:
                if required and not self.draft:
                    if spec.type == "boolean":
                        self.error(path, _("Please tick this box."))
                    elif spec.type in WITH_OPTIONS:
                        self.error(path, _("Please choose an option."))
                    else:
                        self.error(path, _("This field is required."))
                continue
            assert value is not None  # empty answers were handled above
            if spec.type == "multi":
                low, high = spec.param("min_selected"), spec.param("max_selected")
                if low is not None and len(value) < low and not self.draft:
                    self.error(path, _("Please choose at least %(min)s options.", min=low))
                if high is not None and len(value) > high:
                    self.error(path, _("Please choose at most %(max)s options.", max=high))
            if spec.other and not self.draft:
                picked = value == "other" if spec.type == "choice" else "other" in value
                if picked and not values.get(spec.other_key):
                    other_path = f"{prefix}{spec.other_key}"
                    self.error(other_path, _("Please describe the other answer."))
            if spec.type == "date":
                low = self._date_bound(spec, "min", row)
                high = self._date_bound(spec, "max", row)
                day = as_date(value)
                if day is not None and low is not None and day < low:
                    self.error(
                        path,
                        _(
                            "Please enter a date on or after %(start)s.",
                            start=low.strftime("%d.%m.%Y"),
                        ),
                    )
                elif day is not None and high is not None and day > high:
                    self.error(
                        path,
                        _(
                            "Please enter a date on or before %(end)s.",
                            end=high.strftime("%d.%m.%Y"),
                        ),
                    )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
        return int(value)
    return None


def _json_ready(value: Any, fmt: str | None = None) -> Any:
    """A computed value as stored: numbers (Decimal → int/float), ISO dates, text, booleans."""
    if fmt == "boolean":
        return bool(value) if value is not None else None
    if fmt == "text":
        return None if value is None else str(_json_ready(value))
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if (
        fmt == "number"
        and not isinstance(value, int | float)
        or isinstance(value, bool)
        and fmt == "number"
    ):
        return None
    return value


# --- the public functions --------------------------------------------------------------------


def _today(context: Mapping[str, Any] | None) -> date | None:
    today = (context or {}).get("today")
    return today if isinstance(today, date) else None


def analyse(defn: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None) -> _Run:
    """One draft-mode pass over ``answers``: ``.data`` (typed, hidden answers dropped),
    ``.visible`` (paths), ``.computed``, ``.errors`` (type errors only), ``.today``."""
    return _Run(defn, answers, today=today, draft=True, field_types=None)


def visible_paths(
    defn: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None
) -> set[str]:
    """Paths of the fields shown for ``answers``: top-level and group paths (``g.f``), the repeat
    itself and its rows' fields (``kinder.0.alter``). A field inside a hidden section, group or
    repeat is hidden."""
    return _Run(defn, answers, today=today, draft=True, field_types=None).visible


def compute(
    defn: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """Path → value of every visible computed field, in form order (a computed field may read an
    earlier one)."""
    return _Run(defn, answers, today=today, draft=True, field_types=None).computed


def validate(
    defn: FormDefinition,
    raw: Mapping[str, Any],
    *,
    context: Mapping[str, Any] | None = None,
    draft: bool = False,
    field_types: Mapping[str, Any] | None = None,
) -> FormResult:
    """Check ``raw`` answers (JSON-like: strings from a form or typed JSON values). ``context``:
    ``today`` (a date, default the real day), ``locale`` (for the definition's own messages,
    default German). ``draft=True`` skips the rules that ask for an answer (required,
    required-if, min_selected, min_items, validators) so a half-filled draft can be saved; types
    and limits are still checked. ``field_types``: the tenant's ``FieldType`` providers by key,
    for fields of a plugin type. Unknown keys are refused."""
    locale = (context or {}).get("locale")
    run = _Run(
        defn, raw, today=_today(context), draft=draft, field_types=field_types, locale=locale
    )
    run.check()
    return FormResult(data=run.data, computed=run.computed, errors=run.errors)


def parse_formdata(defn: FormDefinition, formdata: Any) -> dict[str, Any]:
    """An HTML post (a werkzeug ``MultiDict``) as raw answers: ``multi`` fields from repeated
    names, a group's children as ``group-child``, repeat rows as ``key-0-child`` (rows left
    completely empty are dropped, and the row named by a pressed "remove" button), a checkbox
    as true when ticked. Values stay text; :func:`validate` types them."""
    removed = str(formdata.get(REMOVE_BUTTON) or "")
    return _parse_level(defn.fields, formdata, "", removed)


#: Names of the submit buttons that add or remove repeat rows without JavaScript.
ADD_BUTTON = "_add_row"
REMOVE_BUTTON = "_remove_row"


def _parse_level(fields: tuple[Field, ...], formdata: Any, prefix: str, removed: str) -> dict:
    out: dict[str, Any] = {}
    for spec in fields:
        name = f"{prefix}{spec.key}"
        if not spec.stored or spec.type == "computed":
            continue
        if spec.type == "group":
            inner = _parse_level(spec.children, formdata, f"{name}-", removed)
            if inner:
                out[spec.key] = inner
        elif spec.type == "repeat":
            numbers = sorted(
                {
                    int(m[1])
                    for key in formdata.keys()
                    if (m := re.match(rf"^{re.escape(name)}-(\d{{1,3}})-", key))
                }
            )
            rows = []
            for number in numbers:
                if f"{name}-{number}" == removed:
                    continue
                row = _parse_level(spec.children, formdata, f"{name}-{number}-", removed)
                if any(_filled(v) for v in row.values()):
                    rows.append(row)
            if rows or numbers:
                out[spec.key] = rows
        elif spec.type == "multi":
            values = [v for v in formdata.getlist(name) if v != ""]
            if values or name in formdata:
                out[spec.key] = values
        elif spec.type == "boolean":
            if name in formdata:
                out[spec.key] = formdata.get(name) not in ("", "0", "false", "off")
        elif name in formdata:
            out[spec.key] = formdata.get(name)
        if spec.other:
            other = f"{prefix}{spec.other_key}"
            if spec.other == 2:
                lines = [v for v in formdata.getlist(other) if v.strip()]
                if lines:
                    out[spec.other_key] = lines
            elif formdata.get(other, "").strip():
                out[spec.other_key] = formdata.get(other)
    return out


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return value is not None and value is not False


def row_action(formdata: Any) -> tuple[str, str] | None:
    """``("add", path)`` or ``("remove", "path-n")`` when a repeat's row button was pressed
    (the view then shows the form again instead of saving), else ``None``."""
    if formdata.get(ADD_BUTTON):
        return ("add", str(formdata.get(ADD_BUTTON)))
    if formdata.get(REMOVE_BUTTON):
        return ("remove", str(formdata.get(REMOVE_BUTTON)))
    return None


def repeat_rows(defn: FormDefinition, formdata: Any, path: str) -> int:
    """How many rows the repeat at ``path`` (the form name: ``group-kinder`` inside a group)
    shows after this post: the filled rows, one more when its "Weitere Zeile" button was
    pressed, at least ``min_items`` and at least one."""
    spec = defn.field(path.replace("-", "."))
    answers = parse_formdata(defn, formdata)
    value: Any = answers
    for part in path.split("-"):
        value = value.get(part) if isinstance(value, dict) else None
    filled = len(value) if isinstance(value, list) else 0
    extra = 1 if formdata.get(ADD_BUTTON) == path else 0
    return max(filled + extra, spec.param("min_items", 0), 1)


def rows_to_show(defn: FormDefinition, formdata: Any = None) -> dict[str, int]:
    """:func:`repeat_rows` for every repeat of ``defn`` by form name (for the macros)."""
    if formdata is None:
        return {}
    return {
        path.replace(".", "-"): repeat_rows(defn, formdata, path.replace(".", "-"))
        for path, spec in defn.walk()
        if spec.type == "repeat"
    }


def prefill(defn: FormDefinition, sources: Mapping[str, Any]) -> dict[str, Any]:
    """Answers for a new draft from ``sources`` (``{"person": …, "case": …, "tenant": …, "user":
    …, "consent": {"processing": bool}}``) following the definition's ``prefill`` map and the
    fields' ``prefill``. Only the attributes in ``definitions.PREFILL_SOURCES`` are read; a
    value that does not fit the field is left out."""
    wanted = dict(defn.prefill)
    for path, spec in defn.walk():
        if spec.prefill and path not in wanted:
            wanted[path] = spec.prefill
    raw: dict[str, Any] = {}
    for path, source in wanted.items():
        if (
            not defn.has_field(path)
            or "." in path
            and defn.field(path.rsplit(".", 1)[0]).type == "repeat"
        ):
            continue
        value = _source_value(source, sources)
        if value is None or value == "":
            continue
        spec = defn.field(path)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            value = value.isoformat()
        if spec.type == "multi" and isinstance(value, str):
            value = [value]
        if spec.type in ("text", "textarea") and isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        target = raw
        parts = path.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    run = _Run(defn, raw, today=None, draft=True, field_types=None)
    data = run.data
    for path in run.errors:  # a value that does not fit is not offered
        _drop(data, path.split("."))
    return {
        k: v for k, v in data.items() if not defn.has_field(k) or defn.field(k).type != "computed"
    }


def _drop(data: dict, parts: list[str]) -> None:
    for part in parts[:-1]:
        data = data.get(part) if isinstance(data, dict) else None  # type: ignore[assignment]
        if data is None:
            return
    if isinstance(data, dict):
        data.pop(parts[-1], None)


def _source_value(source: str, sources: Mapping[str, Any]) -> Any:
    if source == "today":
        return date.today()
    kind, _, attribute = source.partition(".")
    if (
        attribute
        not in PREFILL_SOURCES.get(kind, frozenset()) | PREFILL_ALIASES.get(kind, {}).keys()
    ):
        return None
    attribute = PREFILL_ALIASES.get(kind, {}).get(attribute, attribute)
    holder = sources.get(kind)
    if holder is None:
        return None
    if isinstance(holder, Mapping):
        return holder.get(attribute)
    return getattr(holder, attribute, None)


# --- schemas ---------------------------------------------------------------------------------


def schema_for(defn: FormDefinition, *, field_types: Mapping[str, Any] | None = None) -> Any:
    """The marshmallow schema class of ``defn`` (used by the API and by ``core.schemas.load``):
    its fields describe the answers (OpenAPI), its ``load`` runs :func:`validate` and raises the
    flat error shape. ``load(…, partial=True)`` checks a draft. ``field_types``: the tenant's
    plugin types, as for :func:`validate`."""
    from marshmallow import ValidationError as MarshmallowError

    from core.schemas import LotseSchema

    types = dict(field_types or {})

    class FormSchema(LotseSchema):
        definition = defn

        def load(self, data, *, many=None, partial=None, unknown=None, **kwargs):
            result = validate(defn, data, draft=bool(partial), field_types=types)
            if result.errors:
                raise MarshmallowError(result.errors)
            return result.data

    attrs = _schema_fields(defn.fields, types, f"Form_{defn.key}_{defn.version}")
    name = f"Form_{defn.key.replace('.', '_')}_{defn.version}"
    return type(name, (FormSchema,), attrs)


def _schema_fields(fields: tuple[Field, ...], types: Mapping[str, Any], name: str) -> dict:
    from marshmallow import fields as mf
    from marshmallow import validate as mv

    from core.schemas import LotseSchema, Text

    out: dict[str, Any] = {}
    for spec in fields:
        if not spec.stored:
            continue
        keys = [o.key for o in spec.options] + (["other"] if spec.other else [])
        meta: dict[str, Any] = {
            "metadata": {"title": spec.label, **({"description": spec.help} if spec.help else {})}
        }
        kind = spec.type
        field_: Any
        if kind in ("text", "textarea"):
            field_ = Text(
                max_length=TEXTAREA_MAX if kind == "textarea" else TEXT_MAX, allow_none=True, **meta
            )
        elif kind == "email":
            field_ = mf.Email(allow_none=True, **meta)
        elif kind == "number":
            field_ = (
                mf.Float(allow_none=True, **meta)
                if spec.param("decimal")
                else mf.Integer(allow_none=True, **meta)
            )
        elif kind == "scale":
            field_ = mf.Integer(
                allow_none=True,
                validate=mv.Range(spec.param("min", 1), spec.param("max", 5)),
                **meta,
            )
        elif kind == "date":
            field_ = mf.Date(allow_none=True, **meta)
        elif kind == "time":
            field_ = mf.String(allow_none=True, validate=mv.Regexp(_TIME.pattern), **meta)
        elif kind == "boolean":
            field_ = mf.Boolean(allow_none=True, **meta)
        elif kind == "choice":
            field_ = mf.String(allow_none=True, validate=mv.OneOf(keys), **meta)
        elif kind == "multi":
            field_ = mf.List(mf.String(validate=mv.OneOf(keys)), allow_none=True, **meta)
        elif kind == "computed":
            field_ = mf.Raw(dump_only=True, **meta)
        elif kind in ("group", "repeat"):
            child = type(
                f"{name}_{spec.key}",
                (LotseSchema,),
                _schema_fields(spec.children, types, f"{name}_{spec.key}"),
            )
            field_ = (
                mf.Nested(child, allow_none=True, **meta)
                if kind == "group"
                else mf.List(mf.Nested(child), allow_none=True, **meta)
            )
        elif kind in types:
            field_ = types[kind].schema_field(spec)
        else:
            continue
        out[spec.key] = field_
        if spec.other:
            out[spec.other_key] = (
                mf.List(mf.String(), allow_none=True)
                if spec.other == 2
                else mf.String(allow_none=True)
            )
    return out


def json_schema(defn: FormDefinition, *, locale: str = "de") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the answers: titles are the labels (German by default),
    enums the option keys; what JSON Schema cannot say is kept as ``x-lotse-visible-if``,
    ``x-lotse-required-if``, ``x-lotse-compute``, ``x-lotse-validators``, ``x-lotse-sections``."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:lotse:form:{defn.key}:{defn.version}",
        "title": defn.label("title", locale),
        "type": "object",
        "x-lotse-form": {"key": defn.key, "version": defn.version, "attaches_to": defn.attaches_to},
    }
    if defn.description:
        schema["description"] = defn.label("description", locale)
    properties, required = _json_level(defn, defn.fields, "", locale)
    for section in defn.sections:
        if section.visible_if:
            for spec in section.fields:
                if spec.key in properties:
                    rule = properties[spec.key].get("x-lotse-visible-if")
                    properties[spec.key]["x-lotse-visible-if"] = (
                        f"({section.visible_if}) and ({rule})" if rule else section.visible_if
                    )
    schema["properties"] = properties
    schema["additionalProperties"] = False
    conditional = {f.key for s in defn.sections if s.visible_if for f in s.fields}
    required = [key for key in required if key not in conditional]
    if required:
        schema["required"] = required
    schema["x-lotse-sections"] = [
        {
            "key": s.key,
            "title": defn.label(f"sections.{s.key}", locale),
            "fields": [f.key for f in s.fields],
            **({"visible_if": s.visible_if} if s.visible_if else {}),
        }
        for s in defn.sections
    ]
    if defn.validators:
        schema["x-lotse-validators"] = [
            {
                "rule": v.rule,
                "message": defn.label(f"validators.{n}", locale),
                "fields": list(v.fields),
            }
            for n, v in enumerate(defn.validators)
        ]
    return schema


def _json_level(
    defn: FormDefinition, fields: tuple[Field, ...], prefix: str, locale: str
) -> tuple[dict[str, Any], list[str]]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in fields:
        if not spec.stored:
            continue
        path = f"{prefix}{spec.key}"
        node: dict[str, Any] = {"title": defn.label(path, locale)}
        if spec.help:
            node["description"] = defn.label(f"{path}.help", locale)
        keys = [o.key for o in spec.options] + (["other"] if spec.other else [])
        kind = spec.type
        if kind in ("text", "textarea"):
            limit = TEXTAREA_MAX if kind == "textarea" else TEXT_MAX
            node |= {
                "type": "string",
                "maxLength": min(int(spec.param("max_length", limit)), limit),
            }
            if spec.param("pattern"):
                node["pattern"] = str(spec.param("pattern"))
        elif kind == "email":
            node |= {"type": "string", "format": "email", "maxLength": 254}
        elif kind in ("number", "scale"):
            node["type"] = "number" if spec.param("decimal") else "integer"
            low = spec.param("min", 1 if kind == "scale" else None)
            high = spec.param("max", 5 if kind == "scale" else None)
            if low is not None:
                node["minimum"] = low
            if high is not None:
                node["maximum"] = high
            if spec.param("unit"):
                node["x-lotse-unit"] = spec.param("unit")
        elif kind == "date":
            node |= {"type": "string", "format": "date"}
            for bound in ("min", "max"):
                if spec.param(bound) is not None:
                    node[f"x-lotse-{bound}"] = str(spec.param(bound))
        elif kind == "time":
            node |= {"type": "string", "pattern": _TIME.pattern}
        elif kind == "boolean":
            node["type"] = "boolean"
        elif kind == "choice":
            node |= {"type": "string", "enum": keys}
            node["x-lotse-option-labels"] = {
                o.key: defn.label(f"{path}.options.{o.key}", locale) for o in spec.options
            }
        elif kind == "multi":
            node |= {"type": "array", "items": {"enum": keys}, "uniqueItems": True}
            node["x-lotse-option-labels"] = {
                o.key: defn.label(f"{path}.options.{o.key}", locale) for o in spec.options
            }
            if spec.param("min_selected") is not None:
                node["minItems"] = spec.param("min_selected")
            if spec.param("max_selected") is not None:
                node["maxItems"] = spec.param("max_selected")
        elif kind == "computed":
            node |= {"readOnly": True, "x-lotse-compute": spec.compute}
        elif kind in ("group", "repeat"):
            inner, inner_required = _json_level(defn, spec.children, f"{path}.", locale)
            obj: dict[str, Any] = {
                "type": "object",
                "properties": inner,
                "additionalProperties": False,
            }
            if inner_required:
                obj["required"] = inner_required
            if kind == "group":
                node |= obj
            else:
                node |= {
                    "type": "array",
                    "items": obj,
                    "maxItems": spec.param("max_items", DEFAULT_MAX_ITEMS),
                }
                if spec.param("min_items"):
                    node["minItems"] = spec.param("min_items")
        else:
            node["x-lotse-type"] = kind
        if spec.visible_if:
            node["x-lotse-visible-if"] = spec.visible_if
        if spec.required_if:
            node["x-lotse-required-if"] = spec.required_if
        if spec.internal:
            node["x-lotse-internal"] = True
        if spec.sensitive:
            node["x-lotse-sensitive"] = spec.sensitive
        properties[spec.key] = node
        if spec.required and not spec.visible_if and kind != "computed":
            required.append(spec.key)
        if spec.other:
            properties[spec.other_key] = (
                {"type": "array", "items": {"type": "string", "maxLength": TEXT_MAX}, "maxItems": 2}
                if spec.other == 2
                else {"type": "string", "maxLength": TEXT_MAX}
            ) | {"title": f"{defn.label(path, locale)}: {defn.label(f'{path}.other', locale)}"}
    return properties, required


# --- personas --------------------------------------------------------------------------------


def run_personas(
    defn: FormDefinition,
    *,
    field_types: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[str]:
    """Run every persona of ``defn`` through :func:`validate`; the problems as plain sentences
    (empty: every persona behaves as its ``expect`` says)."""
    problems = []
    for persona in defn.personas:
        problems += persona_problems(defn, persona, field_types=field_types, today=today)
    return problems


def persona_problems(
    defn: FormDefinition,
    persona: Any,
    *,
    field_types: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[str]:
    """What is wrong with one persona (empty: it behaves as expected)."""
    expect = persona.expect
    result = validate(
        defn, persona.answers, context={"today": today} if today else None, field_types=field_types
    )
    who = f"persona {persona.name!r}"
    problems = []
    found = "; ".join(f"{p or 'form'}: {' '.join(m)}" for p, m in sorted(result.errors.items()))
    if "valid" in expect and expect["valid"] != result.valid:
        if expect["valid"]:
            problems.append(f"{who} should be valid, but has errors ({found})")
        else:
            problems.append(f"{who} should be invalid, but the engine accepts it")
    for path in expect.get("errors") or []:
        if not _has_error(result.errors, str(path)):
            problems.append(f"{who}: expected an error at {path!r}, got {found or 'none'}")
    for path, wanted in (expect.get("computed") or {}).items():
        got = result.computed.get(path)
        if not _same(got, wanted):
            problems.append(f"{who}: computed {path!r} is {got!r}, expected {wanted!r}")
    visible = visible_paths(defn, persona.answers, today=today)
    for path in expect.get("visible") or []:
        if path not in visible:
            problems.append(f"{who}: {path!r} should be visible")
    for path in expect.get("hidden") or []:
        if path in visible:
            problems.append(f"{who}: {path!r} should be hidden")
    return problems


def _has_error(errors: Mapping[str, Any], path: str) -> bool:
    if path in ("", "_form"):
        return "" in errors
    for key in errors:
        bare = ".".join(p for p in key.split(".") if not p.isdigit())
        if key == path or bare == path or key.startswith(f"{path}.") or bare.startswith(f"{path}."):
            return True
    return False


def _same(got: Any, wanted: Any) -> bool:
    numbers = (int, float, Decimal)
    if isinstance(got, numbers) and isinstance(wanted, numbers):
        if isinstance(got, bool) or isinstance(wanted, bool):
            return got is wanted
        return abs(float(got) - float(wanted)) < 1e-9
    if isinstance(wanted, date):
        return got == wanted.isoformat()
    return bool(got == wanted)


__all__ = [
    "ADD_BUTTON",
    "analyse",
    "REMOVE_BUTTON",
    "FormResult",
    "persona_problems",
    "row_action",
    "rows_to_show",
    "compute",
    "json_schema",
    "parse_formdata",
    "prefill",
    "repeat_rows",
    "run_personas",
    "schema_for",
    "validate",
    "visible_paths",
]
