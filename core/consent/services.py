"""The one disclosure gate: ``check(person, recipient, purpose, at)`` and ``disclose(...)``.

Every path that lets personal data leave the organisation (referral, case-conference invitation,
export or print for a recipient) calls :func:`disclose`. It asks :func:`check`, writes the
disclosure register row in the same transaction, and refuses with a German reason naming what is
missing. A refusal writes nothing but an audit row (committed by the caller after the rollback,
see :func:`record_refusal`).

Race safety: :func:`disclose` and :func:`revoke` lock the person's consent rows
(``SELECT … FOR UPDATE`` on PostgreSQL), so a disclosure and a revocation of the same consent are
serialised: a share never commits after the revocation it raced with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import events
from core.audit import services as audit
from core.auth.services import ValidationError
from core.confirm import Consequences
from core.consent import coverage
from core.consent.models import (
    CONFIRMATIONS,
    CONSENT_KINDS,
    PURPOSES,
    ConsentRecord,
    ConsentRevocation,
    ConsentTemplate,
    ConsentTemplateVersion,
    Disclosure,
    RecipientCategory,
)
from core.consent.schemas import (
    ConsentSchema,
    DisclosureInputSchema,
    RevocationSchema,
)
from core.dates import add_months, age_on
from core.db import db
from core.schemas import load


class ConsentRefused(ValidationError):
    """The gate said no; ``decision.reason`` names what is missing."""

    def __init__(self, decision):
        super().__init__({"consent": [decision.reason]})
        self.decision = decision


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    consent_id: int | None = None


def categories(active_only=True) -> list[RecipientCategory]:
    stmt = select(RecipientCategory).order_by(RecipientCategory.id)
    if active_only:
        stmt = stmt.where(RecipientCategory.active.is_(True))
    return list(db.session.scalars(stmt))


def category_name(key: str) -> str:
    row = db.session.scalar(select(RecipientCategory).where(RecipientCategory.key == key))
    return row.name if row else key


def purpose_label(purpose: str) -> str:
    return {
        "counselling": _("counselling and support"),
        "referral": _("referral to a service"),
        "case_conference": _("case conference"),
        "export": _("export to a partner"),
        "print": _("print for a recipient"),
    }.get(purpose, purpose)


def _covering(
    person_id: int, kind: str | tuple[str, ...], *, lock: bool = False
) -> list[ConsentRecord]:
    """Consent records of ``kind`` (one or several) that cover the person (own, or as a covered
    minor child), newest first: one indexed query (:func:`core.consent.coverage.consents_of`)."""
    kinds = (kind,) if isinstance(kind, str) else kind
    return coverage.consents_of(person_id, kinds, lock=lock)


def _revocations(consent_ids) -> dict[int, list[ConsentRevocation]]:
    out: dict[int, list[ConsentRevocation]] = {}
    if consent_ids:
        for row in db.session.scalars(
            select(ConsentRevocation).where(ConsentRevocation.consent_id.in_(list(consent_ids)))
        ):
            out.setdefault(row.consent_id, []).append(row)
    return out


def _revoked_for(revocations, recipient_key: str | None, at: date) -> ConsentRevocation | None:
    for row in revocations:
        if row.received_on <= at and (
            not row.recipient_keys or (recipient_key and recipient_key in row.recipient_keys)
        ):
            return row
    return None


def check(
    person,
    recipient_key: str,
    purpose: str,
    at: date | None = None,
    *,
    partner_name: str = "",
    kind: str = "confidentiality_release",
    _records=None,
) -> Decision:
    """May data of ``person`` go to ``recipient_key`` for ``purpose`` on day ``at``?"""
    at = at or date.today()
    records = _records if _records is not None else _covering(person.id, kind)
    recipient = category_name(recipient_key) if recipient_key else partner_name
    if not records:
        return Decision(
            False,
            _("There is no confidentiality release for this person. Please obtain one first."),
        )
    revocations = _revocations([r.id for r in records])
    reasons = []
    for record in records:
        if record.granted_on > at:
            reasons.append(
                _(
                    "The confidentiality release only applies from %(date)s.",
                    date=record.granted_on.strftime("%d.%m.%Y"),
                )
            )
            continue
        covers_recipient = (recipient_key and recipient_key in (record.recipient_keys or [])) or (
            partner_name and partner_name in (record.partner_names or [])
        )
        if not covers_recipient:
            reasons.append(
                _("The confidentiality release does not cover %(recipient)s.", recipient=recipient)
            )
            continue
        if purpose not in (record.purposes or []):
            reasons.append(
                _(
                    'The confidentiality release does not cover the purpose "%(purpose)s".',
                    purpose=purpose_label(purpose),
                )
            )
            continue
        if record.valid_until is not None and record.valid_until < at:
            reasons.append(
                _(
                    "The confidentiality release expired on %(date)s.",
                    date=record.valid_until.strftime("%d.%m.%Y"),
                )
            )
            continue
        revoked = _revoked_for(revocations.get(record.id, []), recipient_key, at)
        if revoked is not None:
            reasons.append(
                _(
                    "The confidentiality release for %(recipient)s was revoked on %(date)s.",
                    recipient=recipient,
                    date=revoked.received_on.strftime("%d.%m.%Y"),
                )
            )
            continue
        return Decision(True, "", record.id)
    # The most specific reason: the newest record's.
    return Decision(False, reasons[0])


def strict(tenant) -> bool:
    """Oberhausen 7.2: the release must be confirmed again for every single disclosure."""
    return bool((tenant.settings or {}).get("consent_strict"))


def disclose(actor, tenant, person, data=None, *, case=None, **values) -> Disclosure:
    """Check the gate and register the disclosure in the running transaction, or raise.

    ``data`` is the raw input of :class:`~core.consent.schemas.DisclosureInputSchema` (a form or
    JSON body); keyword arguments are merged into it (callers in code name the fields directly).
    """
    _ensure_visible(actor, person, case)
    values = load(DisclosureInputSchema, {**dict(data or {}), **values})
    recipient_key, recipient_name = values["recipient_key"], values["recipient_name"]
    purpose, override_reason = values["purpose"], values["override_reason"]
    confirmation = values["confirmation"]
    errors: dict[str, list[str]] = {}
    if (
        recipient_key
        and db.session.scalar(
            select(RecipientCategory.id).where(RecipientCategory.key == recipient_key)
        )
        is None
    ):
        errors["recipient_key"] = [_("Please choose a value from the list.")]
    if strict(tenant) and not override_reason and confirmation not in CONFIRMATIONS:
        errors["confirmation"] = [
            _(
                "This organisation asks for the client's agreement to every single disclosure. "
                "Please record how the client agreed."
            )
        ]
    if errors:
        raise ValidationError(errors)
    records = _covering(person.id, "confidentiality_release", lock=True)
    if stopped(person):
        # Art. 7(3): after the processing consent was revoked nothing leaves the organisation, not
        # even with an override; a hold keeps the file only as it is.
        raise ConsentRefused(
            Decision(
                False,
                _(
                    "The consent to process this person's data was revoked. "
                    "No data may be passed on any more."
                ),
            )
        )
    decision = check(person, recipient_key, purpose, partner_name=recipient_name, _records=records)
    if not decision.allowed and not override_reason:
        raise ConsentRefused(decision)
    row = Disclosure(
        person_id=person.id,
        case_id=getattr(case, "id", None),
        recipient_key=recipient_key,
        recipient_name=recipient_name,
        # Codes only: the register outlives anonymisation, so it must not hold free text.
        data_categories=values["data_categories"],
        purpose=purpose,
        legal_basis="consent" if decision.allowed else "override",
        consent_id=decision.consent_id,
        override_reason=override_reason,
        confirmation=confirmation,
        channel=values["channel"],
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "disclosure.override" if not decision.allowed else "disclosure.made",
        actor=actor,
        obj=row,
        person=person.id,
        recipient=recipient_key or None,
        purpose=purpose,
    )
    return row


def disclose_from_case(actor, tenant, case, data) -> Disclosure:
    """Pass data on from a case (the page and the API): :func:`disclose` in the caller's
    transaction. A refusal (:class:`ConsentRefused`) leaves nothing of the attempt but its audit
    row, which is committed here on its own, so the caller's answer cannot lose it."""
    values = load(DisclosureInputSchema, data)
    person_id = case.person_id
    try:
        return disclose(actor, tenant, case.person, values, case=case)
    except ConsentRefused:
        db.session.rollback()
        from core.persons.models import Person

        record_refusal(
            actor, db.session.get(Person, person_id), values["recipient_key"], values["purpose"]
        )
        db.session.commit()
        raise


