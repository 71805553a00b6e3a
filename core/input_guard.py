"""One central guard against input no view is written for (audit item "no 500 for any input").

Runs before tenant resolution and before every view, for HTML and API alike:

* NUL bytes and lone UTF-16 surrogates anywhere in the path, query string, form or JSON body
  (PostgreSQL refuses NUL in text; no database stores a lone surrogate) → 400;
* JSON nested deeper than :data:`MAX_JSON_DEPTH` (Python's parser would overflow its stack) → 400;
* integers that no id, page or version column can hold (PostgreSQL ``integer`` is 32-bit) → 400,
  naming the field; in the URL (``<int:…>``) the same bound makes an out-of-range id a plain 404;
* ISO dates outside the years 1000–8999 (9999-12-31 would overflow every deadline computed
  from it, here or in a nightly job) → 400, naming the field;
* a malformed ``Host`` header → 400.

As a last net, :class:`OverflowError` (date arithmetic near 0001-01-01/9999-12-31, too large
numbers for SQLite) and the database's "value out of range" answer a 400 instead of a 500.
"""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: The largest value of a PostgreSQL ``integer`` (ids, page numbers, versions).
MAX_INT = 2**31 - 1
MAX_JSON_DEPTH = 32

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)
_DIGITS = re.compile(r"^\s*[+-]?\d+\s*$")
#: An ISO date (or date-time) at the start of a value; its year must lie in [MIN_YEAR, MAX_YEAR].
_ISO_DATE = re.compile(r"^\s*([0-9]{4})-[0-9]{2}-[0-9]{2}(?:$|[T ])")
#: Far from any real date but far enough from 0001/9999 that deadlines, retention periods and
#: reminders computed from it (also in nightly jobs) never overflow Python's calendar. Plausibility
#: (a birth date in the future …) stays with the services, which answer in the form itself.
MIN_YEAR, MAX_YEAR = 1000, 8999


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only what the database can hold: a larger id is not found (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


class BadInput(BadRequest):
    """A 400 with a specific, translated message and (for the API) the offending fields."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(description=message)
        self.lotse_message = message
        self.data = {"messages": errors} if errors else {}


def _numeric_name(name: str) -> bool:
    """Parameters that by convention carry an id, a page number or a version."""
    return name in ("id", "page", "per_page", "version") or name.endswith("_id")


def _too_big(value: str) -> bool:
    """A decimal string beyond :data:`MAX_INT` (checked by length first: ``int()`` of thousands
    of digits is itself refused by Python)."""
    if not _DIGITS.match(value):
        return False
    digits = value.strip().lstrip("+-").lstrip("0")
    return len(digits) > 10 or (bool(digits) and int(digits) > MAX_INT)


def _date_out_of_range(value: str) -> bool:
    match = _ISO_DATE.match(value)
    return match is not None and not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR


def _date_problem() -> str:
    return _("Please enter a date between %(start)d and %(end)d.", start=MIN_YEAR, end=MAX_YEAR)


def _text_problem() -> str:
    return _(
        "The input contains characters that cannot be processed (control characters or invalid "
        "Unicode)."
    )


def _range_problem() -> str:
    return _("A number is outside the supported range.")


def check_request(endpoint=None, values=None) -> None:
    """URL value preprocessor (registered before tenant resolution, so it sees input first)."""
    if not _HOST.match(request.host or ""):
        raise BadInput(_("The Host header of the request is not valid."))
    if _BAD_TEXT.search(request.path) or _BAD_TEXT.search(request.headers.get("User-Agent", "")):
        raise BadInput(_text_problem())  # the user agent is stored with the sign-in session
    for location, multidict in (("query", request.args), ("form", request.form)):
        errors: dict[str, list[str]] = {}
        for key, value in multidict.items(multi=True):
            if _BAD_TEXT.search(key) or _BAD_TEXT.search(value):
                errors.setdefault(_safe_key(key), []).append(_text_problem())
            elif _numeric_name(key) and _too_big(value):
                errors.setdefault(key, []).append(_range_problem())
            elif _date_out_of_range(value):
                errors.setdefault(key, []).append(_date_problem())
        if errors:
            raise BadInput(next(iter(errors.values()))[0], {location: errors})
    if request.is_json and request.content_length != 0:
        _check_json()


def _safe_key(key: str) -> str:
    return _BAD_TEXT.sub("\ufffd", key)


def _check_json() -> None:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadInput(_("The JSON body is nested too deeply.")) from None
    if body is None:
        return  # not JSON at all: the view's parser answers with its own 400/422
    errors: dict = {}
    stack = [(body, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(_("The JSON body is nested too deeply."))
        if isinstance(value, dict):
            for key, item in value.items():
                if _BAD_TEXT.search(key):
                    errors.setdefault(_safe_key(key), []).append(_text_problem())
                    continue
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}.{index}" if path else str(index), depth + 1))
        elif isinstance(value, str):
            if _BAD_TEXT.search(value):
                errors.setdefault(path or "_body", []).append(_text_problem())
            elif _numeric_name(path.rsplit(".", 1)[-1]) and _too_big(value):
                errors.setdefault(path, []).append(_range_problem())
            elif _date_out_of_range(value):
                errors.setdefault(path or "_body", []).append(_date_problem())
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            errors.setdefault(path or "_body", []).append(_range_problem())
        elif isinstance(value, float) and (
            value != value or value in (float("inf"), float("-inf"))
        ):
            errors.setdefault(path or "_body", []).append(_range_problem())
    if errors:
        raise BadInput(next(iter(errors.values()))[0], {"json": errors})


def init_input_guard(app) -> None:
    """Install the guard; call before tenant resolution and before blueprints are registered."""
    from sqlalchemy.exc import DataError

    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_value_preprocessor(check_request)

    @app.errorhandler(OverflowError)
    def _overflow(exc):
        return app.handle_user_exception(_wrap(exc))

    @app.errorhandler(DataError)
    def _data_error(exc):
        # e.g. PostgreSQL "integer out of range" / "date out of range": the input, not the server.
        return app.handle_user_exception(_wrap(exc))


def _wrap(exc) -> BadInput:
    from core.db import db

    db.session.rollback()
    if isinstance(exc, OverflowError):
        wrapped = BadInput(_("A date or number is outside the supported range."))
    else:
        wrapped = BadInput(_("A value is too long or outside the supported range."))
    wrapped.__cause__ = exc
    return wrapped
