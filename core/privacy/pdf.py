"""PDF documents handed to clients and the data-protection officer (Art. 15 answer, Art. 30
records), built with fpdf2.

The PDF core fonts only know Latin-1, so names in Turkish, Polish, Cyrillic or Arabic script would
come out as question marks. :class:`Document` embeds DejaVu Sans (vendored under
``core/static/fonts``, no network at run time) and shapes text with HarfBuzz, so Arabic and
Persian names print joined and right to left. Other documents reuse :class:`Document`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
FAMILY = "DejaVu"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Characters fpdf2 cannot lay out (C0 controls except tab/newline).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def display(value) -> str:
    """A package value for people: dates in the locale's format, yes/no, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return format_date(date.fromisoformat(value), "medium")
            except ValueError:
                return value
        if _ISO_DATETIME.match(value):
            try:
                return format_datetime(datetime.fromisoformat(value), "short")
            except ValueError:
                return value
        return value
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


def _clean(text) -> str:
    return _CONTROL.sub(" ", str(text if text is not None else ""))


class Document(FPDF):
    """An A4 document with the embedded Unicode font, a running footer and simple building blocks
    (cover, headings, paragraphs, fact lists, tables)."""

    def __init__(self, title: str, *, footer: str = "", compress: bool = True):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_compression(compress)
        self.set_title(_clean(title))
        self.set_creator("Lotse")
        self.set_lang(str(get_locale() or "de"))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.footer_text = _clean(footer)
        self.set_font(FAMILY, size=10)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.footer_text} · {_('Page %(n)d', n=self.page_no())}", align="C")
        self.set_text_color(0)

    # --- building blocks -------------------------------------------------------------------

    def cover(self, title: str, subtitle: str = "", facts=()):
        """A title page: big title, subtitle, then a list of label/value lines."""
        self.add_page()
        self.set_y(60)
        self.set_font(FAMILY, "B", 20)
        self.multi_cell(0, 10, _clean(title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FAMILY, "", 12)
            self.ln(2)
            self.multi_cell(0, 7, _clean(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(10)
        self.set_font(FAMILY, "", 11)
        self.facts(facts)
        self.set_font(FAMILY, "", 10)

    def heading(self, text: str, level: int = 1, *, new_page: bool | None = None):
        """Level 1 starts a new page unless ``new_page=False`` (short sections flow on)."""
        size = {1: 15, 2: 12, 3: 10.5}.get(level, 10)
        if new_page if new_page is not None else level == 1:
            self.add_page()
        else:
            self.ln(3)
        if self.will_page_break(30):
            self.add_page()
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5 + 1.5, _clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 10)
        self.ln(1.5)

    def paragraph(self, text: str, *, muted: bool = False, size: float = 10):
        if not text:
            return
        self.set_font(FAMILY, "", size)
        if muted:
            self.set_text_color(90)
        self.multi_cell(0, 5, _clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(1.5)

    def facts(self, rows, *, label_width: float = 55):
        """Label/value pairs as a borderless two-column table."""
        rows = [(str(label), display(value)) for label, value in rows]
        if not rows:
            return
        with self.table(
            col_widths=(label_width, self.epw - label_width),
            first_row_as_headings=False,
            borders_layout="NONE",
            text_align="LEFT",
            line_height=5,
            padding=(0.6, 1),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(_clean(label), style=FontFace(emphasis="BOLD"))
                row.cell(_clean(value))
        self.ln(2)

    def grid(self, headings, rows, *, col_widths=None, size: float = 8.5):
        """A bordered table with a heading row, repeated on every page it spans."""
        rows = [[display(v) for v in row] for row in rows]
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=col_widths,
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 237, 240)),
            padding=(0.8, 1.2),
        ) as table:
            head = table.row()
            for text in headings:
                head.cell(_clean(text))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_clean(value))
        self.set_font(FAMILY, "", 10)
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


# --- Art. 15 ---------------------------------------------------------------------------------