def record_refusal(actor, person, recipient_key: str, purpose: str) -> None:
    """Audit a refused disclosure (call after rolling back the refused transaction)."""
    audit.record(
        "disclosure.refused",
        actor=actor,
        object_type="Person",
        object_id=person.id,
        recipient=recipient_key or None,
        purpose=purpose,
    )


# --- templates and records -----------------------------------------------------------------


DEFAULT_CATEGORIES = (
    (
        "city_services",
        "Beteiligte Stellen der Verwaltung (z. B. existenzsichernde Leistungen, Erzieherische "
        "Hilfen)",
    ),
    ("schools_daycare", "Schulen, Schulsozialarbeit, Offener Ganztag, Kindertageseinrichtungen"),
    ("processors", "Auftragsverarbeiter (z. B. IT-Dienstleister)"),
    ("counselling_services", "Sucht- und Rechtsberatungsstellen"),
    ("jobcenter", "Jobcenter / Agentur für Arbeit"),
    ("education_participation", "Anbieter von Leistungen für Bildung und Teilhabe"),
    ("welfare_providers", "Freie Träger und Wohlfahrtsverbände"),
    ("interpreters", "Übersetzungsbüros und Dolmetscher*innen"),
    ("landlords", "Vermieter*innen"),
)


NRW_AUTHORITY = (
    "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen, "
    "Kavalleriestraße 2–4, 40213 Düsseldorf, Tel. 0211 38424-0, poststelle@ldi.nrw.de, "
    "www.ldi.nrw.de"
)


