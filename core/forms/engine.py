"""The form engine: from raw answers (an HTML post or a JSON body) to checked, typed answers.

One pass does everything in the order a person reads the form: which fields are visible (hidden
fields are neither checked nor kept), each answer's type, the required and required-if rules,
options and "other" texts, limits, repeat rows, computed values, then the form's validators.
Messages are German through flask-babel. The marshmallow schema of the API and the JSON Schema of
a definition are generated here too, so the HTML form, the API and the published schema can never
disagree. No database access: the caller passes what it knows (``context``, ``sources``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.forms.definitions import FormDefinition

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


def visible_paths(
    defn: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None
) -> set[str]:
    """Paths of the fields shown for ``answers``: top-level and group paths (``g.f``), the repeat
    itself and its rows' fields (``kinder.0.alter``). A field inside a hidden section, group or
    repeat is hidden."""
    raise NotImplementedError


def compute(
    defn: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """Path → value of every visible computed field, in form order (a computed field may read an
    earlier one)."""
    raise NotImplementedError


def validate(
    defn: FormDefinition,
    raw: Mapping[str, Any],
    *,
    context: Mapping[str, Any] | None = None,
    draft: bool = False,
    field_types: Mapping[str, Any] | None = None,
) -> FormResult:
    """Check ``raw`` answers (JSON-like: strings from a form or typed JSON values). ``context``:
    ``today`` (a date, default the real day). ``draft=True`` skips the rules that ask for an
    answer (required, required-if, min_selected, min_items, validators) so a half-filled draft can
    be saved; types and limits are still checked. ``field_types``: the tenant's
    ``FieldType`` providers by key, for fields of a plugin type. Unknown keys are refused."""
    raise NotImplementedError


def parse_formdata(defn: FormDefinition, formdata: Any) -> dict[str, Any]:
    """An HTML post (a werkzeug ``MultiDict``) as raw answers: ``multi`` fields from repeated
    names, a group's children as ``group-child``, repeat rows as ``key-0-child`` (rows left
    completely empty are dropped), booleans from a ticked checkbox. Values stay text;
    :func:`validate` types them."""
    raise NotImplementedError


def repeat_rows(defn: FormDefinition, formdata: Any, path: str) -> int:
    """How many rows the repeat at ``path`` shows after this post: the posted rows, one more when
    the "Weitere Zeile" button (``_add=<path>``) was pressed, one less for ``_remove=<path>-<n>``
    (the page re-renders without JavaScript)."""
    raise NotImplementedError


def prefill(defn: FormDefinition, sources: Mapping[str, Any]) -> dict[str, Any]:
    """Answers for a new draft from ``sources`` (``{"person": …, "case": …, "tenant": …, "user":
    …, "consent": {"processing": bool}}``) following the definition's ``prefill`` map and the
    fields' ``prefill``. Only the attributes in ``definitions.PREFILL_SOURCES`` are read."""
    raise NotImplementedError


def schema_for(defn: FormDefinition, *, field_types: Mapping[str, Any] | None = None) -> Any:
    """The marshmallow schema class of ``defn`` (used by the API and by ``core.schemas.load``):
    its fields describe the answers (OpenAPI), its ``load`` runs :func:`validate` and raises the
    flat error shape. ``field_types``: the tenant's plugin types, as for :func:`validate`."""
    raise NotImplementedError


def json_schema(defn: FormDefinition, *, locale: str = "de") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the answers: titles are the labels (German by default),
    enums the option keys; what JSON Schema cannot say is kept as ``x-lotse-visible-if``,
    ``x-lotse-required-if``, ``x-lotse-compute``, ``x-lotse-validators``."""
    raise NotImplementedError


def run_personas(
    defn: FormDefinition,
    *,
    field_types: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[str]:
    """Run every persona of ``defn`` through :func:`validate`; the problems as plain sentences
    (empty: every persona behaves as its ``expect`` says)."""
    return []  # interface commit: personas run once validate() exists


__all__ = [
    "FormResult",
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
