"""The consent form as PDF: the same content as the print view, prefilled with the person's data,
with tick boxes and signature lines – for offices that file or send a PDF rather than print."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from core.pdf import FAMILY, Document


def consent_form_pdf(
    *,
    template,
    version,
    person,
    text: dict,
    rtl: bool,
    names: dict,
    purpose_label,
    tenant_name: str,
) -> bytes:
    doc = Document(
        template.title,
        footer=f"{tenant_name} · {template.title} · {_('Form version %(n)d', n=version.number)}",
    )
    doc.add_page()
    doc.set_font(FAMILY, "B", 16)
    doc.multi_cell(0, 8, template.title, new_x="LMARGIN", new_y="NEXT")
    doc.paragraph(_("Form version %(n)d", n=version.number), muted=True)
    address = f"{person.street}, {person.postcode} {person.city}" if person.street else "_" * 40
    doc.facts(
        [
            (_("Name"), person.full_name),
            (
                _("Date of birth"),
                format_date(person.birth_date, "medium") if person.birth_date else "_" * 20,
            ),
            (_("Address"), address),
        ],
        label_width=40,
    )
    doc.heading(_("Purpose"), 2, new_page=False)
    align = "R" if rtl else "L"
    for part in (text.get("purpose", ""), text.get("body", "")):
        if part:
            doc.set_font(FAMILY, "", 10)
            doc.multi_cell(0, 5, part, align=align, new_x="LMARGIN", new_y="NEXT")
            doc.ln(1.5)
    if version.processing_bodies:
        doc.paragraph(_("Processed by: %(bodies)s", bodies=version.processing_bodies))
    doc.heading(_("Recipients"), 2, new_page=False)
    for key in version.recipient_keys or []:
        doc.paragraph(f"☐  {names.get(key, key)}")
    doc.paragraph("☐  " + "_" * 45)
    doc.heading(_("Purposes"), 2, new_page=False)
    for purpose in version.purposes or []:
        doc.paragraph(f"☐  {purpose_label(purpose)}")
    doc.ln(2)
    doc.paragraph(
        _(
            "This consent is voluntary. Refusing it has no negative consequences for you. You can "
            "revoke it at any "
            "time for the future, also for single recipients."
        )
    )
    for label in (
        _("Place, date, signature"),
        _("For persons under 16: signature of a parent or guardian"),
    ):
        if doc.will_page_break(25):
            doc.add_page()
        doc.ln(14)
        doc.line(doc.l_margin, doc.get_y(), doc.l_margin + 110, doc.get_y())
        doc.ln(1)
        doc.paragraph(label, muted=True, size=9)
    return doc.to_bytes()
