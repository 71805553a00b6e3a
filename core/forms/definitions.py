"""Form definitions: the frozen data a plugin ships (docs/forms.md), read from YAML and checked.

A definition is a tree: sections hold fields, ``group`` and ``repeat`` fields hold children. A
field's *path* is its key, a group or repeat child's ``<parent>.<child>``; answers are nested the
same way (a group is a dict, a repeat a list of dicts). Everything a definition can get wrong —
unknown type, duplicate key, a choice without options, a bad expression or one that names an
unknown field, a persona that answers a field the form does not have — is an
:class:`~core.plugins.providers.ExtensionError` naming the file and the field, raised when the
definition is loaded (start-up), never in front of a user.

``FormDefinition`` lives here, not in :mod:`core.plugins.providers`: the engine reads the plugin
machinery (field types, the hook relay), so the machinery must not read the engine (no import
cycle between packages). Plugins import it from :mod:`core.plugin_api` as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from core.forms.rules import ExpressionError, compile_expression
from core.plugins.providers import BUILTIN_FIELD_TYPES, KEY_PATTERN, Provider

#: Every field type the engine knows (plugins may add more through ``lotse_field_types``).
FIELD_TYPES = BUILTIN_FIELD_TYPES
#: Types whose fields hold no answer (shown on screen or on paper only).
NOT_STORED = frozenset({"info", "signature"})
#: Types that hold children.
CONTAINERS = frozenset({"group", "repeat"})
#: Types that need ``options``.
WITH_OPTIONS = frozenset({"choice", "multi"})
ATTACHES_TO = ("case", "person", "household")
#: Allowed prefill sources: ``<source>.<attribute>`` (and ``today``). The engine reads nothing
#: else from the objects it is given.
PREFILL_SOURCES: dict[str, frozenset[str]] = {
    "person": frozenset(
        {
            "full_name",
            "first_name",
            "last_name",
            "other_names",
            "birth_date",
            "gender",
            "nationality",
            "languages",
            "residence_status",
            "residence_issued_on",
            "residence_valid_until",
            "street",
            "postcode",
            "city",
            "phone",
            "email",
        }
    ),
    "case": frozenset({"number", "opened_on", "phase", "case_type", "topic", "access_path"}),
    "tenant": frozenset({"name", "slug"}),
    "user": frozenset({"display_name", "email"}),
    "consent": frozenset({"processing"}),
}
#: The common keys of every field (the rest are type parameters, kept in ``Field.params``).
COMMON_KEYS = frozenset(
    {
        "key",
        "type",
        "label",
        "help",
        "required",
        "required_if",
        "visible_if",
        "options",
        "other",
        "fields",
        "internal",
        "sensitive",
        "category",
        "print",
        "readonly",
        "prefill",
        "compute",
    }
)
#: Type parameters each built-in type accepts.
TYPE_PARAMS: dict[str, frozenset[str]] = {
    "text": frozenset({"max_length", "pattern", "pattern_message", "placeholder", "width"}),
    "textarea": frozenset({"max_length", "width", "placeholder", "rows"}),
    "email": frozenset({"width", "placeholder"}),
    "number": frozenset({"min", "max", "decimal", "unit", "width"}),
    "date": frozenset({"min", "max", "width"}),
    "time": frozenset({"width"}),
    "boolean": frozenset({"width"}),
    "choice": frozenset({"widget", "width"}),
    "multi": frozenset({"min_selected", "max_selected", "width", "columns"}),
    "scale": frozenset({"min", "max", "labels", "width"}),
    "group": frozenset({"width"}),
    "repeat": frozenset({"min_items", "max_items", "item_label", "width"}),
    "info": frozenset({"text", "width"}),
    "computed": frozenset({"format", "width", "unit"}),
    "signature": frozenset({"width", "place_date"}),
}
#: Default upper bound of repeat rows (a definition may lower or raise it up to HARD_MAX_ITEMS).
DEFAULT_MAX_ITEMS = 50
HARD_MAX_ITEMS = 200
DEFAULT_LOCALE = "de"


@dataclass(frozen=True)
class Option:
    """One option of a ``choice``/``multi`` field: the stored ``key`` and its German ``label``."""

    key: str
    label: str


@dataclass(frozen=True)
class Field:
    """One field. ``other``: 0 = no free text, 1 = an "other" option with one text line stored as
    ``<key>_other``, 2 = two lines (a list). ``children`` are the fields of a group or repeat;
    ``params`` the type's own keys (``max_length``, ``min``, ``labels``, ``item_label`` …)."""

    key: str
    type: str
    label: str = ""
    help: str = ""
    required: bool = False
    required_if: str | None = None
    visible_if: str | None = None
    options: tuple[Option, ...] = ()
    other: int = 0
    children: tuple[Field, ...] = ()
    internal: bool = False
    sensitive: str | None = None
    category: str | None = None
    print: bool = True
    readonly: bool = False
    prefill: str | None = None
    compute: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def stored(self) -> bool:
        """Whether the field holds an answer (``info`` and ``signature`` do not)."""
        return self.type not in NOT_STORED

    @property
    def other_key(self) -> str:
        """Where the free text of the "other" option is stored (beside the field)."""
        return f"{self.key}_other"

    def option_label(self, key: str) -> str:
        for option in self.options:
            if option.key == key:
                return option.label
        return key

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class Section:
    """A fieldset of the form; ``visible_if`` hides all its fields at once."""

    key: str
    title: str = ""
    visible_if: str | None = None
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Validator:
    """A form-level rule: when ``rule`` is false, ``message`` is shown at ``fields`` (or above the
    form when empty)."""

    rule: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Persona:
    """An example submission and what the engine must say about it: ``expect`` holds ``valid``
    (bool), ``errors`` (paths that must carry an error), ``computed`` (path → value) and
    ``visible``/``hidden`` (paths)."""

    name: str
    answers: Mapping[str, Any] = field(default_factory=dict, hash=False)
    expect: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, repr=False)
