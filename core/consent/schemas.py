"""Input and output of consent once, for the pages and the API: recording and revoking a consent,
disclosures through the gate, consent forms (templates, versions, the Art. 13 sheet) and recipient
categories.

The schemas check what can be checked without the database: lengths, allowed values, date ranges
and rules between fields. What depends on stored data (the chosen form version, the tenant's
recipient categories, the person's age, the tenant's strictness) is checked by the services after
loading.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, post_load, validate, validates, validates_schema

from core.consent.models import (
    CHANNELS,
    CONFIRMATIONS,
    CONSENT_KINDS,
    DATA_CATEGORIES,
    FORM_LANGUAGES,
    NOTICE_FIELDS,
    PURPOSES,
    SIGNERS,
)
from core.schemas import DateWithin, Day, LotseSchema, Many, Slug, Text, choice, choices

#: Keys of consent forms and recipient categories: lowercase words joined by - or _.
KEY_PATTERN = r"^[a-z0-9]+([_-][a-z0-9]+)*$"
KEY_MESSAGE = _l("Use lowercase letters, digits, hyphens and underscores (e.g. release-jmd).")
TEXT_MAX = 20000
NOTICE_MAX = 4000
#: A consent is signed within living memory and runs out within one.
PAST_YEARS, FUTURE_YEARS = 100, 100


class Lines(Many):
    """Names one per line (a textarea on the page) or as a list of strings (the API)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            lines: list[Any] = []
            for item in value:
                if isinstance(item, str):
                    lines.extend(line.strip() for line in item.splitlines() if line.strip())
                else:
                    lines.append(item)
            value = lines
        return super()._deserialize(value, attr, data, **kwargs)


