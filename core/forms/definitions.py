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

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from core.forms.rules import CONSTANTS, FUNCTIONS, KEYWORDS, ExpressionError, compile_expression
from core.plugins.providers import BUILTIN_FIELD_TYPES, KEY_PATTERN, ExtensionError, Provider

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
#: Other names for a source attribute (the format's ``person.display_name`` is ``full_name``).
PREFILL_ALIASES: dict[str, dict[str, str]] = {"person": {"display_name": "full_name"}}
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
#: Type parameters that are text shown to people (translated like labels).
LABEL_PARAMS = ("text", "item_label", "unit", "placeholder", "pattern_message")


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
    #: Where the definition was read from (the YAML file): starts every error message.
    origin: str = field(default="", compare=False)

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
        index: dict[str, Field] = self._index  # type: ignore[attr-defined]
        return path in index or ".".join(p for p in path.split(".") if not p.isdigit()) in index

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
        """The German text at a label path (see :meth:`label`), or ``None`` when there is none.
        Every label path of the definition is looked up once and remembered (forms are drawn
        often, definitions never change)."""
        cache: dict[str, str | None] | None = self.__dict__.get("_german")
        if cache is None:
            paths = [*self.label_paths(), *self.optional_label_paths()]
            cache = {p: self._german_text(p) for p in paths}
            object.__setattr__(self, "_german", cache)
        if path in cache:
            return cache[path]
        return self._german_text(path)

    def _german_text(self, path: str) -> str | None:
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
            if attribute in LABEL_PARAMS:
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
        candidates = [path]
        bare = ".".join(p for p in path.split(".") if not p.isdigit())
        if bare != path and not path.startswith("validators."):
            candidates.append(bare)
        if locale and locale != DEFAULT_LOCALE:
            for candidate in candidates:
                translated = self.translated(candidate, locale)
                if translated:
                    return translated
        for candidate in candidates:
            german = self.german(candidate)
            if german is not None:
                return german
        return ""

    def path_label(self, path: str, locale: str | None = None) -> str:
        """The label of an answer's path as people read it: ``kinder.1.vorname`` is
        "Kind 2 – Vorname" (the repeat's ``item_label``, else its label and the row number)."""
        parts = path.split(".")
        for index, part in enumerate(parts):
            if part.isdigit() and index:
                repeat = ".".join(p for p in parts[:index] if not p.isdigit())
                rest = ".".join(parts[: index + 2])
                item = self.label(f"{repeat}.item_label", locale) if self.has_field(repeat) else ""
                number = str(int(part) + 1)
                row = (
                    item.replace("{n}", number)
                    if item
                    else f"{self.label(repeat, locale)} {number}"
                )
                if index + 1 >= len(parts):
                    return row
                return f"{row} – {self.label(rest, locale)}"
        return self.label(path, locale)

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
            for name in LABEL_PARAMS:
                if spec.param(name):
                    paths.append(f"{path}.{name}")
            for number in spec.param("labels") or {}:
                paths.append(f"{path}.labels.{number}")
        return paths

    def optional_label_paths(self) -> list[str]:
        """Label paths a translation may set but need not (core translates the default)."""
        return [f"{path}.other" for path, spec in self.walk() if spec.other]

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


#: Top-level keys of a definition file.
DEFINITION_KEYS = frozenset(
    {
        "key",
        "version",
        "title",
        "description",
        "source",
        "attaches_to",
        "phase",
        "phases",
        "client_facing",
        "retention",
        "category",
        "prefill",
        "sections",
        "fields",
        "validators",
        "personas",
        "mapping_from_previous",
    }
)
#: A field, section or option key: a lowercase identifier.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
#: Names a field may not take: words of the expression language.
RESERVED = frozenset({"item", *KEYWORDS, *CONSTANTS})
EXPECT_KEYS = frozenset({"valid", "errors", "computed", "visible", "hidden"})