class FormDefinition(Provider):
    """A versioned, declarative form. ``(key, version)`` is unique; a new version is a new
    definition, so stored submissions stay readable with the version they were made with.

    Built from YAML by :func:`load_form_definitions`, or in Python. ``fields`` is kept for the
    simple Python form (a flat list becomes one untitled section); for a definition built from
    sections it lists the top-level fields of all sections. ``translations`` maps a locale to
    ``{"title": …, "description": …, "labels": {label path: text}}``.
    """

    kind: ClassVar[str] = "form definition"
    key: str
    version: int
    title: str
    fields: tuple[Field, ...] = ()
    description: str = ""
    source: str = ""
    attaches_to: str = "case"
    phases: tuple[str, ...] = ()
    client_facing: bool = False
    retention: str = "client_file"
    category: str = "case_documentation"
    prefill: Mapping[str, str] = field(default_factory=dict, hash=False)
    sections: tuple[Section, ...] = ()
    validators: tuple[Validator, ...] = ()
    personas: tuple[Persona, ...] = ()
    mapping_from_previous: Mapping[str, str | None] | None = field(default=None, hash=False)
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.sections and self.fields:
            object.__setattr__(self, "sections", (Section("main", "", None, tuple(self.fields)),))
        elif self.sections:
            object.__setattr__(
                self, "fields", tuple(f for section in self.sections for f in section.fields)
            )
        object.__setattr__(self, "_index", dict(_walk(self.fields, "")))

    @property
    def identity(self) -> tuple[str, int]:
        return (self.key, self.version)

    # --- reading the tree ---------------------------------------------------------------

    def walk(self) -> Iterator[tuple[str, Field]]:
        """Every field with its path, depth first in form order (children after their parent)."""
        yield from self._index.items()  # type: ignore[attr-defined]

    def field(self, path: str) -> Field:
        """The field at ``path``; row numbers are ignored (``kinder.0.alter`` = ``kinder.alter``).
        Raises ``KeyError`` for an unknown path."""
        index: dict[str, Field] = self._index  # type: ignore[attr-defined]
        found = index.get(path)
        if found is None:
            found = index.get(".".join(p for p in path.split(".") if not p.isdigit()))
        if found is None:
            raise KeyError(path)
        return found

    def has_field(self, path: str) -> bool:
        try:
            self.field(path)
        except KeyError:
            return False
        return True

    def section_of(self, path: str) -> Section:
        top = path.split(".", 1)[0]
        for section in self.sections:
            if any(f.key == top for f in section.fields):
                return section
        raise KeyError(path)

    # --- labels and translations --------------------------------------------------------

    def locales(self) -> tuple[str, ...]:
        """German (the source language) first, then the locales of the shipped translations."""
        return (DEFAULT_LOCALE, *sorted(k for k in self.translations if k != DEFAULT_LOCALE))

    def german(self, path: str) -> str | None:
        """The German text at a label path (see :meth:`label`), or ``None`` when there is none."""
        if path == "title":
            return self.title
        if path == "description":
            return self.description
        if path.startswith("sections."):
            key = path[len("sections.") :]
            return next((s.title for s in self.sections if s.key == key), None)
        if path.startswith("validators."):
            number = path[len("validators.") :]
            if number.isdigit() and int(number) < len(self.validators):
                return self.validators[int(number)].message
            return None
        if self.has_field(path):
            return self.field(path).label
        base, _, attribute = path.rpartition(".")
        if base and self.has_field(base):
            spec = self.field(base)
            if attribute == "help":
                return spec.help
            if attribute in ("text", "item_label", "unit", "placeholder", "pattern_message"):
                value = spec.param(attribute)
                return None if value is None else str(value)
            if attribute == "other":
                return "Sonstiges" if spec.other else None
        head, _, option = path.rpartition(".")
        owner, _, kind = head.rpartition(".")
        if owner and self.has_field(owner):
            spec = self.field(owner)
            if kind == "options":
                return next((o.label for o in spec.options if o.key == option), None)
            if kind == "labels":
                labels = spec.param("labels") or {}
                text = labels.get(option, labels.get(int(option)) if option.isdigit() else None)
                return None if text is None else str(text)
        return None

    def label(self, path: str = "title", locale: str | None = None) -> str:  # type: ignore[override]
        """The text at ``path`` in ``locale``, falling back to German (``label()`` is the title,
        as a provider's label is). Paths: ``title``,
        ``description``, ``sections.<key>``, ``validators.<n>``, ``<field path>``,
        ``<field path>.help``, ``<field path>.options.<key>``, ``<field path>.labels.<n>``,
        ``<field path>.text`` (info), ``<field path>.item_label``. Row numbers are ignored."""
        path = ".".join(p for p in path.split(".") if not p.isdigit()) if "." in path else path
        if locale and locale != DEFAULT_LOCALE:
            translated = self.translated(path, locale)
            if translated:
                return translated
        return self.german(path) or ""

    def translated(self, path: str, locale: str) -> str | None:
        """The translation of ``path`` in ``locale`` only (no fallback)."""
        entry = self.translations.get(locale)
        if not entry:
            return None
        if path in ("title", "description") and entry.get(path):
            return str(entry[path])
        labels = entry.get("labels") or {}
        text = labels.get(path)
        return str(text) if text else None

    def label_paths(self) -> list[str]:
        """Every label path with German text: what a complete translation covers."""
        paths = ["title"] + (["description"] if self.description else [])
        paths += [f"sections.{s.key}" for s in self.sections if s.title]
        paths += [f"validators.{n}" for n in range(len(self.validators))]
        for path, spec in self.walk():
            if spec.label:
                paths.append(path)
            if spec.help:
                paths.append(f"{path}.help")
            paths += [f"{path}.options.{o.key}" for o in spec.options]
            for name in ("text", "item_label"):
                if spec.param(name):
                    paths.append(f"{path}.{name}")
            for number in spec.param("labels") or {}:
                paths.append(f"{path}.labels.{number}")
        return paths

    def missing_translations(self, locale: str) -> list[str]:
        """Label paths the translation into ``locale`` lacks (empty: complete)."""
        return [p for p in self.label_paths() if not self.translated(p, locale)]