def default_privacy_notice(tenant) -> dict:
    """The Art. 13 information sheet in Oberhausen's wording, with the tenant as controller.
    Stored data (German), not UI text: it is what the client is handed."""
    return {
        "controller": tenant.name,
        "dpo": (
            f"Behördliche Datenschutzbeauftragte bzw. behördlicher Datenschutzbeauftragter von "
            f"{tenant.name}. "
            "Die Kontaktdaten erhalten Sie bei Ihrer Beratungsstelle."
        ),
        "purposes": (
            "Unterstützung und Beratung im Integrationsprozess sowie Vermittlung an Fachstellen im "
            "Rahmen des Case Managements. Die Angabe Ihrer Daten ist freiwillig. Vollständige "
            "Angaben sind hilfreich; ohne personenbezogene Daten ist eine Beratung unter Umständen "
            "nicht möglich oder nicht erfolgreich."
        ),
        "legal_basis": (
            "Art. 6 Abs. 1 Satz 1 Buchst. a) und Art. 9 Abs. 2 Buchst. a) DSGVO in Verbindung mit "
            "Ihrer Einwilligung."
        ),
        "recipients": (
            "Die in der Einwilligungs- und Schweigepflichtentbindungserklärung genannten Stellen, "
            "soweit Sie ihnen zugestimmt haben."
        ),
        "storage": "Solange der Beratungs- und Unterstützungsprozess zur Integration andauert.",
        "rights": (
            "Sie haben das Recht auf Auskunft (Art. 15 DSGVO), auf Berichtigung (Art. 16 DSGVO), "
            "auf Löschung (Art. 17 DSGVO) oder Einschränkung der Verarbeitung (Art. 18 DSGVO), auf "
            "Datenübertragbarkeit (Art. 20 DSGVO), auf Widerspruch aus Gründen, die sich aus Ihrer "
            "besonderen Situation ergeben (Art. 21 DSGVO), und auf Beschwerde bei der "
            "Aufsichtsbehörde (Art. 77 DSGVO). Ihre Einwilligung können Sie jederzeit für die "
            "Zukunft widerrufen (Art. 7 Abs. 3 DSGVO)."
        ),
        "authority": NRW_AUTHORITY,
    }


