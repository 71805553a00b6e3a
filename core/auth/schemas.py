"""Input of accounts once: sign-in, second factor, passwords, API tokens, the account's language
and the invitee's answer. The password policy itself (length, context words, breached lists) is
:mod:`core.auth.passwords`; it needs the account, so the services apply it after loading."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from core.schemas import LotseSchema, Secret, Slug, Text, choice

#: What an e-mail address must look like (one @, a dot in the domain, no blanks).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
#: Longest password read at all: bounds the work per request. The policy's own limit is lower
#: (:data:`core.auth.passwords.MAX_LENGTH`) and has its own message.
PASSWORD_MAX = 4096
#: Longest lifetime of a personal API token (days); there are no unlimited tokens.
TOKEN_MAX_DAYS = 90


class Email(Slug):
    """An e-mail address, trimmed and lowercased (accounts are found by it)."""

    def __init__(self, *, max_length: int = 254, **kwargs: Any):
        super().__init__(
            pattern=EMAIL_PATTERN,
            message=_l("Please enter a valid e-mail address."),
            max_length=max_length,
            **kwargs,
        )


class LowerText(Text):
    """Trimmed, lowercased text: what a person typed as their address, unchecked (a sign-in with
    a malformed address simply fails like any other)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


def password(**kwargs: Any) -> Secret:
    """A password as typed: never trimmed (blanks may belong to it)."""
    kwargs.setdefault("load_default", "")
    return Secret(validate=validate.Length(max=PASSWORD_MAX), **kwargs)


class AccountSchema(LotseSchema):
    """A new account (the CLI, an invitation): its address and the name others see."""

    email = Email(required=True, blank=_l("Please enter a valid e-mail address."))
    display_name = Text(max_length=200, required=True, blank=_l("Please enter a name."))


class LoginSchema(LotseSchema):
    """Signing in (a tenant's page, or the operator console with its second factor in the form)."""

    email = LowerText(max_length=PASSWORD_MAX, load_default="", allow_none=False)
    password = password()
    code = fields.String(
        load_default="",
        validate=validate.Length(max=64),
        metadata={"description": "Operator console: the current code of the authenticator app."},
    )


class SecondFactorSchema(LotseSchema):
    """The second step of a sign-in: an authenticator code or a recovery code."""

    code = fields.String(load_default="", validate=validate.Length(max=64))


class EmailSchema(LotseSchema):
    """ "Forgot your password?": the address to send the link to."""

    email = LowerText(max_length=254, load_default="", allow_none=False)


class NewPasswordSchema(LotseSchema):
    """Choosing a password (set-up or reset link); the policy is checked by the service."""

    new_password = password()
    confirm_password = password()

    @validates_schema
    def _match(self, data, **kwargs):
        if data.get("new_password") != data.get("confirm_password"):
            raise ValidationError({"confirm_password": [_("The two new passwords do not match.")]})


class PasswordChangeSchema(NewPasswordSchema):
    """Changing one's own password: the current one first."""

    current_password = password()


class TotpSetupSchema(LotseSchema):
    """Switching the second factor on: the current password and a first code."""

    password = password()
    code = fields.String(load_default="", validate=validate.Length(max=64))


class TotpDisableSchema(LotseSchema):
    disable_password = password()


class ApiTokenSchema(LotseSchema):
    """A personal API token; its secret is shown once."""

    name = Text(
        max_length=100,
        required=True,
        allow_none=False,
        blank=_l("Please give the token a name (at most 100 characters)."),
    )
    days = fields.Integer(
        load_default=TOKEN_MAX_DAYS,
        validate=validate.Range(
            min=1,
            max=TOKEN_MAX_DAYS,
            error=_l("A token is valid for 1 to %(n)d days.", n=TOKEN_MAX_DAYS),
        ),
        error_messages={
            "invalid": _l("A token is valid for 1 to %(n)d days.", n=TOKEN_MAX_DAYS),
            "null": _l("A token is valid for 1 to %(n)d days.", n=TOKEN_MAX_DAYS),
        },
    )


class LanguageSchema(LotseSchema):
    """The account's language; empty: the tenant's default (the tenant says what it offers)."""

    locale = Text(max_length=10, load_default="", allow_none=False)


class InvitationAnswerSchema(LotseSchema):
    decision = choice(("accept", "decline"), required=True)


# --- what the API returns -------------------------------------------------------------------


class TenantSummarySchema(LotseSchema):
    slug = fields.String()
    name = fields.String()
    kind = fields.String()


class MeSchema(LotseSchema):
    """The signed-in user in this tenant: roles and the permissions they give."""

    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())
    permissions = fields.List(fields.String())
    org_unit_id = fields.Integer(allow_none=True)
    tenant = fields.Nested(TenantSummarySchema)
