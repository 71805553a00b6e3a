"""The data-protection officer needs no case content (issue #8, item 7): the Art. 15 package is
produced for an open access request of that person (or by case work that may see the person),
otherwise refused with a German reason; and no link on the DSB's pages leads somewhere forbidden."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urldefrag, urlsplit

from sqlalchemy import select

from core.db import db
from core.privacy.models import DataSubjectRequest
from core.tenancy.context import tenant_scope


def test_dsb_exports_only_for_an_open_access_request(app, world, make_user, sign_in):
    a = world["a"]
    email_dpo, _ = make_user(
        world["tenant"], roles=["dpo"]
    )  # the DSB alone, without case-work roles
    paths = [
        f"/priv/persons/{a.person_id}/data-export",
        f"/priv/persons/{a.person_id}/data-export.json",
        f"/priv/persons/{a.person_id}/data-export.pdf",
        f"/priv/api/v1/persons/{a.person_id}/data-export",
    ]
    dpo = sign_in("priv", email_dpo)
    # The fixture recorded an open access request for A: the DSB may answer it.
    assert [dpo.client.get(p).status_code for p in paths] == [200] * 4
    with app.app_context(), tenant_scope(world["tenant"]):
        for row in db.session.scalars(
            select(DataSubjectRequest).where(DataSubjectRequest.person_id == a.person_id)
        ):
            row.status = "done"
        db.session.commit()
    assert [dpo.client.get(p).status_code for p in paths] == [403] * 4
    page = dpo.client.get(paths[0]).get_data(as_text=True)
    assert "nur zur Beantwortung eines offenen Antrags auf Auskunft" in page
    api = dpo.client.get(paths[3])
    assert (
        api.json["status"] == 403
        and "request" in api.json["errors"]
        and "Auskunft" in api.json["errors"]["request"][0]
    )
    # The privacy page no longer offers the package to the DSB.
    privacy = dpo.client.get(f"/priv/persons/{a.person_id}/privacy").get_data(as_text=True)
    assert "/data-export" not in privacy
    # The case manager who may see the person still exports without a request.
    cm = sign_in("priv", world["email"])
    assert [cm.client.get(p).status_code for p in paths] == [200] * 4


def _links(html: str, prefix: str) -> set[str]:
    out = set()
    for raw in re.findall(r'<a\s[^>]*href="([^"]+)"', html):
        url = urldefrag(unescape(raw)).url
        parts = urlsplit(url)
        if parts.netloc not in ("", "lotse.test") or not parts.path.startswith(prefix):
            continue
        if parts.path.endswith(("/logout", "/login")):
            continue
        out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_no_link_on_the_dsb_pages_is_forbidden_in_any_demo_tenant(demo, sign_in):
    """Sign in as the DSB of every demo tenant and follow every link of the desk and the privacy
    pages two levels deep: none answers 403, 404 or 500."""
    from core.demo import DEMO_PASSWORD, DEMO_TENANTS

    broken: list[tuple[str, int, str]] = []
    for slug in DEMO_TENANTS:
        dsb = sign_in(slug, f"dsb@{slug}.demo", DEMO_PASSWORD)
        prefix = f"/{slug}/"
        start = [
            f"/{slug}/privacy",
            f"/{slug}/privacy/requests",
            f"/{slug}/privacy/retention",
            f"/{slug}/privacy/deletion-log",
            f"/{slug}/disclosures",
            f"/{slug}/privacy/records-of-processing",
        ]
        seen: dict[str, str] = {url: "start" for url in start}
        level = list(start)
        for _depth in range(3):
            following = []
            for url in level:
                response = dsb.client.get(url)
                if response.status_code in (403, 404) or response.status_code >= 500:
                    broken.append((url, response.status_code, seen[url]))
                    continue
                if "html" not in (response.content_type or ""):
                    continue
                for link in _links(response.get_data(as_text=True), prefix):
                    if link not in seen:
                        seen[link] = url
                        following.append(link)
            level = following
        assert len(seen) > len(start)
    assert broken == []
