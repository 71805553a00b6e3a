"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against the
real app served on 127.0.0.1; axe-core (from npm) checks every visited page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LOTSE_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("LOTSE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (apt-get install chromium)")
        pytest.skip("Debian chromium not installed (apt-get install chromium); .ci/run installs it")
    if not AXE.exists():
        pytest.fail("axe-core missing: run `make install-test` (npm ci in tests/e2e)")
    return CHROMIUM


@pytest.fixture
def page(chromium_path):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


class Auditor:
    """Runs axe-core inside the page and keeps a screenshot of every page it checked."""

    def __init__(self, page):
        self.page = page
        self.source = AXE.read_text(encoding="utf-8")
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.source)
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe on {name} ({self.page.url}): {serious}"
        self.checked.append(name)


@pytest.fixture
def audit(page):
    return Auditor(page)
