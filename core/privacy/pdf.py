"""The data-protection officer's PDFs: the Art. 15 answer and the Art. 30 records, on the shared
PDF base of :mod:`core.pdf`."""

from __future__ import annotations

from flask_babel import gettext as _

from core.pdf import Document, display

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
