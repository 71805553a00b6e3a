"""The PDF base every document Lotse hands out is built on (consent forms, the Art. 15 answer,
the Art. 30 records …), with fpdf2.

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

FONT_DIR = Path(__file__).resolve().parent / "static" / "fonts"
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