def default_release_texts(tenant) -> dict:
    """The default form's texts per language, with the information sheet in English and Arabic."""
    texts: dict[str, dict[str, Any]] = {
        lang: dict(text) for lang, text in DEFAULT_RELEASE_TEXTS.items()
    }
    name = tenant.name
    texts["en"]["notice"] = {
        "controller": name,
        "dpo": (
            f"The official data protection officer of {name}. Your counselling office will give "
            "you the contact details."
        ),
        "purposes": (
            "Support and counselling in the integration process and referral to specialist "
            "services within case management. Giving your data is voluntary. Complete information "
            "helps; without personal data, counselling may not be possible or successful."
        ),
        "legal_basis": "Art. 6(1)(a) and Art. 9(2)(a) GDPR together with your consent.",
        "recipients": (
            "The bodies named in the consent and confidentiality release, as far as you agreed."
        ),
        "storage": "As long as the counselling and support process for your integration lasts.",
        "rights": (
            "You have the right of access (Art. 15 GDPR), rectification (Art. 16), erasure (Art. "
            "17) or restriction of processing (Art. 18), data portability (Art. 20), to object on "
            "grounds relating to your particular situation (Art. 21) and to lodge a complaint with "
            "the supervisory authority (Art. 77). You can withdraw your consent at any time with "
            "effect for the future (Art. 7(3) GDPR)."
        ),
    }
    texts["ar"]["notice"] = {
        "controller": name,
        "dpo": (
            f"مسؤول حماية البيانات الرسمي لدى {name}. يمكنك الحصول على بيانات الاتصال من مكتب "
            "الاستشارة الخاص بك."
        ),
        "purposes": (
            "الدعم والاستشارة في عملية الاندماج والإحالة إلى الجهات المختصة في إطار إدارة الحالات. "
            "تقديم بياناتك طوعي. المعلومات الكاملة مفيدة؛ وبدون البيانات الشخصية قد لا تكون "
            "الاستشارة ممكنة أو ناجحة."
        ),
        "legal_basis": (
            "المادة 6 (1) (أ) والمادة 9 (2) (أ) من اللائحة العامة لحماية البيانات، بالاقتران مع "
            "موافقتك."
        ),
        "recipients": (
            "الجهات المذكورة في إقرار الموافقة والإعفاء من واجب السرية، بقدر ما وافقت عليه."
        ),
        "storage": "طوال مدة عملية الاستشارة والدعم الخاصة باندماجك.",
        "rights": (
            "لك الحق في الاطلاع على بياناتك (المادة 15)، وتصحيحها (المادة 16)، وحذفها (المادة 17) "
            "أو تقييد معالجتها (المادة 18)، وفي نقل البيانات (المادة 20)، والاعتراض لأسباب تتعلق "
            "بوضعك الخاص (المادة 21)، وتقديم شكوى إلى السلطة الرقابية (المادة 77). يمكنك سحب "
            "موافقتك في أي وقت بأثر مستقبلي (المادة 7 (3))."
        ),
    }
    return texts