def subject_access_pdf(package: dict) -> bytes:
    """The Art. 15 answer on paper: cover, controller, one section per data category, consents,
    disclosures, requests, documents, access log and retention."""
    from core.privacy.field_labels import labelled
    from core.privacy.subject_access import describe_retention

    subject, tenant = package["subject"], package["tenant"]
    doc = Document(
        _("Information under Art. 15 GDPR"), footer=f"{tenant['name']} · {subject['name']}"
    )
    doc.cover(
        _("Information under Art. 15 GDPR"),
        tenant["name"],
        [
            (_("Person"), subject["name"]),
            (_("Date of birth"), subject.get("birth_date")),
            (_("Record number"), subject["id"]),
            (_("Date"), package["generated_at"]),
        ],
    )
    doc.paragraph(
        _(
            "This document lists all personal data the organisation stores about you, why and on "
            "which legal "
            "basis it does so, to whom data was passed on, and how long it is kept."
        ),
        muted=True,
    )
    if package.get("household"):
        doc.facts(
            [
                (_("Household"), package["household"]["name"]),
                (_("Your role"), package["household"]["role_label"]),
            ]
        )

    controller = package["controller"]
    doc.heading(_("Controller and data protection officer"))
    doc.facts(
        [
            (label, controller.get(key))
            for key, label in (
                ("name", _("Organisation")),
                ("controller", _("Controller")),
                ("dpo", _("Data protection officer")),
                ("rights", _("Your rights")),
                ("authority", _("Supervisory authority")),
            )
            if controller.get(key)
        ]
    )

    for category in package["categories"]:
        doc.heading(category["title"])
        doc.facts(
            [
                (_("Purpose"), category["purpose"]),
                (_("Legal basis"), category["legal_basis"]),
                (_("Recipients"), category["recipients"] or _("none outside the organisation")),
                (_("Retention"), describe_retention(category["retention"])),
            ]
            + (
                [(_("Special categories"), category["special_note"])]
                if category["special_note"]
                else []
            )
        )
        has_rows = False
        for record in category["records"]:
            if not record["rows"]:
                continue
            has_rows = True
            labels = {f["name"]: f["label"] for f in record["fields"]}
            for index, row in enumerate(record["rows"], start=1):
                title = (
                    record["title"]
                    if len(record["rows"]) == 1
                    else f"{record['title']} ({index}/{len(record['rows'])})"
                )
                doc.heading(title, level=3)
                doc.facts(
                    [(_("Record number"), row["id"])]
                    + [
                        (labels[name], labelled(record["table"], name, row.get(name)))
                        for name in labels
                    ]
                )
        if not has_rows:
            doc.paragraph(_("No data of this category is stored about you."), muted=True)

    doc.heading(_("Consents and confidentiality releases"))
    if not package["consents"]:
        doc.paragraph(_("None."), muted=True)
    for item in package["consents"]:
        doc.heading(f"{item['kind_label']} · {display(item['granted_on'])}", level=3)
        doc.facts(
            [
                (
                    _("Form"),
                    f"{item['form']} ({_('version %(n)s', n=item['form_version'])})"
                    if item["form"]
                    else None,
                ),
                (_("Status"), item["status_label"]),
                (_("Valid until"), item["valid_until"]),
                (_("Signed by"), item["guardian_name"] or item["signed_by"]),
                (_("Recipients"), item["recipients"] + item["partner_names"]),
                (_("Purposes"), item["purposes"]),
                (
                    _("Revocations"),
                    [
                        f"{display(r['received_on'])}: "
                        + (_("whole consent") if r["whole"] else ", ".join(r["recipients"]))
                        for r in item["revocations"]
                    ],
                ),
            ]
        )

    doc.heading(_("Disclosures to third parties (Art. 15(1)(c) GDPR)"), new_page=False)
    if package["disclosures"]:
        doc.grid(
            [_("Date"), _("Recipient"), _("Purpose"), _("Data"), _("Legal basis")],
            [
                (
                    d["at"],
                    " · ".join(x for x in (d["recipient_category"], d["recipient_name"]) if x),
                    d["purpose_label"],
                    d["data_categories"],
                    d["legal_basis_label"],
                )
                for d in package["disclosures"]
            ],
            col_widths=(25, 45, 30, 40, 34),
        )
    else:
        doc.paragraph(_("No data about you was passed on to third parties."), muted=True)

    doc.heading(_("Your requests under data protection law"), new_page=False)
    if package["requests"]:
        doc.grid(
            [_("Request"), _("Received"), _("Due"), _("Status")],
            [
                (r["kind_label"], r["received_on"], r["due_on"], r["status_label"])
                for r in package["requests"]
            ],
        )
    else:
        doc.paragraph(_("None."), muted=True)

    doc.heading(_("Documents"), new_page=False)
    if package["attachments"]:
        doc.paragraph(
            _("The documents themselves are handed over as copies together with this information."),
            muted=True,
        )
        doc.grid(
            [_("File name"), _("Type"), _("Size (bytes)"), _("Uploaded"), _("Checksum (SHA-256)")],
            [
                (a["filename"], a["content_type"], a["size"], a["uploaded_at"], a["sha256"])
                for a in package["attachments"]
            ],
            col_widths=(40, 30, 18, 26, 60),
            size=7.5,
        )
    else:
        doc.paragraph(_("None."), muted=True)

    doc.heading(_("Who accessed your data"), new_page=False)
    doc.paragraph(
        _("Excerpt of the audit trail: date, action and staff member; it records no content."),
        muted=True,
    )
    if package["access_log"]:
        doc.grid(
            [_("Time"), _("Action"), _("Staff member")],
            [(e["at"], e["action"], e["actor"]) for e in package["access_log"]],
            col_widths=(35, 80, 59),
            size=8,
        )
    else:
        doc.paragraph(_("None."), muted=True)

    doc.heading(_("Retention"), new_page=False)
    retention = package["retention"]
    doc.facts(
        [
            (_("Retention rule"), retention["title"]),
            (_("Starts with"), retention["start_event_label"]),
            (_("Period (months)"), retention["months"]),
            (_("Start date"), retention["start_on"]),
            (_("Due on"), retention["due_on"]),
            (_("Then"), retention["action_label"]),
            (_("Legal hold or restriction"), retention["held"]),
        ]
    )
    doc.paragraph(describe_retention(retention))
    return doc.to_bytes()


