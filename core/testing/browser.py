"""A test client that behaves like a browser, and the fixtures that hand one out."""

from __future__ import annotations

import re

import pytest

from core.testing.factories import TEST_PASSWORD


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that behaves like a browser: it reads CSRF tokens from the pages it gets."""

    def __init__(self, client):
        self.client = client
        self.token = None
        #: The account signed in with :meth:`login` (``None`` while signed out).
        self.email = None

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html":
            match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get(url)
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, tenant_slug, email, password=TEST_PASSWORD):
        self.get(f"/{tenant_slug}/login")
        response = self.post(f"/{tenant_slug}/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.get(f"/{tenant_slug}/")
        self.email = email
        return response

    def operator_login(self, email, password=TEST_PASSWORD):
        self.get("/platform/login")
        response = self.post("/platform/login", {"email": email, "password": password})
        assert response.status_code == 302
        self.get("/platform/")
        self.email = email
        return response

    def text(self, url):
        response = self.get(url)
        return response.status_code, response.get_data(as_text=True)

    @property
    def api_headers(self) -> dict:
        """Headers for a JSON call of the API with this browser's session (CSRF token)."""
        return {"X-CSRFToken": self.token}


@pytest.fixture
def browser(app):
    """A fresh signed-out browser."""
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    def make():
        return Browser(app.test_client())

    return make


@pytest.fixture
def sign_in(new_browser):
    """``sign_in(tenant_or_slug, email)`` → a new browser signed in to that tenant."""

    def login(tenant, email, password=TEST_PASSWORD) -> Browser:
        b = new_browser()
        b.login(getattr(tenant, "slug", tenant), email, password)
        return b

    return login


@pytest.fixture
def signed_in(make_user, sign_in):
    """``signed_in(tenant, roles=["dpo"])`` → a browser of a new member with these roles
    (``.email`` names the account)."""

    def make(tenant, roles=("case_manager",), **user) -> Browser:
        email, password = make_user(tenant, roles=list(roles), **user)
        return sign_in(tenant, email, password)

    return make
