"""What the one macro set (``templates/forms/_macros.html``) needs to draw a form: a small view of
each field with its label in the chosen language, form name, element ids, value, errors, and
whether it is shown. The engine decides visibility on the server (the page works without
JavaScript); a simple rule is also written as data attributes so ``static/js/forms.js`` can
mirror it while the person types. The templates only iterate, so the logic stays testable here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint

from core.forms.definitions import DEFAULT_MAX_ITEMS, Field, FormDefinition
from core.forms.engine import analyse
from core.forms.rules import as_date, compile_expression

#: Carries the templates (``forms/_macros.html``, ``forms/print.html``) and their globals. The
#: engine has no pages of its own; the submissions domain has them.
bp = Blueprint("form_engine", __name__, template_folder="templates")

#: Blank rows of a repeat on an empty paper form.
PRINT_BLANK_ROWS = 3


@dataclass
class FieldView:
    """One field as drawn. ``name`` is the form name (``kinder-0-vorname``), ``id`` the element id
    (``f-`` + name), ``path`` the error path (``kinder.0.vorname``)."""

    spec: Field
    path: str
    name: str
    label: str
    help: str = ""
    value: Any = None
    errors: list[str] = field(default_factory=list)
    required: bool = False
    #: Shown (its section, group and own rule all say so) – what the print uses.
    visible: bool = True
    #: Its own rule says so: the screen hides only this element, containers hide their content.
    own_visible: bool = True
    show: dict[str, str] | None = None
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    other_label: str = ""
    other_value: Any = None
    other_errors: list[str] = field(default_factory=list)
    children: list[FieldView] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    text: str = ""
    display: str = ""
    unit: str = ""
    placeholder: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def short_options(self) -> bool:
        """Options short enough to stand side by side (on paper: one line instead of a list)."""
        return bool(self.options) and max(len(text) for _k, text, _c in self.options) <= 30

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def other_name(self) -> str:
        base = self.name.rpartition("-")[0]
        return f"{base}-{self.spec.other_key}" if base else self.spec.other_key

    @property
    def other_path(self) -> str:
        base = self.path.rpartition(".")[0]
        return f"{base}.{self.spec.other_key}" if base else self.spec.other_key

    @property
    def described_by(self) -> str:
        ids = [f"h-{self.name}"] if self.help else []
        ids += [f"e-{self.name}-{n}" for n in range(1, len(self.errors) + 1)]
        return " ".join(ids)

    def param(self, name: str, default: Any = None) -> Any:
        return self.spec.param(name, default)


@dataclass
class RowView:
    number: int
    label: str
    name: str
    fields: list[FieldView]


@dataclass
class SectionView:
    key: str
    title: str
    visible: bool
    show: dict[str, str] | None
    fields: list[FieldView]


@dataclass
class FormView:
    definition: FormDefinition
    locale: str
    sections: list[SectionView]
    errors: dict[str, list[str]]
    #: Errors of the form as a whole and of fields that are not drawn (``""`` and unknown).
    general_errors: list[str]
    summary: list[tuple[str, str, str]]

    @property
    def empty(self) -> bool:
        return not any(
            f.value not in (None, "", [], {}, False)
            for s in self.sections
            for f in s.fields
            if f.spec.stored and f.type != "computed"
        )


def simple_rule(text: str | None) -> dict[str, str] | None:
    """``{"when": name, "op": "eq"|"ne"|"in"|"true"|"false", "value": …}`` for the rules the
    browser can mirror (``f == 'x'``, ``f != 'x'``, ``'x' in f``, ``selected(f, 'x')``, ``f``,
    ``not f``); ``None`` for anything else (the server alone decides)."""
    if not text:
        return None
    tree = compile_expression(text).tree
    name = lambda node: ".".join(node[1]) if node[0] == "name" else None  # noqa: E731
    if tree[0] == "name":
        return {"when": name(tree) or "", "op": "true", "value": ""}
    if tree[0] == "not" and tree[1][0] == "name":
        return {"when": name(tree[1]) or "", "op": "false", "value": ""}
    if tree[0] == "cmp" and tree[1] in ("==", "!="):
        left, right = tree[2], tree[3]
        if left[0] == "lit":
            left, right = right, left
        if left[0] == "name" and right[0] == "lit" and isinstance(right[1], str | bool):
            value = right[1]
            if isinstance(value, bool):
                op = "true" if (value is True) == (tree[1] == "==") else "false"
                return {"when": name(left) or "", "op": op, "value": ""}
            return {
                "when": name(left) or "",
                "op": "eq" if tree[1] == "==" else "ne",
                "value": value,
            }
    if tree[0] == "in" and not tree[3] and tree[1][0] == "lit" and tree[2][0] == "name":
        return {"when": name(tree[2]) or "", "op": "in", "value": str(tree[1][1])}
    if tree[0] == "call" and tree[1] == "selected":
        target, key = tree[2]
        if target[0] == "name" and key[0] == "lit":
            return {"when": name(target) or "", "op": "in", "value": str(key[1])}
    return None


def _form_name(path: str) -> str:
    return path.replace(".", "-")


def form_view(
    defn: FormDefinition,
    answers: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]] | None = None,
    locale: str | None = None,
    rows: Mapping[str, int] | None = None,
    *,
    today: date | None = None,
) -> FormView:
    """The view of ``defn`` filled with ``answers`` (raw, as posted, or stored), with ``errors``
    (path → messages) in ``locale`` (labels fall back to German). ``rows``: rows to draw per
    repeat form name (see :func:`core.forms.engine.rows_to_show`)."""
    answers = dict(answers or {})
    errors = {k: list(v) for k, v in (errors or {}).items()}
    locale = locale or "de"
    run = analyse(defn, answers, today=today)
    builder = _Builder(defn, run, errors, locale, dict(rows or {}))
    sections = []
    for section in defn.sections:
        visible = section.visible_if is None or compile_expression(section.visible_if).test(
            run.data, None, run.today
        )
        sections.append(
            SectionView(
                key=section.key,
                title=defn.label(f"sections.{section.key}", locale) if section.title else "",
                visible=visible,
                show=simple_rule(section.visible_if),
                fields=[
                    builder.field(spec, spec.key, answers.get(spec.key), answers, None)
                    for spec in section.fields
                ],
            )
        )
    drawn = builder.drawn
    general = [m for k, ms in errors.items() if k not in drawn for m in ms]
    summary = [
        (path, builder.labels.get(path, ""), message)
        for path, messages in errors.items()
        if path in drawn
        for message in messages
    ]
    return FormView(defn, locale, sections, errors, general, summary)


class _Builder:
    def __init__(self, defn, run, errors, locale, rows):
        self.defn, self.run, self.errors, self.locale, self.rows = defn, run, errors, locale, rows
        self.drawn: set[str] = set()
        self.labels: dict[str, str] = {}

    def label(self, path: str) -> str:
        return self.defn.label(path, self.locale)

    def field(
        self,
        spec: Field,
        path: str,
        value: Any,
        siblings: Mapping[str, Any],
        row: Mapping[str, Any] | None,
    ) -> FieldView:
        run = self.run
        label = self.label(path)
        view = FieldView(
            spec=spec,
            path=path,
            name=_form_name(path),
            label=label,
            help=self.label(f"{path}.help") if spec.help else "",
            value=value,
            errors=self.errors.get(path, []),
            visible=path in run.visible,
            show=simple_rule(spec.visible_if) if "item." not in (spec.visible_if or "") else None,
        )
        if spec.param("unit"):
            view.unit = self.label(f"{path}.unit")
        if spec.param("placeholder"):
            view.placeholder = self.label(f"{path}.placeholder")
        self.drawn.add(path)
        self.labels[path] = label
        view.own_visible = view.visible or spec.visible_if is None or compile_expression(
            spec.visible_if
        ).test(run.data, row, run.today)
        view.required = spec.required or bool(
            spec.required_if and compile_expression(spec.required_if).test(run.data, row, run.today)
        )
        if spec.options:
            chosen = value if isinstance(value, list) else [value]
            view.options = [
                (o.key, self.label(f"{path}.options.{o.key}"), o.key in chosen)
                for o in spec.options
            ]
            if spec.other:
                view.options.append(("other", self.other_label(path), "other" in chosen))
        if spec.other:
            view.other_label = self.other_label(path)
            view.other_value = siblings.get(spec.other_key)
            view.other_errors = self.errors.get(view.other_path, [])
            self.drawn.add(view.other_path)
            self.labels[view.other_path] = f"{label}: {view.other_label}"
        if spec.type == "scale":
            low, high = spec.param("min", 1), spec.param("max", 5)
            labels = spec.param("labels") or {}
            picked = str(value) if value is not None else None
            view.options = [
                (
                    str(n),
                    f"{n} – {self.label(f'{path}.labels.{n}')}"
                    if n in labels or str(n) in labels
                    else str(n),
                    str(n) == picked,
                )
                for n in range(low, high + 1)
            ]
        if spec.type == "info":
            view.text = self.label(f"{path}.text") or label
        if spec.type == "computed":
            view.value = run.computed.get(path)
            view.display = display_value(self.defn, spec, path, view.value, self.locale)
        if spec.type == "group":
            inner = value if isinstance(value, Mapping) else {}
            view.children = [
                self.field(child, f"{path}.{child.key}", inner.get(child.key), inner, row)
                for child in spec.children
            ]
        if spec.type == "repeat":
            items = (
                [r if isinstance(r, Mapping) else {} for r in value or []]
                if isinstance(value, list)
                else []
            )
            count = self.rows.get(view.name) or max(len(items), spec.param("min_items", 0), 1)
            count = min(max(count, len(items)), spec.param("max_items", DEFAULT_MAX_ITEMS))
            item_label = self.label(f"{path}.item_label") or "{n}"
            for number in range(count):
                item = items[number] if number < len(items) else {}
                row_path = f"{path}.{number}"
                view.rows.append(
                    RowView(
                        number=number,
                        label=item_label.replace("{n}", str(number + 1)),
                        name=_form_name(row_path),
                        fields=[
                            self.field(
                                child, f"{row_path}.{child.key}", item.get(child.key), item, item
                            )
                            for child in spec.children
                        ],
                    )
                )
        if spec.type not in ("group", "repeat", "computed") and spec.stored:
            view.display = display_value(self.defn, spec, path, value, self.locale)
        return view

    def other_label(self, path: str) -> str:
        from flask_babel import gettext as _

        translated = self.defn.translated(f"{path}.other", self.locale)
        return translated or _("Other")


def display_value(
    defn: FormDefinition, spec: Field, path: str, value: Any, locale: str | None = None
) -> str:
    """An answer as people read it: option labels instead of keys, dates as DD.MM.YYYY, yes/no,
    decimal commas in German; empty text for no answer."""
    from flask_babel import gettext as _

    if value is None or value == "" or value == []:
        return ""
    kind = spec.type
    if kind in ("choice", "multi"):
        keys = value if isinstance(value, list) else [value]
        labels = [
            (_("Other") if key == "other" else defn.label(f"{path}.options.{key}", locale))
            for key in keys
        ]
        return ", ".join(labels)
    if kind == "boolean" or isinstance(value, bool):
        return _("yes") if value in (True, "true", "1", "on") else _("no")
    if kind == "date" or (kind == "computed" and spec.param("format") == "date"):
        day = as_date(value)
        return day.strftime("%d.%m.%Y") if day else str(value)
    if isinstance(value, float | Decimal | int):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        if (locale or "de") == "de":
            text = text.replace(".", ",")
        unit = spec.param("unit")
        return f"{text} {defn.label(f'{path}.unit', locale) or unit}" if unit else text
    return str(value)


@bp.app_template_global("form_view")
def _form_view_global(*args: Any, **kwargs: Any) -> FormView:
    return form_view(*args, **kwargs)


@bp.app_template_global("blank_rows")
def blank_rows(defn: FormDefinition) -> dict[str, int]:
    """Rows of every repeat on an empty paper form (to be filled in by hand)."""
    return {
        _form_name(path): min(PRINT_BLANK_ROWS, spec.param("max_items", DEFAULT_MAX_ITEMS))
        for path, spec in defn.walk()
        if spec.type == "repeat"
    }


@bp.app_template_global("form_display_value")
def _display_global(*args: Any, **kwargs: Any) -> str:
    return display_value(*args, **kwargs)


def render_form(
    defn: FormDefinition,
    answers: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    locale: str | None = None,
    rows: Mapping[str, int] | None = None,
) -> str:
    """The fields of ``defn`` as HTML (inside a request): ``form_fields`` of the macro set."""
    from flask import render_template

    return render_template(
        "forms/_fields.html",
        defn=defn,
        answers=answers or {},
        errors=errors or {},
        locale=locale or "de",
        rows=rows or {},
    )


def render_print(
    defn: FormDefinition,
    answers: Mapping[str, Any] | None = None,
    locale: str | None = None,
    client_copy: bool = False,
) -> str:
    """The A4 print view of ``defn`` (inside a tenant request): ``forms/print.html``. Core's own
    words on the sheet ("Ort, Datum", "Sonstiges" …) follow ``locale`` where core speaks it, so a
    client copy is in one language."""
    from contextlib import nullcontext

    from flask import render_template
    from flask_babel import force_locale

    from core.i18n import SUPPORTED_LOCALES

    locale = locale or "de"
    switch = force_locale(locale) if locale in SUPPORTED_LOCALES else nullcontext()
    with switch:
        return render_template(
            "forms/print.html",
            defn=defn,
            answers=answers or {},
            locale=locale,
            client_copy=client_copy,
        )


__all__ = [
    "PRINT_BLANK_ROWS",
    "FieldView",
    "FormView",
    "RowView",
    "SectionView",
    "bp",
    "display_value",
    "form_view",
    "render_form",
    "render_print",
    "simple_rule",
]
