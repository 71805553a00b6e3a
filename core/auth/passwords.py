"""Argon2id password hashing and the password policy (ASVS 6.2: length, no composition rules,
top-30 000 and context words rejected)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 1024

_hasher = PasswordHasher()
#: Verified against for unknown accounts so both paths take the same time.
_DUMMY_HASH = _hasher.hash("lotse dummy password for timing equality")

#: Words that make a password guessable in this installation.
CONTEXT_WORDS = ("lotse", "passwort", "kim", "integration", "casemanagement")


def set_cost(*, time_cost: int, memory_cost: int, parallelism: int = 1) -> None:
    """Change the Argon2 cost. Only the test suite lowers it: it tests behaviour, not the
    strength of the hash, and 0.17 s per hash and per sign-in made it minutes slower. Hashes made
    with other parameters are still verified and upgraded on sign-in (``needs_rehash``)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash("lotse dummy password for timing equality")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """Return ``(ok, needs_rehash)``; unknown accounts pass ``None`` and still cost one verify."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False, False
    if password_hash is None:
        return False, False
    return True, _hasher.check_needs_rehash(password_hash)


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