#: Purpose and body of the default release in German, English and Arabic (stored data).
DEFAULT_RELEASE_TEXTS = {
    "de": {
        "purpose": (
            "Ermittlung von Unterstützungsbedarfen, Beratung und Vermittlung von Hilfen im Case "
            "Management."
        ),
        "body": (
            "Ich entbinde die Case Manager*innen gegenüber den angekreuzten Stellen von der "
            "Schweigepflicht (§ 203 StGB). Die Einwilligung ist freiwillig; eine Ablehnung hat "
            "keine negativen Folgen. Ich kann sie jederzeit für die Zukunft widerrufen."
        ),
    },
    "en": {
        "purpose": "Identifying support needs, counselling and arranging help in case management.",
        "body": (
            "I release the case managers from their duty of confidentiality (section 203 of the "
            "German Criminal Code, StGB) towards the bodies ticked below. This consent is "
            "voluntary; refusing it has no negative consequences for me. I can revoke it at any "
            "time with effect for the future."
        ),
    },
    "ar": {
        "purpose": (
            "تحديد احتياجات الدعم، وتقديم الاستشارة، والتوسط في الحصول على المساعدات في إطار إدارة "
            "الحالات."
        ),
        "body": (
            "أُعفي مديري ومديرات الحالات من واجب الحفاظ على السرية المهنية (المادة 203 من قانون "
            "العقوبات الألماني StGB) تجاه الجهات المؤشَّر عليها أدناه. هذه الموافقة طوعية، ولا "
            "يترتب على رفضها أي عواقب سلبية بالنسبة لي. ويمكنني سحبها في أي وقت بأثر مستقبلي."
        ),
    },
}


def tenant_release_version(tenant) -> dict:
    """Title and version-1 wording of the tenant's combined consent + release form: the tenant's
    own (tenant setting ``consent_release``: ``title``, ``texts`` per language,
    ``processing_bodies``, the German ``privacy_notice``; Oberhausen's tenant.toml carries its
    Anlage 9.2.5) or the defaults. The tenant's texts replace the default languages as a whole,
    so no language of the form says something else than the German."""
    own = (tenant.settings or {}).get("consent_release") or {}
    return {
        "title": own.get("title") or "Einwilligung und Schweigepflichtentbindung",
        "texts": own.get("texts") or default_release_texts(tenant),
        "processing_bodies": own.get("processing_bodies") or tenant.name,
        "privacy_notice": {**default_privacy_notice(tenant), **(own.get("privacy_notice") or {})},
    }


def ensure_defaults(tenant) -> ConsentTemplate:
    """Recipient categories (tenant setting ``recipient_categories`` or Oberhausen's nine) and a
    combined consent + release template, version 1 in German, English and Arabic with the
    Art. 13 information sheet, or in the tenant's own wording (:func:`tenant_release_version`).
    Existing templates are left as they are."""
    wanted = (tenant.settings or {}).get("recipient_categories") or dict(DEFAULT_CATEGORIES)
    existing = {c.key for c in categories(active_only=False)}
    for key, name in wanted.items():
        if key not in existing:
            db.session.add(RecipientCategory(tenant_id=tenant.id, key=key, name=name))
    template = db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == "release"))
    if template is None:
        wording = tenant_release_version(tenant)
        template = ConsentTemplate(
            tenant_id=tenant.id,
            key="release",
            kind="confidentiality_release",
            title=wording["title"],
        )
        db.session.add(template)
        db.session.flush()
        from core.db import utcnow

        db.session.add(
            ConsentTemplateVersion(
                tenant_id=tenant.id,
                template_id=template.id,
                number=1,
                recipient_keys=list(wanted),
                purposes=list(PURPOSES),
                texts=wording["texts"],
                processing_bodies=wording["processing_bodies"],
                privacy_notice=wording["privacy_notice"],
                published_at=utcnow(),
            )
        )
    db.session.flush()
    return template


def current_versions() -> list[ConsentTemplateVersion]:
    return list(
        db.session.scalars(
            select(ConsentTemplateVersion)
            .where(
                ConsentTemplateVersion.published_at.is_not(None),
                ConsentTemplateVersion.retired_at.is_(None),
            )
            .order_by(ConsentTemplateVersion.template_id, ConsentTemplateVersion.number.desc())
        )
    )


def _ensure_visible(actor, person, case=None) -> None:
    """Consents and disclosures check visibility themselves (HTML and API alike): 404."""
    from core.cases import access
    from core.persons.services import ensure_person

    if case is not None:
        access.ensure_case(actor, case)
    if person is not None:
        ensure_person(actor, person)