class PerLanguage(fields.Dict):
    """A mapping language code → nested wording; errors are named ``texts.<lang>.<part>`` (as the
    page's fields are), not marshmallow's ``texts.<lang>.value.<part>``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict:
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            messages = exc.messages
            if isinstance(messages, dict):
                messages = {
                    key: inner.get("value", inner) if isinstance(inner, dict) else inner
                    for key, inner in messages.items()
                }
            raise ValidationError(messages) from None


# --- consent records and revocations --------------------------------------------------------


class RevocationSchema(LotseSchema):
    """A revocation: the day it was received and its scope (no keys: the whole consent)."""

    id = fields.Integer(dump_only=True)
    received_on = Day(
        load_default=None,
        allow_none=True,
        validate=DateWithin(past_years=PAST_YEARS),
        metadata={"description": "Day the revocation was received; empty: today."},
    )
    recipient_keys = Many(
        Text(max_length=60, allow_none=False),
        load_default=list,
        metadata={"description": "Recipient categories withdrawn; empty: the whole consent."},
    )
    policy_applied = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": '"erased" or "anonymised" when this revocation removed the last consent '
            "processing rested on."
        },
    )
    processing_stopped = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "True when processing stopped: the policy ran, or a legal hold/"
            "restriction keeps the file frozen until it ends."
        },
    )

    @validates("received_on")
    def _not_future(self, value, **kwargs):
        if value is not None and value > date.today():
            raise ValidationError(_("A revocation cannot be dated in the future."))


class ConsentSchema(LotseSchema):
    """A signed consent or confidentiality release of a person (and the minors it covers)."""

    id = fields.Integer(dump_only=True)
    person_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": list(CONSENT_KINDS)})
    template_version_id = fields.Integer(
        required=True,
        error_messages={
            "required": _l("Please choose a form from the list."),
            "null": _l("Please choose a form from the list."),
            "invalid": _l("Please choose a form from the list."),
        },
        metadata={"description": "A published version of a consent form."},
    )
    language = choice(
        FORM_LANGUAGES,
        load_default="de",
        allow_none=False,
        metadata={"description": "Language of the text the person was shown and signed."},
    )
    signed_by = choice(SIGNERS, load_default="self", allow_none=False)
    guardian_name = Text(max_length=200, load_default="", allow_none=False)
    covered_person_ids = Many(
        fields.Integer(),
        load_default=list,
        metadata={"description": "Minor children the consent also covers."},
    )
    recipient_keys = Many(
        Text(max_length=60, allow_none=False),
        load_default=list,
        metadata={"description": "Recipient categories of the chosen form version."},
    )
    partner_names = Lines(
        Text(max_length=200, allow_none=False),
        load_default=list,
        metadata={"description": "Further named recipients (on the page: one per line)."},
    )
    purposes = choices(PURPOSES, load_default=list)
    granted_on = Day(
        load_default=None,
        allow_none=True,
        validate=DateWithin(past_years=PAST_YEARS),
        metadata={"description": "Day of the signature; empty: today."},
    )
    valid_until = Day(
        load_default=None,
        allow_none=True,
        validate=DateWithin(future_years=FUTURE_YEARS),
        metadata={"description": "Empty: until revoked (or the form's period of validity)."},
    )
    status = fields.String(
        dump_only=True, metadata={"enum": ["active", "partly_revoked", "expired", "revoked"]}
    )
    revocations = fields.List(fields.Nested(RevocationSchema), dump_only=True)

    @validates("granted_on")
    def _not_future(self, value, **kwargs):
        if value is not None and value > date.today():
            raise ValidationError(_("The consent cannot be dated in the future."))

    @validates_schema
    def _rules(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        start = data.get("granted_on") or date.today()
        if data.get("valid_until") is not None and data["valid_until"] < start:
            errors["valid_until"] = [_("The end cannot lie before the signature.")]
        if data.get("signed_by") == "guardian" and not data.get("guardian_name"):
            errors["guardian_name"] = [
                _("Please enter the name of the parent or guardian who signed.")
            ]
        if errors:
            raise ValidationError(errors)


# --- disclosures ---------------------------------------------------------------------------


class DisclosureInputSchema(LotseSchema):
    """Passing data on from a case (the case is the page's; the API names it, see below)."""

    recipient_key = Text(
        max_length=60,
        load_default="",
        allow_none=False,
        metadata={"description": "A recipient category; or leave empty and name the recipient."},
    )
    recipient_name = Text(max_length=200, load_default="", allow_none=False)
    purpose = choice(PURPOSES, required=True)
    channel = choice(CHANNELS, required=True)
    data_categories = choices(
        DATA_CATEGORIES,
        required=True,
        validate=validate.Length(min=1, error=_l("Please say which data are passed on.")),
        error_messages={"required": _l("Please say which data are passed on.")},
    )
    confirmation = choice(
        ("", *CONFIRMATIONS),
        load_default="",
        allow_none=False,
        metadata={"description": "How the client agreed to this disclosure (strict tenants)."},
    )
    override_reason = Text(
        max_length=4000,
        load_default="",
        allow_none=False,
        metadata={"description": "Passing on without a valid release: the documented reason."},
    )

    @validates_schema
    def _recipient(self, data, **kwargs):
        if not data.get("recipient_key") and not data.get("recipient_name"):
            raise ValidationError({"recipient_key": [_("Please name the recipient.")]})


class DisclosureRequestSchema(DisclosureInputSchema):
    """A disclosure through the API: the same fields and the case it is made from."""

    case_id = fields.Integer(required=True)


class DisclosureSchema(LotseSchema):
    """One row of the disclosure register."""

    id = fields.Integer()
    person_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    recipient_key = fields.String()
    recipient_name = fields.String()
    data_categories = fields.List(fields.String(validate=validate.OneOf(DATA_CATEGORIES)))
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    legal_basis = fields.String(validate=validate.OneOf(("consent", "override")))
    consent_id = fields.Integer(allow_none=True)
    override_reason = fields.String()
    confirmation = fields.String()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    at = fields.DateTime()


# --- consent forms --------------------------------------------------------------------------


class NoticeSchema(LotseSchema):
    """Art. 13 GDPR information sheet; a published version needs every part."""

    controller = Text(max_length=NOTICE_MAX, load_default="", allow_none=False)
    dpo = Text(
        max_length=NOTICE_MAX,
        load_default="",
        allow_none=False,
        metadata={"description": "Contact of the data-protection officer."},
    )
    purposes = Text(max_length=NOTICE_MAX, load_default="", allow_none=False)
    legal_basis = Text(max_length=NOTICE_MAX, load_default="", allow_none=False)
    recipients = Text(max_length=NOTICE_MAX, load_default="", allow_none=False)
    storage = Text(
        max_length=NOTICE_MAX,
        load_default="",
        allow_none=False,
        metadata={"description": "Storage period."},
    )
    rights = Text(
        max_length=NOTICE_MAX,
        load_default="",
        allow_none=False,
        metadata={"description": "Rights of the data subject (Art. 15–21)."},
    )
    authority = Text(
        max_length=NOTICE_MAX,
        load_default="",
        allow_none=False,
        metadata={"description": "Supervisory authority."},
    )

    @validates_schema
    def _complete(self, data, *, partial=False, **kwargs):
        missing = {
            name: [_("The information sheet needs this part (Art. 13 GDPR).")]
            for name in NOTICE_FIELDS
            if not data.get(name) and not (partial and name not in data)
        }
        if missing:
            raise ValidationError(missing)


class TranslatedNoticeSchema(LotseSchema):
    """The information sheet in a further language; parts left empty are printed in German."""

    controller = Text(max_length=NOTICE_MAX, allow_none=False)
    dpo = Text(max_length=NOTICE_MAX, allow_none=False)
    purposes = Text(max_length=NOTICE_MAX, allow_none=False)
    legal_basis = Text(max_length=NOTICE_MAX, allow_none=False)
    recipients = Text(max_length=NOTICE_MAX, allow_none=False)
    storage = Text(max_length=NOTICE_MAX, allow_none=False)
    rights = Text(max_length=NOTICE_MAX, allow_none=False)
    authority = Text(max_length=NOTICE_MAX, allow_none=False)


class TextSchema(LotseSchema):
    """A form's wording in one language."""

    purpose = Text(max_length=TEXT_MAX, load_default="", allow_none=False)
    body = Text(max_length=TEXT_MAX, load_default="", allow_none=False)
    notice = fields.Nested(
        TranslatedNoticeSchema,
        metadata={"description": "Not for German: the German sheet is `privacy_notice`."},
    )


class VersionSummarySchema(LotseSchema):
    id = fields.Integer()
    number = fields.Integer()
    status = fields.String(validate=validate.OneOf(("draft", "published", "retired")))
    languages = fields.List(fields.String())
    published_at = fields.DateTime(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)


class TemplateSchema(LotseSchema):
    """A consent form; its wording lives in versions."""

    id = fields.Integer(dump_only=True)
    key = Slug(pattern=KEY_PATTERN, message=KEY_MESSAGE, max_length=60, required=True)
    kind = choice(CONSENT_KINDS, required=True)
    title = Text(max_length=200, required=True)
    versions = fields.List(fields.Nested(VersionSummarySchema), dump_only=True)


class VersionSchema(LotseSchema):
    """A version of a consent form. Loaded whole (the page's form, or a draft before publishing)
    or partially (the API's PATCH: fields sent replace the draft's values, ``texts`` as a whole so
    languages can be removed; the service then checks the merged version again)."""

    id = fields.Integer(dump_only=True)
    template_id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True)
    status = fields.String(
        dump_only=True, validate=validate.OneOf(("draft", "published", "retired"))
    )
    languages = fields.List(fields.String(), dump_only=True)
    texts = PerLanguage(
        keys=fields.String(),
        values=fields.Nested(TextSchema),
        metadata={
            "description": "Per language ("
            + ", ".join(FORM_LANGUAGES)
            + "): purpose and body. German is required."
        },
    )
    recipient_keys = Many(
        Text(max_length=60, allow_none=False),
        metadata={"description": "Active recipient categories of the tenant."},
    )
    purposes = choices(
        PURPOSES,
        validate=validate.Length(min=1, error=_l("Please choose at least one purpose.")),
    )
    processing_bodies = Text(max_length=2000, allow_none=False)
    valid_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    privacy_notice = fields.Nested(NoticeSchema)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    retired_at = fields.DateTime(dump_only=True, allow_none=True)

    @validates("texts")
    def _languages(self, value, **kwargs):
        if any(lang not in FORM_LANGUAGES for lang in value):
            raise ValidationError(_("Please choose languages from the list."))

    @validates_schema(skip_on_field_errors=False)
    def _wording(self, data, *, partial=False, **kwargs):
        """Every language offered has both texts; German is always there."""
        if partial and "texts" not in data:
            return
        texts = data.get("texts")
        if not isinstance(texts, dict):
            return  # the field's own error says what is wrong
        errors: dict[str, dict] = {}
        for lang, text in texts.items():
            if lang not in FORM_LANGUAGES or not isinstance(text, dict):
                continue
            for part in ("purpose", "body"):
                if not text.get(part):
                    message = (
                        _("Please enter the German text.")
                        if lang == "de"
                        else _(
                            "Please enter the text in %(language)s or remove the language.",
                            language=str(FORM_LANGUAGES[lang]),
                        )
                    )
                    errors.setdefault(lang, {})[part] = [message]
        if "de" not in texts:
            errors["de"] = {"purpose": [_("Please enter the German text.")]}
        if errors:
            raise ValidationError({"texts": errors})

    @post_load
    def _tidy(self, data, **kwargs):
        """German needs no translated sheet; empty translated parts fall back to German."""
        if "texts" in data:
            texts = {}
            for lang, text in data["texts"].items():
                cleaned = {"purpose": text.get("purpose", ""), "body": text.get("body", "")}
                notice = {k: v for k, v in (text.get("notice") or {}).items() if v}
                if notice and lang != "de":
                    cleaned["notice"] = notice
                texts[lang] = cleaned
            data["texts"] = texts
        return data


class VersionPatchSchema(VersionSchema):
    """A change to a draft through the API (loaded with ``partial=True``): only the fields sent,
    the information sheet part by part."""


class RecipientCategorySchema(LotseSchema):
    """A kind of recipient; never deleted (signed consents refer to its key)."""

    id = fields.Integer(dump_only=True)
    key = Slug(pattern=KEY_PATTERN, message=KEY_MESSAGE, max_length=60, required=True)
    name = Text(max_length=300, required=True)
    active = fields.Boolean(dump_only=True)
