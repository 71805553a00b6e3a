"""Argon2id password hashing and the password policy (ASVS 6.2: length, no composition rules,
top-30 000 and context words rejected)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 1024

#: Argon2 parameters by ``LOTSE_PASSWORD_HASH_PROFILE``. "standard" is argon2-cffi's RFC 9106
#: low-memory profile. "test" exists because the suite tests behaviour, not the strength of the
#: hash (0.17 s per hash and sign-in made it minutes slower); :func:`init_app` refuses it unless
#: the app runs with ``TESTING``. Hashes made with other parameters still verify and are upgraded
#: on sign-in (``needs_rehash``).
PROFILES: dict[str, dict[str, Any]] = {
    "standard": {},
    "test": {"time_cost": 1, "memory_cost": 256, "parallelism": 1},
}
DEFAULT_PROFILE = "standard"
_hashers: dict[str, PasswordHasher] = {}
#: Verified against for unknown accounts so both paths take the same time (one per profile).
_dummy_hashes: dict[str, str] = {}


def init_app(app) -> None:
    """Check the configured profile at start-up: an unknown name or the cheap test profile outside
    a test configuration stops the app instead of weakening every stored password."""
    profile = app.config.setdefault("LOTSE_PASSWORD_HASH_PROFILE", DEFAULT_PROFILE)
    if profile not in PROFILES:
        raise ValueError(
            f"LOTSE_PASSWORD_HASH_PROFILE={profile!r} is unknown; use one of {sorted(PROFILES)}"
        )
    if profile != DEFAULT_PROFILE and not app.config.get("TESTING"):
        raise RuntimeError(
            f"LOTSE_PASSWORD_HASH_PROFILE={profile!r} is for the test suite only (TESTING)"
        )
    _dummy_hash(profile)  # made now, so the first unknown account costs what every other does


def _profile() -> str:
    if has_app_context():
        return current_app.config.get("LOTSE_PASSWORD_HASH_PROFILE", DEFAULT_PROFILE)
    return DEFAULT_PROFILE


def hasher(profile: str | None = None) -> PasswordHasher:
    """The Argon2 hasher of ``profile`` (default: the current app's)."""
    profile = profile or _profile()
    if profile not in _hashers:
        _hashers[profile] = PasswordHasher(**PROFILES[profile])
    return _hashers[profile]


def _dummy_hash(profile: str | None = None) -> str:
    profile = profile or _profile()
    if profile not in _dummy_hashes:
        _dummy_hashes[profile] = hasher(profile).hash("lotse dummy password for timing equality")
    return _dummy_hashes[profile]


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """Return ``(ok, needs_rehash)``; unknown accounts pass ``None`` and still cost one verify."""
    argon2 = hasher()
    try:
        argon2.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, False
    if password_hash is None:
        return False, False
    return True, argon2.check_needs_rehash(password_hash)


#: Words that make a password guessable in this installation.
CONTEXT_WORDS = ("lotse", "passwort", "kim", "integration", "casemanagement")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def policy_errors(password: str, *, context: tuple[str, ...] = ()) -> list[str]:
    """German (or current-locale) messages explaining why ``password`` is not acceptable."""
    errors = []
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        errors.append(_("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if length > MAX_LENGTH:
        errors.append(_("The password may have at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords():
        errors.append(_("This password is on the list of commonly used passwords."))
    words = [w.lower() for w in (*CONTEXT_WORDS, *context) if w and len(w) >= 3]
    if any(word in lowered for word in words):
        errors.append(
            _(
                "The password must not contain the name of the platform, the tenant or your e-mail "
                "address."
            )
        )
    return errors
