"""Login throttling that never reveals whether an account exists.

Failed attempts are counted per account key (a hash of the submitted e-mail, whether or not such
an account exists) and per client address, in a moving one-minute window. Storage is
``LOTSE_RATELIMIT_STORAGE``: ``memory://`` for one process, ``redis://…`` when several app servers
serve (the limit must be shared). A throttled attempt is refused before the password is checked,
so an attacker cannot lock out an account for longer than one window (no permanent lockout).
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerMinute, storage, strategies


class LoginThrottle:
    def __init__(self, storage_uri: str, per_account: int, per_ip: int):
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        self.per_account = RateLimitItemPerMinute(per_account)
        self.per_ip = RateLimitItemPerMinute(per_ip)

    @staticmethod
    def _account_key(email: str) -> str:
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()

    def is_throttled(self, email: str, ip: str) -> bool:
        return not (
            self._limiter.test(self.per_account, "login-account", self._account_key(email))
            and self._limiter.test(self.per_ip, "login-ip", ip)
        )

    def failed(self, email: str, ip: str) -> None:
        self._limiter.hit(self.per_account, "login-account", self._account_key(email))
        self._limiter.hit(self.per_ip, "login-ip", ip)

    def succeeded(self, email: str) -> None:
        self._limiter.clear(self.per_account, "login-account", self._account_key(email))

    def reset(self) -> None:
        self._limiter.storage.reset()


def init_throttle(app) -> None:
    app.extensions["lotse.throttle"] = LoginThrottle(
        app.config["LOTSE_RATELIMIT_STORAGE"],
        app.config["LOTSE_LOGIN_FAILURES_PER_ACCOUNT"],
        app.config["LOTSE_LOGIN_FAILURES_PER_IP"],
    )


def throttle() -> LoginThrottle:
    return current_app.extensions["lotse.throttle"]