# --- Art. 30 ---------------------------------------------------------------------------------


def records_pdf(tenant, controller: dict, records: list[dict], generated_at) -> bytes:
    """The records of processing activities of one tenant, one section per data category."""
    title = _("Records of processing activities (Art. 30 GDPR)")
    doc = Document(title, footer=tenant.name)
    doc.cover(
        title,
        tenant.name,
        [(_("Date"), generated_at)]
        + [
            (label, controller.get(key))
            for key, label in (
                ("controller", _("Controller")),
                ("dpo", _("Data protection officer")),
            )
            if controller.get(key)
        ],
    )
    for record in records:
        doc.heading(record["title"])
        doc.facts(
            [
                (_("Purpose"), record["purpose"]),
                (_("Legal basis"), record["legal_basis"]),
                (_("Data subjects"), record["subjects"]),
                (_("Special categories (Art. 9 GDPR)"), record["special_note"] or _("none")),
                (_("Recipients"), record["recipients"] or _("none outside the organisation")),
                (_("Retention rule"), record["retention"]["title"]),
                (_("Retention period"), record["retention"]["text"]),
                (_("Contributed by"), record["contributed_by"]),
            ]
        )
        doc.grid(
            [_("Field"), _("Table and column")],
            [(f["label"], f["name"]) for f in record["fields"]],
            col_widths=(80, 94),
        )
    return doc.to_bytes()