class _Problems:
    """Collects the problems of one definition, so its author sees all of them at once."""

    def __init__(self, where: str):
        self.where = where
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message)

    def raise_if_any(self) -> None:
        if self.found:
            lines = "\n  - ".join(self.found)
            raise ExtensionError(f"{self.where}: {len(self.found)} problem(s):\n  - {lines}")


def load_form_definitions(directory: str | Path) -> list[FormDefinition]:
    """Every definition in ``directory`` (``*.yaml``/``*.yml``; ``name.<locale>.yaml`` files are
    the translations of ``name.yaml``), sorted by key and version. Any problem is an
    :class:`ExtensionError` naming the file and the field."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ExtensionError(f"form directory {folder} does not exist")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    bases: dict[str, Path] = {}
    translations: dict[str, dict[str, Any]] = {}
    for path in files:
        stem = path.name[: -len(path.suffix)]
        name, _, locale = stem.rpartition(".")
        if name and LOCALE_PATTERN.match(locale):
            translations.setdefault(name, {})[locale] = path
        else:
            bases[stem] = path
    for name, found in translations.items():
        if name not in bases:
            files_ = ", ".join(str(p) for p in found.values())
            raise ExtensionError(f"{files_}: translation of {name!r}, but {name}.yaml is missing")
    definitions = []
    for name, path in sorted(bases.items()):
        data = _read_yaml(path)
        shipped = {
            locale: _read_yaml(t_path)
            for locale, t_path in sorted(translations.get(name, {}).items())
        }
        definitions.append(form_definition_from_dict(data, shipped, source_name=str(path)))
    seen: dict[tuple[str, int], str] = {}
    for definition in definitions:
        if definition.identity in seen:
            raise ExtensionError(
                f"{definition.origin}: form {definition.key!r} version {definition.version} is "
                f"also defined in {seen[definition.identity]}"
            )
        seen[definition.identity] = definition.origin
    return sorted(definitions, key=lambda d: d.identity)


def _read_yaml(path: Path) -> Any:
    import yaml

    # The safe loader, in C where PyYAML was built with libyaml (8 times faster; same rules).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ExtensionError(f"{path}:{where}: not valid YAML: {problem}") from None
    except OSError as exc:
        raise ExtensionError(f"{path}: cannot be read: {exc.strerror}") from None


def form_definition_from_dict(
    data: Mapping[str, Any],
    translations: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    source_name: str = "<definition>",
) -> FormDefinition:
    """A checked :class:`FormDefinition` from the parsed YAML ``data`` and its ``translations``
    (locale → parsed translation file). ``source_name`` (usually the file) starts every error."""
    if not isinstance(data, Mapping):
        raise ExtensionError(f"{source_name}: a form definition must be a mapping (key: value)")
    problems = _Problems(source_name)
    for unknown in sorted(set(map(str, data)) - DEFINITION_KEYS):
        problems.add(f"unknown key {unknown!r} (known: {', '.join(sorted(DEFINITION_KEYS))})")
    key = data.get("key")
    version = data.get("version", 1)
    title = data.get("title")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        problems.add(f"key {key!r} is not a lowercase, plugin-prefixed identifier")
        key = "invalid"
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.add(f"version {version!r} is not a whole number of at least 1")
        version = 1
    if not isinstance(title, str) or not title.strip():
        problems.add("title is missing")
        title = ""
    phases = data.get("phases", data.get("phase", ()))
    if isinstance(phases, str):
        phases = (phases,)
    if not isinstance(phases, list | tuple) or not all(isinstance(p, str) for p in phases):
        problems.add("phases must be a phase key or a list of phase keys")
        phases = ()
    sections: list[Section] = []
    raw_sections = data.get("sections")
    if raw_sections is None and "fields" in data:
        raw_sections = [{"key": "main", "title": "", "fields": data.get("fields")}]
    elif raw_sections is not None and "fields" in data:
        problems.add("give either sections or fields at the top, not both")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.add("sections must be a non-empty list")
        raw_sections = []
    for number, raw in enumerate(raw_sections):
        section = _section(raw, number, problems)
        if section is not None:
            sections.append(section)
    validators = []
    for number, raw in enumerate(_list(data.get("validators"), "validators", problems)):
        if not isinstance(raw, Mapping):
            problems.add(f"validators[{number}] must be a mapping with rule, message, fields")
            continue
        extra = set(raw) - {"rule", "message", "fields"}
        if extra:
            problems.add(
                f"validators[{number}]: unknown key(s) {', '.join(sorted(map(str, extra)))}"
            )
        paths = raw.get("fields") or ()
        if isinstance(paths, str):
            paths = (paths,)
        validators.append(
            Validator(
                rule=_text(raw.get("rule"), f"validators[{number}].rule", problems, required=True),
                message=_text(
                    raw.get("message"), f"validators[{number}].message", problems, required=True
                ),
                fields=tuple(str(p) for p in paths),
            )
        )
    personas = []
    for number, raw in enumerate(_list(data.get("personas"), "personas", problems)):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            problems.add(f"personas[{number}] needs a name, answers and expect")
            continue
        answers = raw.get("answers") or {}
        expect = raw.get("expect") or {}
        if not isinstance(answers, Mapping) or not isinstance(expect, Mapping):
            problems.add(f"persona {raw['name']!r}: answers and expect must be mappings")
            continue
        personas.append(Persona(raw["name"], dict(answers), dict(expect)))
    prefill = data.get("prefill") or {}
    if not isinstance(prefill, Mapping):
        problems.add("prefill must map field paths to sources")
        prefill = {}
    mapping = data.get("mapping_from_previous")
    if mapping is not None and not isinstance(mapping, Mapping):
        problems.add("mapping_from_previous must map new field paths to old ones (or null)")
        mapping = None
    parsed_translations = {}
    for locale, content in (translations or {}).items():
        parsed = _translation(locale, content, problems)
        if parsed is not None:
            parsed_translations[locale] = parsed
    problems.raise_if_any()
    definition = FormDefinition(
        key=key,
        version=version,
        title=title.strip(),
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
        attaches_to=str(data.get("attaches_to", "case")),
        phases=tuple(phases),
        client_facing=bool(data.get("client_facing", False)),
        retention=str(data.get("retention", "client_file")),
        category=str(data.get("category", "case_documentation")),
        prefill={str(k): str(v) for k, v in prefill.items()},
        sections=tuple(sections),
        validators=tuple(validators),
        personas=tuple(personas),
        mapping_from_previous=(
            {str(k): (None if v is None else str(v)) for k, v in mapping.items()}
            if mapping is not None
            else None
        ),
        translations=parsed_translations,
        origin=source_name,
    )
    check_definition(definition, _load_types(definition))
    return definition


def field_lineage(versions: Iterable[FormDefinition], path: str) -> dict[int, str | None]:
    """Where the field ``path`` of the newest version lives in each version of the same form
    (None: not asked then), following each version's ``mapping_from_previous``; a path a mapping
    does not name keeps its name where the older version has it. Reports count one field across
    versions with it: the answers of version *v* are read at ``lineage[v]``."""
    ordered = sorted(versions, key=lambda d: d.version, reverse=True)
    if not ordered:
        return {}
    if len({d.key for d in ordered}) > 1:
        raise ValueError("field_lineage follows the versions of one form")
    current: str | None = path if ordered[0].has_field(path) else None
    lineage: dict[int, str | None] = {ordered[0].version: current}
    for newer, older in zip(ordered, ordered[1:], strict=False):
        if current is not None:
            mapping = newer.mapping_from_previous or {}
            current = mapping[current] if current in mapping else current
            if current is not None and not older.has_field(current):
                current = None
        lineage[older.version] = current
    return lineage


def _load_types(definition: FormDefinition) -> tuple[str, ...]:
    """At load time a plugin's own types (dotted keys such as ``prov.postcode``) are accepted;
    the tenant's catalogue checks them against the field types it knows."""
    extra = {spec.type for _path, spec in definition.walk() if "." in spec.type}
    return (*FIELD_TYPES, *sorted(extra))


