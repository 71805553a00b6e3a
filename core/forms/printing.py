"""The PDF of a submission's print view (A4, fpdf2 through :class:`core.pdf.Document`): the same
content as the HTML print view - the fields shown for the answers, in the chosen language where
the definition has a translation, internal fields left out of the client's copy, ``print: false``
fields never, signature lines with place and date - headed by the tenant's name and footed by
the form's source."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from core.pdf import Document, display

#: Empty answers print as a line to fill in by hand.
BLANK = "________________________"


def _label(defn, path: str, fallback: str, locale: str) -> str:
    try:
        return str(defn.label(path, locale) or fallback)
    except (KeyError, LookupError, AttributeError):
        return str(fallback)


def _value(defn, path: str, field, value, locale: str) -> str:
    if value is None or value == "" or value == []:
        return BLANK
    if field.type == "boolean":
        return _("yes") if value else _("no")
    if field.type in ("choice", "multi"):
        keys = value if isinstance(value, list) else [value]
        return ", ".join(
            _label(defn, f"{path}.options.{k}", field.option_label(k), locale) for k in keys
        )
    unit = (field.params or {}).get("unit") if hasattr(field, "params") else None
    return f"{display(value)} {unit}" if unit else display(value)


def _shown(field, client_copy: bool) -> bool:
    if not getattr(field, "print", True):
        return False
    return not (client_copy and getattr(field, "internal", False))


def _visible(defn, answers) -> set[str]:
    from core.forms import engine

    return set(engine.visible_paths(defn, answers))


def _fields(pdf, defn, fields, answers, prefix, visible, locale, client_copy, other_values):
    """Print ``fields``; ``visible`` None (inside a repeat row) prints every field."""
    rows = []

    def flush():
        if rows:
            pdf.facts(list(rows), label_width=70)
            rows.clear()

    for field in fields:
        path = f"{prefix}{field.key}"
        if not _shown(field, client_copy):
            continue
        if visible is not None and path not in visible and field.type not in ("info", "signature"):
            continue
        label = _label(defn, path, field.label, locale)
        if field.type == "info":
            flush()
            pdf.paragraph(_label(defn, f"{path}.text", field.param("text", ""), locale), size=9)
        elif field.type == "signature":
            flush()
            pdf.ln(8)
            pdf.cell(0, 5, "_" * 45, new_x="LMARGIN", new_y="NEXT")
            pdf.paragraph(f"{label} – " + _("place, date, signature"), muted=True, size=8.5)
        elif field.type == "group":
            flush()
            pdf.heading(label, 3)
            _fields(
                pdf,
                defn,
                field.children,
                answers.get(field.key) or {},
                f"{path}.",
                visible,
                locale,
                client_copy,
                other_values,
            )
        elif field.type == "repeat":
            flush()
            pdf.heading(label, 3)
            items = answers.get(field.key) or []
            item_label = str(field.param("item_label", "") or "{n}")
            for n, item in enumerate(items or [{}], start=1):
                pdf.paragraph(item_label.replace("{n}", str(n)), size=9.5)
                _fields(
                    pdf,
                    defn,
                    field.children,
                    item or {},
                    f"{path}.{n - 1}.",
                    None,
                    locale,
                    client_copy,
                    other_values,
                )
        else:
            rows.append((label, _value(defn, path, field, answers.get(field.key), locale)))
            other = answers.get(f"{field.key}_other")
            if getattr(field, "other", 0) and other:
                rows.append((f"{label}: " + _("other"), display(other)))
    flush()


def submission_pdf(
    tenant, case, submission, defn, *, locale: str, client_copy: bool, person=None
) -> bytes:
    """The print view of ``submission`` as an A4 PDF (of a case's form, or with ``case`` None
    of a ``person``'s own)."""
    title = _label(defn, "title", defn.title, locale)
    footer = " · ".join(x for x in (str(defn.source or ""), tenant.name) if x)
    pdf = Document(title, footer=footer)
    pdf.add_page()
    pdf.paragraph(tenant.name, muted=True, size=9)
    pdf.heading(title, 1, new_page=False)
    if case is not None:
        person = case.person
    facts = [(_("Client"), person.full_name if person else "")]
    if case is not None:
        facts.append((_("Case"), case.number))
    facts.append((_("Version"), submission.version_no))
    if submission.status != "final":
        facts.append((_("Status"), _("draft")))
    elif submission.superseded_at is not None:
        facts.append((_("Status"), _("corrected")))
    if client_copy:
        facts.append((_("Copy"), _("Copy for the client")))
    pdf.facts(facts)
    answers = dict(submission.data or {})
    visible = _visible(defn, answers)
    for section in defn.sections:
        shown = [f for f in section.fields if _shown(f, client_copy)]
        if not shown:
            continue
        if not any(f"{f.key}" in visible or f.type in ("info", "signature") for f in shown):
            continue
        if section.title:
            pdf.heading(_label(defn, f"sections.{section.key}", section.title, locale), 2)
        _fields(pdf, defn, shown, answers, "", visible, locale, client_copy, {})
    pdf.paragraph(f"{tenant.name} · {date.today().strftime('%d.%m.%Y')}", muted=True, size=8)
    return pdf.to_bytes()
