"""Administration of consent forms: templates, their versions (draft → published → retired) and
the recipient categories. A published version is what people signed, so it is frozen: changes
always go into a new draft. Every write is audited with ids only."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit import services as audit
from core.auth.services import ValidationError
from core.consent.models import (
    FORM_LANGUAGES,
    NOTICE_FIELDS,
    ConsentTemplate,
    ConsentTemplateVersion,
    RecipientCategory,
)
from core.consent.schemas import RecipientCategorySchema, TemplateSchema, VersionSchema
from core.consent.services import default_privacy_notice
from core.db import db, utcnow
from core.schemas import load

#: Languages a form can be offered in (codes → names); German is always required.
LANGUAGES = FORM_LANGUAGES

KIND_LABELS = {
    "processing": _l("Consent to data processing"),
    "cooperation": _l("Agreement on cooperation"),
    "confidentiality_release": _l("Consent and confidentiality release"),
}


class VersionFrozen(Exception):
    """A published version was to be changed; ``message`` says what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def notice_labels() -> dict[str, str]:
    """Headings of the information sheet (German in the German UI)."""
    return {
        "controller": _("Controller"),
        "dpo": _("Data protection officer"),
        "purposes": _("Purposes of the processing"),
        "legal_basis": _("Legal basis"),
        "recipients": _("Recipients or categories of recipients"),
        "storage": _("Storage period"),
        "rights": _("Rights of the data subject"),
        "authority": _("Supervisory authority"),
    }


#: Headings of the information sheet in the clients' languages (German and English come from the
#: catalogs). A language without an entry prints German headings.
SHEET_HEADINGS = {
    "ar": (
        "الجهة المسؤولة",
        "مسؤول حماية البيانات",
        "أغراض المعالجة",
        "الأساس القانوني",
        "المتلقون أو فئات المتلقين",
        "مدة التخزين",
        "حقوق الشخص المعني",
        "السلطة الرقابية",
        "لماذا تُستخدم بياناتك",
        "معلومات حول حماية البيانات (المادة 13 من اللائحة العامة لحماية البيانات)",
    ),
    "fa": (
        "مسئول پردازش",
        "مسئول حفاظت از داده‌ها",
        "اهداف پردازش",
        "مبنای قانونی",
        "دریافت‌کنندگان یا دسته‌های دریافت‌کنندگان",
        "مدت نگهداری",
        "حقوق شخص موضوع داده",
        "مرجع نظارتی",
        "داده‌های شما برای چه استفاده می‌شوند",
        "اطلاعات درباره حفاظت از داده‌ها (ماده ۱۳ GDPR)",
    ),
    "tr": (
        "Sorumlu kurum",
        "Veri koruma görevlisi",
        "İşleme amaçları",
        "Hukuki dayanak",
        "Alıcılar veya alıcı kategorileri",
        "Saklama süresi",
        "İlgili kişinin hakları",
        "Denetim makamı",
        "Verileriniz ne için kullanılıyor",
        "Veri koruma hakkında bilgilendirme (GVKT md. 13)",
    ),
    "uk": (
        "Відповідальна установа",
        "Уповноважений із захисту даних",
        "Цілі обробки",
        "Правова підстава",
        "Отримувачі або категорії отримувачів",
        "Строк зберігання",
        "Права суб'єкта даних",
        "Наглядовий орган",
        "Для чого використовуються ваші дані",
        "Інформація про захист даних (ст. 13 GDPR)",
    ),
    "ru": (
        "Ответственная организация",
        "Уполномоченный по защите данных",
        "Цели обработки",
        "Правовое основание",
        "Получатели или категории получателей",
        "Срок хранения",
        "Права субъекта данных",
        "Надзорный орган",
        "Для чего используются ваши данные",
        "Информация о защите данных (ст. 13 GDPR)",
    ),
    "fr": (
        "Responsable du traitement",
        "Délégué(e) à la protection des données",
        "Finalités du traitement",
        "Base juridique",
        "Destinataires ou catégories de destinataires",
        "Durée de conservation",
        "Droits de la personne concernée",
        "Autorité de contrôle",
        "À quoi servent vos données",
        "Informations sur la protection des données (art. 13 RGPD)",
    ),
}


def sheet_labels(language: str) -> dict[str, str]:
    """Headings of the printed information sheet in its language."""
    from flask_babel import force_locale

    if language in ("de", "en"):
        with force_locale(language):
            return {
                **notice_labels(),
                "what_for": _("What your data are used for"),
                "title": _("Information on data protection (Art. 13 GDPR)"),
            }
    headings = SHEET_HEADINGS.get(language)
    if headings is None:
        return sheet_labels("de")
    return {**dict(zip((*NOTICE_FIELDS, "what_for", "title"), headings, strict=True))}