def _list(value: Any, what: str, problems: _Problems) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"{what} must be a list")
        return []
    return value


def _text(value: Any, what: str, problems: _Problems, *, required: bool = False) -> str:
    if value is None:
        if required:
            problems.add(f"{what} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(f"{what} must be text")
        return ""
    return str(value).strip()


def _section(raw: Any, number: int, problems: _Problems) -> Section | None:
    if not isinstance(raw, Mapping):
        problems.add(f"sections[{number}] must be a mapping with key, title and fields")
        return None
    extra = set(map(str, raw)) - {"key", "title", "visible_if", "fields"}
    key = raw.get("key")
    where = f"section {key!r}" if isinstance(key, str) else f"sections[{number}]"
    if extra:
        problems.add(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    if not isinstance(key, str) or not NAME_PATTERN.match(key):
        problems.add(f"{where}: key {key!r} is not a lowercase identifier")
        key = f"section_{number}"
    fields = tuple(
        spec
        for n, child in enumerate(_list(raw.get("fields"), f"{where}: fields", problems))
        if (spec := _field(child, f"{where}: fields[{n}]", problems)) is not None
    )
    if not fields:
        problems.add(f"{where} has no fields")
    visible_if = raw.get("visible_if")
    return Section(
        key=key,
        title=_text(raw.get("title"), f"{where}: title", problems),
        visible_if=None if visible_if is None else str(visible_if),
        fields=fields,
    )


def _field(raw: Any, where: str, problems: _Problems) -> Field | None:
    if not isinstance(raw, Mapping):
        problems.add(f"{where} must be a mapping with key, type and label")
        return None
    key = raw.get("key")
    if isinstance(key, str):
        where = f"field {key!r}"
    kind = raw.get("type")
    if not isinstance(kind, str):
        problems.add(f"{where}: type is missing")
        return None
    known = TYPE_PARAMS.get(kind)
    params = {str(k): v for k, v in raw.items() if str(k) not in COMMON_KEYS}
    if known is not None:
        unknown = sorted(set(params) - known)
        if unknown:
            problems.add(
                f"{where}: unknown key(s) {', '.join(unknown)} for type {kind!r}"
                + (f" (allowed: {', '.join(sorted(known))})" if known else "")
            )
    options = []
    for n, option in enumerate(_list(raw.get("options"), f"{where}: options", problems)):
        if isinstance(option, Mapping) and "key" in option:
            extra = set(map(str, option)) - {"key", "label"}
            if extra:
                problems.add(f"{where}: options[{n}]: unknown key(s) {', '.join(sorted(extra))}")
            options.append(Option(str(option["key"]), _text(option.get("label"), "", problems)))
        elif isinstance(option, str | int) and not isinstance(option, bool):
            options.append(Option(str(option), str(option)))
        else:
            problems.add(f"{where}: options[{n}] must be {{key: …, label: …}}")
    other = raw.get("other", 0)
    if other is True:
        other = 1
    elif other is False or other is None:
        other = 0
    if not isinstance(other, int) or other not in (0, 1, 2):
        problems.add(f"{where}: other must be true, false or 2")
        other = 0
    children = tuple(
        spec
        for n, child in enumerate(_list(raw.get("fields"), f"{where}: fields", problems))
        if (spec := _field(child, f"{where}: fields[{n}]", problems)) is not None
    )
    for flag in ("required", "internal", "print", "readonly"):
        if flag in raw and not isinstance(raw[flag], bool):
            problems.add(f"{where}: {flag} must be true or false")

    def expression(name: str) -> str | None:
        value = raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return Field(
        key=str(key) if key is not None else "",
        type=kind,
        label=_text(raw.get("label"), f"{where}: label", problems),
        help=_text(raw.get("help"), f"{where}: help", problems),
        required=raw.get("required") is True,
        required_if=expression("required_if"),
        visible_if=expression("visible_if"),
        options=tuple(options),
        other=other,
        children=children,
        internal=raw.get("internal") is True,
        sensitive=None if raw.get("sensitive") is None else str(raw.get("sensitive")),
        category=None if raw.get("category") is None else str(raw.get("category")),
        print=raw.get("print") is not False,
        readonly=raw.get("readonly") is True,
        prefill=None if raw.get("prefill") is None else str(raw.get("prefill")),
        compute=expression("compute"),
        params=params,
    )


def _translation(locale: str, content: Any, problems: _Problems) -> dict[str, Any] | None:
    where = f"translation {locale!r}"
    if not LOCALE_PATTERN.match(str(locale)):
        problems.add(f"{where}: not a locale code")
        return None
    if content is None:
        return {"labels": {}}
    if not isinstance(content, Mapping):
        problems.add(f"{where}: must be a mapping with title and labels")
        return None
    extra = set(map(str, content)) - {"title", "description", "labels"}
    if extra:
        problems.add(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    labels = content.get("labels") or {}
    if not isinstance(labels, Mapping):
        problems.add(f"{where}: labels must map label paths to text")
        labels = {}
    return {
        "title": str(content.get("title") or ""),
        "description": str(content.get("description") or ""),
        "labels": {str(k): "" if v is None else str(v) for k, v in labels.items()},
    }


# --- checking a definition ------------------------------------------------------------------


def check_definition(definition: FormDefinition, types: Iterable[str] = FIELD_TYPES) -> None:
    """Check a definition built in Python the way the loader checks YAML: known types (``types``:
    the built-ins plus the tenant's plugin field types), unique keys, options where needed, every
    expression valid and naming known fields, personas naming known fields. Checked once per
    set of types (the result is remembered on the definition)."""
    known_types = frozenset(types)
    if known_types in getattr(definition, "_checked", ()):
        return
    where = definition.origin or f"form {definition.key!r} version {definition.version}"
    problems = _Problems(where)
    _check(definition, known_types, problems)
    problems.raise_if_any()
    object.__setattr__(
        definition, "_checked", getattr(definition, "_checked", frozenset()) | {known_types}
    )


def _check(defn: FormDefinition, types: frozenset[str], problems: _Problems) -> None:
    if not isinstance(defn.key, str) or not KEY_PATTERN.match(defn.key):
        problems.add(f"key {defn.key!r} is not a lowercase identifier")
    if defn.attaches_to not in ATTACHES_TO:
        problems.add(f"attaches_to {defn.attaches_to!r} is not one of {', '.join(ATTACHES_TO)}")
    section_keys = [s.key for s in defn.sections]
    for key in sorted({k for k in section_keys if section_keys.count(k) > 1}):
        problems.add(f"section key {key!r} is used twice")
    _check_fields(defn, defn.fields, "", None, types, problems, top_level=True)
    value_paths = _value_paths(defn)
    for section in defn.sections:
        if section.visible_if is not None:
            _check_expression(
                defn,
                section.visible_if,
                f"section {section.key!r}: visible_if",
                None,
                value_paths,
                problems,
            )
    for path, spec in defn.walk():
        repeat = _enclosing_repeat(defn, path)
        for attribute in ("visible_if", "required_if", "compute"):
            text = getattr(spec, attribute)
            if text is not None:
                _check_expression(
                    defn, text, f"field {path!r}: {attribute}", repeat, value_paths, problems
                )
        for bound in ("min", "max"):
            value = spec.param(bound)
            if spec.type == "date" and isinstance(value, str) and value != "today":
                if _iso_date(value) is None:
                    _check_expression(
                        defn, value, f"field {path!r}: {bound}", repeat, value_paths, problems
                    )
    for number, validator in enumerate(defn.validators):
        where = f"validators[{number}]"
        _check_expression(defn, validator.rule, f"{where}: rule", None, value_paths, problems)
        if not validator.message:
            problems.add(f"{where}: message is missing")
        for path in validator.fields:
            if not defn.has_field(path):
                problems.add(f"{where}: fields names unknown field {path!r}")
    for path, source in defn.prefill.items():
        if not defn.has_field(path):
            problems.add(f"prefill names unknown field {path!r}")
        _check_source(source, f"prefill of {path!r}", problems)
    for path, spec in defn.walk():
        if spec.prefill is not None:
            _check_source(spec.prefill, f"field {path!r}: prefill", problems)
    if defn.mapping_from_previous is not None:
        if defn.version < 2:
            problems.add("mapping_from_previous only belongs to a version above 1")
        for path in defn.mapping_from_previous:
            if not defn.has_field(path):
                problems.add(f"mapping_from_previous names unknown field {path!r}")
    names = [p.name for p in defn.personas]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.add(f"persona {name!r} is there twice")
    for persona in defn.personas:
        _check_persona(defn, persona, problems)
    for locale, translation in defn.translations.items():
        known = set(defn.label_paths()) | set(defn.optional_label_paths())
        for path in translation.get("labels") or {}:
            if path not in known:
                problems.add(f"translation {locale!r}: unknown label path {path!r}")


def _check_fields(
    defn: FormDefinition,
    fields: tuple[Field, ...],
    prefix: str,
    parent: Field | None,
    types: frozenset[str],
    problems: _Problems,
    *,
    top_level: bool = False,
) -> None:
    keys: list[str] = []
    for spec in fields:
        path = f"{prefix}{spec.key}"
        where = f"field {path!r}"
        if not isinstance(spec.key, str) or not NAME_PATTERN.match(spec.key):
            problems.add(f"{where}: key is not a lowercase identifier (a-z, 0-9, _)")
        elif spec.key in RESERVED or spec.key in FUNCTIONS:
            problems.add(f"{where}: key is a word of the expression language")
        keys.append(spec.key)
        if spec.other:
            keys.append(spec.other_key)
        if spec.type not in types:
            problems.add(f"{where}: unknown type {spec.type!r} (known: {', '.join(sorted(types))})")
            continue
        if spec.type in WITH_OPTIONS and not spec.options:
            problems.add(f"{where}: a {spec.type} field needs options")
        option_keys = [o.key for o in spec.options]
        for key in sorted({k for k in option_keys if option_keys.count(k) > 1}):
            problems.add(f"{where}: option {key!r} is there twice")
        for key in option_keys:
            if not OPTION_PATTERN.match(key):
                problems.add(f"{where}: option key {key!r} is not a lowercase identifier")
        if spec.other and spec.type not in WITH_OPTIONS:
            problems.add(f"{where}: other only belongs to choice and multi fields")
        if spec.other == 2 and spec.type != "multi":
            problems.add(f"{where}: two free lines (other: 2) only belong to multi fields")
        if spec.other and "other" in option_keys:
            problems.add(f"{where}: with other: true, do not list an option 'other' yourself")
        if spec.type in CONTAINERS:
            if not spec.children:
                problems.add(f"{where}: a {spec.type} needs fields")
            if spec.type == "repeat" and (
                parent is not None and parent.type == "repeat" or _enclosing_repeat(defn, path)
            ):
                problems.add(f"{where}: a repeat inside a repeat is not supported")
            _check_fields(defn, spec.children, f"{path}.", spec, types, problems)
        elif spec.children:
            problems.add(f"{where}: only group and repeat fields have fields")
        if spec.type == "computed" and not spec.compute:
            problems.add(f"{where}: a computed field needs compute")
        if spec.compute and spec.type != "computed":
            problems.add(f"{where}: compute only belongs to computed fields")
        if spec.stored and spec.type not in ("computed",) and not spec.label:
            problems.add(f"{where}: label is missing")
        if spec.type == "info" and not (spec.param("text") or spec.label):
            problems.add(f"{where}: an info field needs text")
        if spec.sensitive not in (None, "art9"):
            problems.add(f"{where}: sensitive must be art9")
        if spec.type == "repeat":
            low, high = spec.param("min_items", 0), spec.param("max_items", DEFAULT_MAX_ITEMS)
            if not _whole(low) or not _whole(high) or not 0 <= low <= high <= HARD_MAX_ITEMS:
                problems.add(
                    f"{where}: min_items and max_items must be whole numbers with "
                    f"0 <= min_items <= max_items <= {HARD_MAX_ITEMS}"
                )
        if spec.type in ("number", "scale"):
            for bound in ("min", "max"):
                value = spec.param(bound)
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    problems.add(f"{where}: {bound} must be a number")
        if spec.type == "date":
            for bound in ("min", "max"):
                value = spec.param(bound)
                if value is not None and not isinstance(value, str | date):
                    problems.add(f"{where}: {bound} must be today, an ISO date or an expression")
        if spec.type == "multi":
            for bound in ("min_selected", "max_selected"):
                value = spec.param(bound)
                if value is not None and not _whole(value):
                    problems.add(f"{where}: {bound} must be a whole number")
        if spec.type == "text" and spec.param("pattern") is not None:
            try:
                re.compile(str(spec.param("pattern")))
            except re.error as exc:
                problems.add(f"{where}: pattern is not a regular expression ({exc})")
        for name in ("max_length",):
            value = spec.param(name)
            if value is not None and (not _whole(value) or value < 1):
                problems.add(f"{where}: {name} must be a whole number above 0")
        if spec.type == "choice" and spec.param("widget") not in (None, "radio", "select"):
            problems.add(f"{where}: widget must be radio or select")
        if spec.type == "computed" and spec.param("format") not in (
            None,
            "number",
            "text",
            "boolean",
            "date",
        ):
            problems.add(f"{where}: format must be number, text, boolean or date")
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        where = "the form" if top_level else f"field {prefix[:-1]!r}"
        problems.add(f"key {key!r} is used twice in {where}")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _enclosing_repeat(defn: FormDefinition, path: str) -> str | None:
    """The path of the repeat a field sits in (``None`` outside any repeat)."""
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if defn.field(candidate).type == "repeat":
            return candidate
    return None


def _value_paths(defn: FormDefinition) -> set[str]:
    """Names an expression outside a repeat may read: every stored field that is not inside a
    repeat (a repeat itself is a list), and the "other" texts."""
    paths = set()
    for path, spec in defn.walk():
        if _enclosing_repeat(defn, path) is not None or spec.type in NOT_STORED:
            continue
        paths.add(path)
        if spec.other:
            base = path.rpartition(".")[0]
            paths.add(f"{base}.{spec.other_key}" if base else spec.other_key)
    return paths


def _item_paths(defn: FormDefinition, repeat: str) -> set[str]:
    """Names an expression inside the rows of ``repeat`` may read beside the top-level ones:
    ``item.<child>`` (and ``item.<group>.<child>``)."""
    out = set()
    for path, spec in defn.walk():
        if path.startswith(f"{repeat}.") and spec.stored:
            inner = path[len(repeat) + 1 :]
            out.add(f"item.{inner}")
            if spec.other:
                base = inner.rpartition(".")[0]
                out.add(f"item.{base}.{spec.other_key}" if base else f"item.{spec.other_key}")
    return out


def _check_expression(
    defn: FormDefinition,
    text: str,
    where: str,
    repeat: str | None,
    value_paths: set[str],
    problems: _Problems,
) -> None:
    try:
        expression = compile_expression(text)
    except ExpressionError as exc:
        problems.add(f"{where}: {exc.message} at position {exc.position} in {text!r}")
        return
    allowed = value_paths | (_item_paths(defn, repeat) if repeat else set())
    for name in sorted(expression.names):
        if name not in allowed:
            if name.startswith("item.") and repeat is None:
                problems.add(f"{where}: {name!r} only exists inside a repeat, in {text!r}")
            else:
                problems.add(f"{where}: unknown field {name!r} in {text!r}")
    for target, predicate in expression.predicates:
        if target not in defn._index or defn.field(target).type != "repeat":  # type: ignore[attr-defined]
            problems.add(f"{where}: count_where() needs a repeat field, not {target!r}")
            continue
        inner_allowed = value_paths | _item_paths(defn, target)
        for name in sorted(predicate.names - inner_allowed):
            problems.add(f"{where}: unknown field {name!r} in the condition {predicate.text!r}")


def _check_source(source: str, where: str, problems: _Problems) -> None:
    if source == "today":
        return
    kind, _, attribute = source.partition(".")
    allowed = PREFILL_SOURCES.get(kind)
    if allowed is None or attribute not in allowed | PREFILL_ALIASES.get(kind, {}).keys():
        problems.add(
            f"{where}: unknown source {source!r} (allowed: today, "
            + ", ".join(f"{k}.<{'|'.join(sorted(v))}>" for k, v in PREFILL_SOURCES.items())
            + ")"
        )


def _check_persona(defn: FormDefinition, persona: Persona, problems: _Problems) -> None:
    where = f"persona {persona.name!r}"
    _check_answers(defn, persona.answers, "", where, problems)
    expect = persona.expect
    for key in sorted(set(map(str, expect)) - EXPECT_KEYS):
        problems.add(
            f"{where}: unknown expectation {key!r} (known: {', '.join(sorted(EXPECT_KEYS))})"
        )
    if "valid" in expect and not isinstance(expect["valid"], bool):
        problems.add(f"{where}: valid must be true or false")
    for name in ("errors", "visible", "hidden"):
        paths = expect.get(name) or []
        if not isinstance(paths, list):
            problems.add(f"{where}: {name} must be a list of field paths")
            continue
        for path in paths:
            if path not in ("", "_form") and not defn.has_field(str(path)):
                problems.add(f"{where}: {name} names unknown field {path!r}")
    computed = expect.get("computed") or {}
    if not isinstance(computed, Mapping):
        problems.add(f"{where}: computed must map computed fields to values")
    else:
        for path in computed:
            if not defn.has_field(str(path)) or defn.field(str(path)).type != "computed":
                problems.add(f"{where}: computed names {path!r}, which is no computed field")


def _check_answers(
    defn: FormDefinition, answers: Any, prefix: str, where: str, problems: _Problems
) -> None:
    if not isinstance(answers, Mapping):
        problems.add(f"{where}: the answers at {prefix[:-1] or 'the top'!r} must be a mapping")
        return
    for key, value in answers.items():
        path = f"{prefix}{key}"
        bare = ".".join(p for p in path.split(".") if not p.isdigit())
        if defn.has_field(bare):
            spec = defn.field(bare)
            if spec.type == "group" and isinstance(value, Mapping):
                _check_answers(defn, value, f"{path}.", where, problems)
            elif spec.type == "repeat" and isinstance(value, list):
                for number, row in enumerate(value):
                    _check_answers(defn, row, f"{path}.{number}.", where, problems)
            continue
        base, _, last = bare.rpartition(".")
        owner = f"{base}.{last[: -len('_other')]}" if base else last[: -len("_other")]
        if last.endswith("_other") and defn.has_field(owner) and defn.field(owner).other:
            continue
        problems.add(f"{where}: answers unknown field {bare!r}")


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