def _walk(fields: Iterable[Field], prefix: str) -> Iterator[tuple[str, Field]]:
    for spec in fields:
        path = f"{prefix}{spec.key}"
        yield path, spec
        if spec.children:
            yield from _walk(spec.children, f"{path}.")


# --- the old Python shape -------------------------------------------------------------------


def FieldSpec(  # noqa: N802 - kept as the constructor name plugins already use
    key: str,
    type: str,  # noqa: A002 - the definition format's word
    label: str,
    required: bool = False,
    options: Iterable[tuple[str, str] | Option] = (),
    help: str = "",  # noqa: A002
) -> Field:
    """A :class:`Field` from the first, flat shape of form definitions
    (``FieldSpec(key, type, label, required=False, options=((key, label), …), help="")``)."""
    return Field(
        key=key,
        type=type,
        label=label,
        help=help,
        required=required,
        options=tuple(o if isinstance(o, Option) else Option(*o) for o in options),
    )


# --- reading YAML ---------------------------------------------------------------------------


def load_form_definitions(directory: str | Path) -> list[FormDefinition]:
    """Every definition in ``directory`` (``*.yaml``/``*.yml``; ``name.<locale>.yaml`` files are
    the translations of ``name.yaml``), sorted by key and version. Any problem is an
    :class:`ExtensionError` naming the file and the field."""
    raise NotImplementedError


def form_definition_from_dict(
    data: Mapping[str, Any],
    translations: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    source_name: str = "<definition>",
) -> FormDefinition:
    """A checked :class:`FormDefinition` from the parsed YAML ``data`` and its ``translations``
    (locale → parsed translation file). ``source_name`` (usually the file) starts every error."""
    raise NotImplementedError


def check_definition(definition: FormDefinition, types: Iterable[str] = FIELD_TYPES) -> None:
    """Check a definition built in Python the way the loader checks YAML: known types (``types``:
    the built-ins plus the tenant's plugin field types), unique keys, options where needed, every
    expression valid and naming known fields, personas naming known fields."""
    return None  # interface commit: the checks follow


__all__ = [
    "ATTACHES_TO",
    "FIELD_TYPES",
    "PREFILL_SOURCES",
    "Field",
    "FieldSpec",
    "FormDefinition",
    "Option",
    "Persona",
    "Section",
    "Validator",
    "check_definition",
    "form_definition_from_dict",
    "load_form_definitions",
]

_pending = (KEY_PATTERN, ExpressionError, compile_expression, replace)