def notice_in(version: ConsentTemplateVersion, language: str) -> dict[str, str]:
    """The Art. 13 texts in ``language``; parts not translated fall back to German."""
    german = dict(version.privacy_notice or {})
    translated = ((version.texts or {}).get(language) or {}).get("notice") or {}
    return {name: translated.get(name) or german.get(name, "") for name in NOTICE_FIELDS}


def language_label(code: str) -> str:
    return str(LANGUAGES.get(code, code))


def status(version: ConsentTemplateVersion) -> str:
    """ "draft", "published" or "retired"."""
    if version.published_at is None:
        return "draft"
    return "retired" if version.retired_at is not None else "published"


def status_label(code: str) -> str:
    return {"draft": _("draft"), "published": _("published"), "retired": _("retired")}.get(
        code, code
    )


def languages_of(version: ConsentTemplateVersion) -> list[str]:
    """The version's languages, German first, then in the order of :data:`LANGUAGES`."""
    order = list(LANGUAGES)
    return sorted(
        (version.texts or {}).keys(),
        key=lambda c: (order.index(c) if c in order else len(order), c),
    )


# --- reading -------------------------------------------------------------------------------


def templates() -> list[ConsentTemplate]:
    return list(
        db.session.scalars(
            select(ConsentTemplate).order_by(ConsentTemplate.title, ConsentTemplate.id)
        )
    )


def get_template(template_id: int) -> ConsentTemplate | None:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.id == template_id))


def _template_of(version: ConsentTemplateVersion) -> ConsentTemplate:
    template = get_template(version.template_id)
    assert template is not None  # the foreign key keeps a version's template (deletes cascade)
    return template


def get_version(version_id: int) -> ConsentTemplateVersion | None:
    return db.session.scalar(
        select(ConsentTemplateVersion).where(ConsentTemplateVersion.id == version_id)
    )


def template_or_404(template_id: int) -> ConsentTemplate:
    template = get_template(template_id)
    if template is None:
        abort(404)
    return template


def version_or_404(version_id: int) -> ConsentTemplateVersion:
    version = get_version(version_id)
    if version is None:
        abort(404)
    return version


def current_number(template: ConsentTemplate) -> int | None:
    """Number of the newest published, not retired version (the one offered for signing)."""
    for version in template.versions:
        if status(version) == "published":
            return version.number
    return None


def draft_of(template: ConsentTemplate) -> ConsentTemplateVersion | None:
    return next((v for v in template.versions if v.published_at is None), None)


def all_categories() -> list[RecipientCategory]:
    return list(db.session.scalars(select(RecipientCategory).order_by(RecipientCategory.id)))


def get_category(category_id: int) -> RecipientCategory | None:
    return db.session.scalar(select(RecipientCategory).where(RecipientCategory.id == category_id))


# --- templates -----------------------------------------------------------------------------


def create_template(actor, tenant, data) -> ConsentTemplate:
    """A new consent form (its wording follows as a draft version)."""
    values = load(TemplateSchema, data)
    if (
        db.session.scalar(select(ConsentTemplate.id).where(ConsentTemplate.key == values["key"]))
        is not None
    ):
        raise ValidationError({"key": [_("This key is used by another form.")]})
    template = ConsentTemplate(
        tenant_id=tenant.id, key=values["key"], kind=values["kind"], title=values["title"]
    )
    db.session.add(template)
    db.session.flush()
    audit.record("consent.template_created", actor=actor, obj=template)
    return template


# --- versions ------------------------------------------------------------------------------


