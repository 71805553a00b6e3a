"""Turn marshmallow's English validation messages into translated ones for forms.

marshmallow formats its messages before we see them, so they are matched by pattern; anything
unknown is passed through unchanged (and shows up in the i18n completeness test's sample run).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

_PATTERNS = [
    (re.compile(r"^Missing data for required field\.$"), lambda m: _("This field is required.")),
    (re.compile(r"^Field may not be null\.$"), lambda m: _("This field is required.")),
    (
        re.compile(r"^Not a valid email address\.$"),
        lambda m: _("Please enter a valid e-mail address."),
    ),
    (re.compile(r"^Not a valid date\.$"), lambda m: _("Please enter a valid date.")),
    (re.compile(r"^Not a valid integer\.$"), lambda m: _("Please enter a whole number.")),
    (re.compile(r"^Not a valid number\.$"), lambda m: _("Please enter a number.")),
    (re.compile(r"^Not a valid boolean\.$"), lambda m: _("Please choose yes or no.")),
    (re.compile(r"^Not a valid string\.$"), lambda m: _("Please enter text.")),
    (re.compile(r"^Not a valid list\.$"), lambda m: _("Please enter a list.")),
    (re.compile(r"^Unknown field\.$"), lambda m: _("This field is not allowed.")),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        lambda m: _("Please enter at least %(n)s characters.", n=m[1]),
    ),
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        lambda m: _("Please enter at most %(n)s characters.", n=m[1]),
    ),
    (
        re.compile(r"^Length must be between 1 and (\d+)\.$"),
        lambda m: _("Please fill in this field (at most %(max)s characters).", max=m[1]),
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        lambda m: _("Please enter between %(min)s and %(max)s characters.", min=m[1], max=m[2]),
    ),
    (re.compile(r"^Must be one of: .*\.$"), lambda m: _("Please choose a value from the list.")),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        lambda m: _("Please enter a number between %(min)s and %(max)s.", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        lambda m: _("Please enter a number of at least %(min)s.", min=m[1]),
    ),
    (
        re.compile(r"^Must be less than or equal to (\S+)\.$"),
        lambda m: _("Please enter a number of at most %(max)s.", max=m[1]),
    ),
    (re.compile(r"^Not a valid mapping type\.$"), lambda m: _("Please send an object.")),
    (re.compile(r"^Invalid input type\.$"), lambda m: _("Please send an object.")),
]


def translate_message(message: str) -> str:
    for pattern, make in _PATTERNS:
        match = pattern.match(message)
        if match:
            return make(match)
    return message


def form_errors(messages) -> dict[str, list[str]]:
    """marshmallow ``ValidationError.messages`` → ``{field: [translated, …]}`` (lists flattened)."""
    out: dict[str, list[str]] = {}
    for field, value in (messages or {}).items():
        flat: list[str] = []
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list | tuple):
                stack.extend(reversed(item))
            else:
                flat.append(translate_message(str(item)))
        out[str(field)] = flat
    return out
