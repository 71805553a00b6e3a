"""Login throttling that never reveals whether an account exists and never locks its owner out.

Three counters of *failed* attempts, each keyed by a hash (no e-mail address or IP in clear):

* **account + client address**, one minute: a guesser is refused after a few tries, but only for
  the address it guesses from, so nobody can keep a named colleague out by failing on purpose;
* **client address**, one minute: one address spraying many accounts is refused;
* **account from all addresses**, 15 minutes: a distributed attack on one account *slows down*
  every attempt for that account and alerts (audit, log, a mail to the owner) — the correct
  password is still accepted.

The counters must be shared by every worker, otherwise each of N workers grants N times the
limit. ``LOTSE_RATELIMIT_STORAGE``: ``database`` (default; the ``login_failure`` table),
``redis://…``, or ``memory://`` — the last one only for a single process: :func:`check_storage`
refuses it when more than one worker serves.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from limits import RateLimitItemPerMinute, storage, strategies
from sqlalchemy import delete, func, select

log = logging.getLogger(__name__)

ACCOUNT_IP, IP, ACCOUNT = "account_ip", "ip", "account"
CEILING_MINUTES = 15


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(p.strip().lower() for p in parts).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    refused: bool
    #: The account is under a distributed attack: slow down and alert, but do not refuse.
    slow: bool = False


class _LimitsCounter:
    """Moving windows in memory or Redis (the ``limits`` library)."""

    def __init__(self, uri: str):
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))

    def count_reached(self, item, scope: str, key: str) -> bool:
        return not self._limiter.test(item, scope, key)

    def hit(self, item, scope: str, key: str) -> None:
        self._limiter.hit(item, scope, key)

    def clear(self, item, scope: str, key: str) -> None:
        self._limiter.clear(item, scope, key)

    def reset(self) -> None:
        self._limiter.storage.reset()


class _DatabaseCounter:
    """Failed attempts as rows of ``login_failure``: every worker and server sees the same count."""

    def _window_start(self, item):
        from core.db import utcnow

        return utcnow() - timedelta(seconds=item.get_expiry())

    def count_reached(self, item, scope: str, key: str) -> bool:
        from core.auth.models import LoginFailure
        from core.db import db

        count = db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(
                LoginFailure.scope == scope,
                LoginFailure.key_hash == key,
                LoginFailure.at >= self._window_start(item),
            )
        )
        return count >= item.amount

    def hit(self, item, scope: str, key: str) -> None:
        from core.auth.models import LoginFailure
        from core.db import db, utcnow

        now = utcnow()
        db.session.add(LoginFailure(scope=scope, key_hash=key, at=now))
        # Old rows are useless after the longest window; a day keeps the table tiny.
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))

    def clear(self, item, scope: str, key: str) -> None:
        from core.auth.models import LoginFailure
        from core.db import db

        db.session.execute(
            delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key_hash == key)
        )

    def reset(self) -> None:
        from core.auth.models import LoginFailure
        from core.db import db

        db.session.execute(delete(LoginFailure))
        db.session.commit()


class LoginThrottle:
    def __init__(self, storage_uri: str, per_account: int, per_ip: int, account_ceiling: int = 50):
        self.storage_uri = storage_uri
        self._counter = (
            _DatabaseCounter() if storage_uri == "database" else _LimitsCounter(storage_uri)
        )
        self.per_account = RateLimitItemPerMinute(per_account)
        self.per_ip = RateLimitItemPerMinute(per_ip)
        self.account_ceiling = RateLimitItemPerMinute(account_ceiling, multiples=CEILING_MINUTES)

    def check(self, account: str, ip: str) -> Verdict:
        refused = self._counter.count_reached(
            self.per_account, ACCOUNT_IP, _hash(account, ip)
        ) or self._counter.count_reached(self.per_ip, IP, _hash(ip))
        slow = self._counter.count_reached(self.account_ceiling, ACCOUNT, _hash(account))
        return Verdict(refused=refused, slow=slow)

    def is_throttled(self, account: str, ip: str) -> bool:
        return self.check(account, ip).refused

    def failed(self, account: str, ip: str) -> bool:
        """Count a failure; True when it makes the account reach its ceiling (alert once)."""
        was_slow = self._counter.count_reached(self.account_ceiling, ACCOUNT, _hash(account))
        self._counter.hit(self.per_account, ACCOUNT_IP, _hash(account, ip))
        self._counter.hit(self.per_ip, IP, _hash(ip))
        self._counter.hit(self.account_ceiling, ACCOUNT, _hash(account))
        return not was_slow and self._counter.count_reached(
            self.account_ceiling, ACCOUNT, _hash(account)
        )

    def succeeded(self, account: str, ip: str) -> None:
        self._counter.clear(self.per_account, ACCOUNT_IP, _hash(account, ip))

    def reset(self) -> None:
        self._counter.reset()


def check_storage(storage_uri: str, workers: int) -> str | None:
    """A sentence explaining why this storage cannot serve ``workers`` processes, or ``None``."""
    if storage_uri.startswith("memory://") and workers > 1:
        return (
            "LOTSE_RATELIMIT_STORAGE=memory:// zählt Anmeldeversuche nur in einem Prozess; mit "
            f"{workers} Workern bitte 'database' (Standard) oder redis://… verwenden."
        )
    return None


def init_throttle(app) -> None:
    app.extensions["lotse.throttle"] = LoginThrottle(
        app.config["LOTSE_RATELIMIT_STORAGE"],
        app.config["LOTSE_LOGIN_FAILURES_PER_ACCOUNT"],
        app.config["LOTSE_LOGIN_FAILURES_PER_IP"],
        app.config["LOTSE_LOGIN_FAILURES_ACCOUNT_CEILING"],
    )


def throttle() -> LoginThrottle:
    return current_app.extensions["lotse.throttle"]


def slow_down() -> None:
    """Make a distributed guesser pay time per attempt (the owner, typing once, barely notices)."""
    import time

    seconds = current_app.config["LOTSE_LOGIN_SLOWDOWN_SECONDS"]
    if seconds > 0:
        time.sleep(seconds)