def _covered_visible(actor, person_ids) -> bool:
    """Family members a consent also covers must be persons the user may see."""
    from core.auth.permissions import acting_member
    from core.persons.models import Person
    from core.persons.services import can_see_person, get_person

    if not acting_member(actor):
        # Jobs and imports act for the organisation: the persons must still be its own.
        wanted = set(person_ids)
        return not wanted or len(wanted) == len(
            db.session.scalars(select(Person.id).where(Person.id.in_(wanted))).all()
        )
    for person_id in person_ids:
        other = get_person(person_id)
        if other is None or not can_see_person(other, actor):
            return False
    return True


def record_consent(actor, person, data) -> ConsentRecord:
    """Record a signed consent (append-only). Under-16s need a guardian's signature.

    ``data`` is the raw input of :class:`~core.consent.schemas.ConsentSchema`; what depends on
    the chosen form version and on the person is checked here.
    """
    _ensure_visible(actor, person)
    data = dict(data)
    # Code (imports, tests) may name the filed paper directly. It is no field of the schema, so
    # neither a page nor the API can set it: the page files it via record_consent_with_evidence.
    evidence_id = data.pop("evidence_id", None)
    values = load(ConsentSchema, data)
    version = db.session.scalar(
        select(ConsentTemplateVersion).where(
            ConsentTemplateVersion.id == values["template_version_id"],
            ConsentTemplateVersion.published_at.is_not(None),
        )
    )
    kind = (
        db.session.scalar(
            select(ConsentTemplate.kind).where(ConsentTemplate.id == version.template_id)
        )
        if version is not None
        else None
    )
    if version is None or kind not in CONSENT_KINDS:
        raise ValidationError({"template_version_id": [_("Please choose a form from the list.")]})
    errors: dict[str, list[str]] = {}
    language, signed_by = values["language"], values["signed_by"]
    recipient_keys, purposes = values["recipient_keys"], values["purposes"]
    covered = values["covered_person_ids"]
    granted_on = values["granted_on"] or date.today()
    valid_until = values["valid_until"]
    if language not in (version.texts or {}):
        errors["language"] = [_("This form does not exist in the chosen language.")]
    if version.valid_months and valid_until is None:
        valid_until = add_months(granted_on, version.valid_months)
    if any(k not in (version.recipient_keys or []) for k in recipient_keys):
        errors["recipient_keys"] = [_("Please choose recipients of this form.")]
    if any(p not in (version.purposes or []) for p in purposes):
        errors["purposes"] = [_("Please choose purposes of this form.")]
    if kind == "confidentiality_release" and not recipient_keys and not values["partner_names"]:
        errors["recipient_keys"] = [
            _("A confidentiality release must name at least one recipient.")
        ]
    if kind == "confidentiality_release" and not purposes:
        errors["purposes"] = [_("Please choose at least one purpose.")]
    if person.birth_date is not None:
        if age_on(person.birth_date, granted_on) < 16 and signed_by == "self":
            errors["signed_by"] = [_("The person is under 16: a parent or guardian must sign.")]
    if not _covered_visible(actor, covered):
        errors["covered_person_ids"] = [_("Please choose family members from the list.")]
    if errors:
        raise ValidationError(errors)
    record = ConsentRecord(
        person_id=person.id,
        template_version_id=version.id,
        kind=kind,
        language=language,
        signed_by=signed_by,
        guardian_name=values["guardian_name"],
        covered_person_ids=covered,
        recipient_keys=recipient_keys,
        partner_names=values["partner_names"],
        purposes=purposes,
        granted_on=granted_on,
        valid_until=valid_until,
        evidence_id=evidence_id,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    audit.record("consent.recorded", actor=actor, obj=record, person=person.id, kind=kind)
    return record


EVIDENCE_TYPES = ("pdf", "jpg", "jpeg", "png")


def latest_case(person, actor):
    """The person's most recent case that ``actor`` may open: where the signed paper is filed."""
    from core.cases import access
    from core.cases.models import Case

    return db.session.scalar(
        select(Case)
        .where(
            Case.person_id == person.id,
            access.visible_condition(actor.id, supervise=access.can_supervise()),
        )
        .order_by(Case.opened_on.desc(), Case.id.desc())
        .limit(1)
    )


def record_consent_with_evidence(actor, person, data: dict, upload=None) -> ConsentRecord:
    """Record the consent and file the signed paper (PDF, JPG, PNG) on the person's latest case,
    in the caller's one transaction. The file is written only once the record itself is valid."""
    from core.cases import documents

    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    errors: dict[str, list[str]] = {}
    case = None
    if has_file:
        ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        case = latest_case(person, actor)
        if ext not in EVIDENCE_TYPES:
            errors["evidence"] = [_("Please upload the signed form as PDF, JPG or PNG.")]
        elif case is None:
            errors["evidence"] = [
                _(
                    "The signed form is filed in the person's case, but this person has no case "
                    "yet. "
                    "Please open a case first or record the consent without the file."
                )
            ]
    try:
        record = record_consent(actor, person, data)
    except ValidationError as exc:
        raise ValidationError({**exc.errors, **errors}) from exc
    if errors:
        raise ValidationError(errors)
    if has_file:
        try:
            attachment = documents.save_attachment(actor, case, upload, _("Signed consent form"))
        except ValidationError as exc:
            raise ValidationError(
                {"evidence": [m for messages in exc.errors.values() for m in messages]}
            ) from exc
        record.evidence_id = attachment.id
        db.session.flush()
        audit.record("consent.evidence_added", actor=actor, obj=record, attachment=attachment.id)
    return record


def evidence_links(records) -> dict[int, object]:
    """Evidence attachment per record id (for the download link to the case's document)."""
    from core.documentation.models import Attachment

    ids = [r.evidence_id for r in records if r.evidence_id]
    if not ids:
        return {}
    by_id = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    return {r.id: by_id[r.evidence_id] for r in records if r.evidence_id in by_id}


def revoke(actor, consent: ConsentRecord, data) -> ConsentRevocation:
    """One step, like granting: date received and scope (whole consent or some recipients)."""
    from core.persons.models import Person

    _ensure_visible(actor, db.session.get(Person, consent.person_id))
    values = load(RevocationSchema, data)
    received_on = values["received_on"] or date.today()
    keys = values["recipient_keys"]
    if any(k not in (consent.recipient_keys or []) for k in keys):
        raise ValidationError({"recipient_keys": [_("Please choose recipients of this consent.")]})
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(ConsentRecord.id).where(ConsentRecord.id == consent.id).with_for_update()
        )
    row = ConsentRevocation(
        consent_id=consent.id,
        received_on=received_on,
        recipient_keys=keys,
        recorded_by_id=getattr(actor, "id", None),
    )
    # Withdrawal is always possible (Art. 7(3)): the Art. 18 freeze lets revocations through.
    db.session.add(row)
    db.session.flush()
    audit.record(
        "consent.revoked", actor=actor, obj=consent, whole=not keys, recipients=keys or None
    )
    # Revoked in full with nothing left to process the data on: the privacy domain applies the
    # tenant's revocation policy (core.privacy.subscribers) and fills row.policy_log.
    events.consent_revoked(
        consent, row, actor=actor, ends_processing=not keys and ends_processing(consent)
    )
    return row


