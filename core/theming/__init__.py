"""Tenant branding: CSS custom properties from validated theme values, the tenant logo and a
short whitelist of partials a tenant may override (``tenants/<slug>/templates/``)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import abort, g, send_from_directory
from jinja2 import BaseLoader, TemplateNotFound
from markupsafe import Markup

#: The only templates a tenant may replace; everything else stays under core's control.
OVERRIDABLE_PARTIALS = frozenset({"_brand_header.html", "_footer.html"})
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_THEME = {"primary": "#1f4e79", "accent": "#9a3412"}


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return (
        "#ffffff"
        if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#1a1a1a")
        else "#1a1a1a"
    )


def theme_css(tenant) -> Markup:
    theme = dict(DEFAULT_THEME)
    if tenant is not None:
        theme.update(
            {
                k: v
                for k, v in (tenant.theme or {}).items()
                if k in DEFAULT_THEME and _HEX.match(str(v))
            }
        )
    css = (
        ":root{"
        f"--brand:{theme['primary']};--brand-text:{text_colour_on(theme['primary'])};"
        f"--accent:{theme['accent']};--accent-text:{text_colour_on(theme['accent'])};"
        "}"
    )
    return Markup(css)  # noqa: S704 - built only from regex-checked colour values


def tenant_dir(app, slug: str) -> Path:
    return Path(app.config["LOTSE_TENANTS_DIR"]) / slug


class TenantPartialLoader(BaseLoader):
    """Serves ``tenant/<slug>/<partial>`` from the tenant folder, for whitelisted partials only."""

    def __init__(self, app):
        self.app = app

    def get_source(self, environment, template):
        parts = template.split("/")
        if len(parts) != 3 or parts[0] != "tenant" or parts[2] not in OVERRIDABLE_PARTIALS:
            raise TemplateNotFound(template)
        if not re.match(r"^[a-z0-9-]+$", parts[1]):
            raise TemplateNotFound(template)
        path = tenant_dir(self.app, parts[1]) / "templates" / parts[2]
        if not path.is_file():
            raise TemplateNotFound(template)
        mtime = path.stat().st_mtime
        return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime


def init_theming(app) -> None:
    from core.security import csp_nonce

    @app.context_processor
    def _theme():
        tenant = g.get("tenant")
        return {
            "theme_css": theme_css(tenant),
            "csp_nonce": csp_nonce,
            "tenant_partial": lambda name: (
                f"tenant/{tenant.slug}/{name}" if tenant else f"partials/{name}"
            ),
            "tenant_logo": _logo_available(app, tenant),
        }

    @app.route("/<tenant>/brand/<path:filename>")
    def brand_asset(filename):
        tenant = g.tenant
        logo = (tenant.theme or {}).get("logo")
        if not logo or filename != Path(logo).name:
            abort(404)
        return send_from_directory(tenant_dir(app, tenant.slug) / "static", filename, max_age=3600)

    brand_asset.lotse_public = True


def _logo_available(app, tenant) -> str | None:
    if tenant is None:
        return None
    logo = (tenant.theme or {}).get("logo")
    if logo and (tenant_dir(app, tenant.slug) / logo).is_file():
        return Path(logo).name
    return None
