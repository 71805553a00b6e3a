"""Administration of consent forms: templates, their versions (draft → published → retired) and
the recipient categories. A published version is what people signed, so it is frozen: changes
always go into a new draft. Every write is audited with ids only."""

from __future__ import annotations

import re

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit import services as audit
from core.auth.services import ValidationError
from core.consent.models import (
    CONSENT_KINDS,
    ConsentTemplate,
    ConsentTemplateVersion,
    RecipientCategory,
)
from core.consent.services import PURPOSES, default_privacy_notice
from core.db import db, utcnow

#: Languages a form can be offered in (the clients' languages); German is always required.
LANGUAGES = {
    "de": _l("German"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "fa": _l("Persian (Farsi)"),
    "tr": _l("Turkish"),
    "uk": _l("Ukrainian"),
    "ru": _l("Russian"),
    "ti": _l("Tigrinya"),
    "ku": _l("Kurdish (Kurmanji)"),
    "fr": _l("French"),
}
RTL_LANGUAGES = frozenset({"ar", "fa"})

#: The Art. 13 GDPR information sheet, in the order it is printed.
NOTICE_FIELDS = (
    "controller",
    "dpo",
    "purposes",
    "legal_basis",
    "recipients",
    "storage",
    "rights",
    "authority",
)

KIND_LABELS = {
    "processing": _l("Consent to data processing"),
    "cooperation": _l("Agreement on cooperation"),
    "confidentiality_release": _l("Consent and confidentiality release"),
}

_KEY = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")
_TEXT_MAX = 20000
_NOTICE_MAX = 4000


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


def is_rtl(code: str) -> bool:
    return code in RTL_LANGUAGES


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


def create_template(actor, tenant, data: dict) -> ConsentTemplate:
    errors: dict[str, list[str]] = {}
    key = str(data.get("key") or "").strip().lower()
    kind = str(data.get("kind") or "")
    title = str(data.get("title") or "").strip()
    if not _KEY.match(key) or len(key) > 60:
        errors["key"] = [
            _("Use lowercase letters, digits, hyphens and underscores (e.g. release-jmd).")
        ]
    elif (
        db.session.scalar(select(ConsentTemplate.id).where(ConsentTemplate.key == key)) is not None
    ):
        errors["key"] = [_("This key is used by another form.")]
    if kind not in CONSENT_KINDS:
        errors["kind"] = [_("Please choose a value from the list.")]
    if not title or len(title) > 200:
        errors["title"] = [_("Please enter a title (at most 200 characters).")]
    if errors:
        raise ValidationError(errors)
    template = ConsentTemplate(tenant_id=tenant.id, key=key, kind=kind, title=title)
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


def _clean_texts(raw, errors) -> dict:
    texts: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        errors["texts"] = [_("Please enter the texts per language.")]
        return texts
    for lang, text in raw.items():
        if lang not in LANGUAGES:
            errors["texts"] = [_("Please choose languages from the list.")]
            continue
        text = text if isinstance(text, dict) else {}
        cleaned: dict = {}
        notice = text.get("notice") if lang != "de" and isinstance(text.get("notice"), dict) else {}
        translated = {}
        for name in NOTICE_FIELDS:
            value = str(notice.get(name) or "").strip()
            if len(value) > _NOTICE_MAX:
                errors[f"texts.{lang}.notice.{name}"] = [
                    _("Please enter at most %(n)d characters.", n=_NOTICE_MAX)
                ]
            if value:
                translated[name] = value
        if translated:
            # The information sheet in this language; parts left empty are printed in German.
            cleaned["notice"] = translated
        for part in ("purpose", "body"):
            value = str(text.get(part) or "").strip()
            if not value:
                if lang == "de":
                    message = _("Please enter the German text.")
                else:
                    message = _(
                        "Please enter the text in %(language)s or remove the language.",
                        language=language_label(lang),
                    )
                errors[f"texts.{lang}.{part}"] = [message]
            elif len(value) > _TEXT_MAX:
                errors[f"texts.{lang}.{part}"] = [
                    _("Please enter at most %(n)d characters.", n=_TEXT_MAX)
                ]
            cleaned[part] = value
        texts[lang] = cleaned
    if "de" not in texts:
        errors["texts.de.purpose"] = [_("Please enter the German text.")]
    return texts


def _clean(template: ConsentTemplate, data: dict) -> dict:
    """Check a full set of version values; raise with field-named German messages."""
    errors: dict[str, list[str]] = {}
    texts = _clean_texts(data.get("texts"), errors)
    known = {c.key: c.active for c in all_categories()}
    keys = [str(k) for k in (data.get("recipient_keys") or []) if k]
    if any(not known.get(k) for k in keys):
        errors["recipient_keys"] = [_("Please choose recipients from the list.")]
    elif template.kind == "confidentiality_release" and not keys:
        errors["recipient_keys"] = [
            _("A confidentiality release must name at least one recipient.")
        ]
    purposes = [str(p) for p in (data.get("purposes") or []) if p]
    if any(p not in PURPOSES for p in purposes):
        errors["purposes"] = [_("Please choose a value from the list.")]
    elif not purposes:
        errors["purposes"] = [_("Please choose at least one purpose.")]
    bodies = str(data.get("processing_bodies") or "").strip()
    if len(bodies) > 2000:
        errors["processing_bodies"] = [_("Please enter at most %(n)d characters.", n=2000)]
    months = data.get("valid_months")
    if months in ("", None):
        months = None
    else:
        try:
            months = int(months)
        except (TypeError, ValueError):
            errors["valid_months"] = [_("Please enter a whole number.")]
            months = None
        else:
            if not 1 <= months <= 120:
                errors["valid_months"] = [
                    _("Please enter a number between %(min)d and %(max)d.", min=1, max=120)
                ]
    raw_notice = data.get("privacy_notice") or {}
    notice = {}
    for name in NOTICE_FIELDS:
        value = str(raw_notice.get(name) or "").strip() if isinstance(raw_notice, dict) else ""
        if not value:
            errors[f"privacy_notice.{name}"] = [
                _("The information sheet needs this part (Art. 13 GDPR).")
            ]
        elif len(value) > _NOTICE_MAX:
            errors[f"privacy_notice.{name}"] = [
                _("Please enter at most %(n)d characters.", n=_NOTICE_MAX)
            ]
        notice[name] = value
    if errors:
        raise ValidationError(errors)
    return {
        "texts": texts,
        "recipient_keys": keys,
        "purposes": purposes,
        "processing_bodies": bodies,
        "valid_months": months,
        "privacy_notice": notice,
    }


def _frozen() -> VersionFrozen:
    return VersionFrozen(
        _("This version is published and can no longer be changed. Create a new draft instead.")
    )


def update_draft(actor, version: ConsentTemplateVersion, data: dict) -> ConsentTemplateVersion:
    """Replace the draft's values with ``data`` (missing keys keep their value); all or nothing."""
    if version.published_at is not None:
        raise _frozen()
    template = get_template(version.template_id)
    current = {
        "texts": version.texts,
        "recipient_keys": version.recipient_keys,
        "purposes": version.purposes,
        "processing_bodies": version.processing_bodies,
        "valid_months": version.valid_months,
        "privacy_notice": version.privacy_notice,
    }
    values = _clean(template, {**current, **{k: v for k, v in data.items() if k in current}})
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
    template = get_template(version.template_id)
    _clean(
        template,
        {
            "texts": version.texts,
            "recipient_keys": version.recipient_keys,
            "purposes": version.purposes,
            "processing_bodies": version.processing_bodies,
            "valid_months": version.valid_months,
            "privacy_notice": version.privacy_notice,
        },
    )
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


def add_category(actor, tenant, data: dict) -> RecipientCategory:
    errors: dict[str, list[str]] = {}
    key = str(data.get("key") or "").strip().lower()
    name = str(data.get("name") or "").strip()
    if not _KEY.match(key) or len(key) > 60:
        errors["key"] = [
            _("Use lowercase letters, digits, hyphens and underscores (e.g. release-jmd).")
        ]
    elif (
        db.session.scalar(select(RecipientCategory.id).where(RecipientCategory.key == key))
        is not None
    ):
        errors["key"] = [_("This key is used by another recipient category.")]
    if not name or len(name) > 300:
        errors["name"] = [_("Please enter a name (at most %(n)d characters).", n=300)]
    if errors:
        raise ValidationError(errors)
    category = RecipientCategory(tenant_id=tenant.id, key=key, name=name)
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