def ends_processing(consent: ConsentRecord, today: date | None = None) -> bool:
    """Does a revocation in full of ``consent`` start the tenant's revocation policy?

    A consent of the kind "processing" does so on its own (another processing consent of the
    person may still stand in for it; a confidentiality release does not, ADR 0007); a release
    does so only when it was the last consent processing rests on."""
    if consent.kind == "processing":
        return not processing_basis_left(
            consent.person_id, today, kinds=("processing",), excluding=consent.id
        )
    if consent.kind in PROCESSING_BASES:
        return not processing_basis_left(consent.person_id, today, excluding=consent.id)
    return False


def revocation_consequences(tenant, consent: ConsentRecord, *, whole: bool = True) -> Consequences:
    """What recording a revocation would do, for the confirmation page (nothing is written). When
    nothing is left to process the data on, the privacy domain says what its policy does to the
    file (``lotse_processing_end_consequences``): consent does not know the retention rules."""
    from core.persons.models import Person
    from core.plugins.relay import hooks_for

    recorded = _(
        "The revocation is recorded and applies from the day it was received: nothing more is "
        "passed on "
        "on the basis of this consent."
    )
    person = db.session.get(Person, consent.person_id)
    if not whole or person is None or not ends_processing(consent):
        return Consequences((recorded, _("Other consents still stand: the file stays as it is.")))
    answers = [
        answer
        for answer in hooks_for(tenant).lotse_processing_end_consequences(
            tenant=tenant, person=person
        )
        if answer
    ]
    return Consequences(
        (recorded, *(line for answer in answers for line in answer.lines)),
        irreversible=any(answer.irreversible for answer in answers),
    )


