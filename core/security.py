"""HTTP security headers with a per-response CSP nonce (ASVS 3.4): no inline script or style
runs unless the server put it there in this response."""

from __future__ import annotations

import secrets

from flask import g, request


def csp_nonce() -> str:
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def set_security_headers(response):
    nonce = csp_nonce()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not _cacheable(request.endpoint):
        # Pages, API answers and downloads (PDF, exports, attachments) may hold personal data:
        # never kept in shared or browser caches, whatever the view or send_file set.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers.pop("Expires", None)
    return response


#: Endpoints that serve the same public bytes to everybody (CSS, JS, fonts, tenant logos).
_CACHEABLE_ENDPOINTS = frozenset({"static", "brand_asset"})


def _cacheable(endpoint: str | None) -> bool:
    if endpoint is None:
        return False
    return endpoint in _CACHEABLE_ENDPOINTS or endpoint.endswith(".static")