def create_draft(actor, tenant, template: ConsentTemplate) -> ConsentTemplateVersion:
    """A new draft, copied from the newest version (texts, recipients, purposes, sheet)."""
    if draft_of(template) is not None:
        raise ValidationError(
            {
                "version": [
                    _("There is already a draft of this form. Please edit or publish it first.")
                ]
            }
        )
    latest = template.versions[0] if template.versions else None
    number = (
        db.session.scalar(
            select(func.max(ConsentTemplateVersion.number)).where(
                ConsentTemplateVersion.template_id == template.id
            )
        )
        or 0
    ) + 1
    active_keys = {c.key for c in all_categories() if c.active}
    # Parts an older version left empty start from the default wording (Art. 13 needs all).
    notice = default_privacy_notice(tenant)
    notice.update(
        {
            k: v
            for k, v in ((latest.privacy_notice or {}) if latest else {}).items()
            if k in NOTICE_FIELDS and v
        }
    )
    version = ConsentTemplateVersion(
        tenant_id=tenant.id,
        template_id=template.id,
        number=number,
        texts={lang: dict(text) for lang, text in (latest.texts or {}).items()}
        if latest
        else {"de": {"purpose": "", "body": ""}},
        recipient_keys=[k for k in (latest.recipient_keys if latest else []) if k in active_keys],
        purposes=list(latest.purposes) if latest else [],
        processing_bodies=latest.processing_bodies if latest else tenant.name,
        privacy_notice=notice,
        valid_months=latest.valid_months if latest else None,
    )
    db.session.add(version)
    db.session.flush()
    db.session.expire(template, ["versions"])
    audit.record(
        "consent.version_drafted",
        actor=actor,
        obj=version,
        template=template.id,
        copied_from=latest.id if latest else None,
    )
    return version


#: The stored values of a version, as :class:`~core.consent.schemas.VersionSchema` loads them.
VERSION_FIELDS = (
    "texts",
    "recipient_keys",
    "purposes",
    "processing_bodies",
    "valid_months",
    "privacy_notice",
)


def _validated(template: ConsentTemplate, data) -> dict:
    """A whole version checked by the schema, then against the tenant's recipient categories."""
    values = load(VersionSchema, data)
    known = {c.key: c.active for c in all_categories()}
    keys = values["recipient_keys"]
    if any(not known.get(k) for k in keys):
        raise ValidationError({"recipient_keys": [_("Please choose recipients from the list.")]})
    if template.kind == "confidentiality_release" and not keys:
        raise ValidationError(
            {"recipient_keys": [_("A confidentiality release must name at least one recipient.")]}
        )
    return values


def _frozen() -> VersionFrozen:
    return VersionFrozen(
        _("This version is published and can no longer be changed. Create a new draft instead.")
    )


def update_draft(actor, version: ConsentTemplateVersion, data) -> ConsentTemplateVersion:
    """Replace the draft's values with ``data`` (missing keys keep their value); all or nothing."""
    if version.published_at is not None:
        raise _frozen()
    template = _template_of(version)
    current = {name: getattr(version, name) for name in VERSION_FIELDS}
    values = _validated(template, {**current, **dict(data)})
    changed = sorted(k for k, v in values.items() if v != current[k])
    for name, value in values.items():
        setattr(version, name, value)
    db.session.flush()
    audit.record(
        "consent.version_changed", actor=actor, obj=version, template=template.id, fields=changed
    )
    return version


def publish(actor, version: ConsentTemplateVersion) -> ConsentTemplateVersion:
    """Freeze the draft: from now on it can be signed, and it is never edited again."""
    if version.published_at is not None:
        raise VersionFrozen(_("This version is already published."))
    template = _template_of(version)
    _validated(template, {name: getattr(version, name) for name in VERSION_FIELDS})
    version.published_at = utcnow()
    db.session.flush()
    audit.record("consent.version_published", actor=actor, obj=version, template=template.id)
    return version


def retire(actor, version: ConsentTemplateVersion) -> ConsentTemplateVersion:
    """No new consents on this version; consents already signed on it stay valid."""
    if version.published_at is None:
        raise ValidationError({"version": [_("Only published versions can be retired.")]})
    if version.retired_at is not None:
        raise ValidationError({"version": [_("This version is already retired.")]})
    version.retired_at = utcnow()
    db.session.flush()
    audit.record("consent.version_retired", actor=actor, obj=version, template=version.template_id)
    return version


# --- recipient categories ------------------------------------------------------------------


def add_category(actor, tenant, data) -> RecipientCategory:
    values = load(RecipientCategorySchema, data)
    if (
        db.session.scalar(
            select(RecipientCategory.id).where(RecipientCategory.key == values["key"])
        )
        is not None
    ):
        raise ValidationError({"key": [_("This key is used by another recipient category.")]})
    category = RecipientCategory(tenant_id=tenant.id, key=values["key"], name=values["name"])
    db.session.add(category)
    db.session.flush()
    audit.record("consent.category_created", actor=actor, obj=category)
    return category


def set_category_active(actor, category: RecipientCategory, active: bool) -> RecipientCategory:
    """Categories are never deleted: signed consents and the register refer to their keys."""
    if category.active != active:
        category.active = active
        db.session.flush()
        audit.record(
            "consent.category_reactivated" if active else "consent.category_deactivated",
            actor=actor,
            obj=category,
        )
    return category