def stopped(person) -> bool:
    """Has processing of the person's data stopped (processing consent revoked, or anonymised)?"""
    return (
        getattr(person, "processing_revoked_at", None) is not None
        or getattr(person, "anonymised_at", None) is not None
    )


#: Consents the processing of a client file rests on (Art. 6(1)(a), 9(2)(a) GDPR).
PROCESSING_BASES = ("processing", "confidentiality_release")


def processing_basis_left(
    person_id: int,
    today: date | None = None,
    *,
    kinds=PROCESSING_BASES,
    excluding: int | None = None,
) -> bool:
    """Does any consent of ``kinds`` that processing rests on still stand for the person?"""
    today = today or date.today()
    records = [
        r
        for r in _covering(person_id, tuple(kinds))
        if r.person_id == person_id and r.id != excluding
    ]
    revocations = _revocations([r.id for r in records])
    return any(
        status(r, revocations.get(r.id, []), today) in ("active", "partly_revoked") for r in records
    )


def status(record: ConsentRecord, revocations, today: date | None = None) -> str:
    """ "active", "partly_revoked", "expired" or "revoked" on ``today``."""
    today = today or date.today()
    if any(not r.recipient_keys and r.received_on <= today for r in revocations):
        return "revoked"
    if record.valid_until is not None and record.valid_until < today:
        return "expired"
    if any(r.recipient_keys for r in revocations):
        return "partly_revoked"
    return "active"


#: The kinds a person's consent history shows, in this order.
HISTORY_KINDS = ("confidentiality_release", "processing", "cooperation")


def consent_history(
    person,
) -> list[tuple[ConsentRecord, list[ConsentRevocation], ConsentTemplateVersion | None]]:
    # Releases first, then processing consents, then agreements to cooperate; newest first each.
    order = {kind: i for i, kind in enumerate(HISTORY_KINDS)}
    records = sorted(
        coverage.consents_of(person.id, HISTORY_KINDS, with_coverage=True),
        key=lambda r: order[r.kind],
    )
    revocations = _revocations([r.id for r in records])
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(ConsentTemplateVersion).where(
                ConsentTemplateVersion.id.in_([r.template_version_id for r in records] or [0])
            )
        )
    }
    return [(r, revocations.get(r.id, []), versions.get(r.template_version_id)) for r in records]


def register(limit: int = 200) -> list[Disclosure]:
    return list(db.session.scalars(select(Disclosure).order_by(Disclosure.at.desc()).limit(limit)))


DISCLOSURES_PER_PAGE = 50


def disclosure_page(
    *,
    person_id: int | None = None,
    legal_basis: str | None = None,
    page: int = 1,
    per_page: int = DISCLOSURES_PER_PAGE,
) -> tuple[list[Disclosure], int]:
    """One page of the disclosure register (or of one person's disclosures), newest first, and
    the number of all entries: filtered and paged in the database, so no entry is ever cut off.
    A page beyond the last is empty (no query with an absurd offset)."""
    stmt = select(Disclosure)
    if person_id is not None:
        stmt = stmt.where(Disclosure.person_id == person_id)
    if legal_basis:
        stmt = stmt.where(Disclosure.legal_basis == legal_basis)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    if page < 1 or (page - 1) * per_page >= max(total, 1):
        return [], total
    rows = db.session.scalars(
        stmt.order_by(Disclosure.at.desc(), Disclosure.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def page_count(total: int, per_page: int = DISCLOSURES_PER_PAGE) -> int:
    return max((total - 1) // per_page + 1, 1)
