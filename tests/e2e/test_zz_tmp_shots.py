from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in


def test_shots(demo, live_server, page, audit):
    sign_in(page, live_server, "oberhausen", "cm@oberhausen.demo")
    page.goto(f"{live_server}/oberhausen/cases/?status=open")
    links = page.locator("table a[href*='/cases/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for n, href in enumerate(hrefs[:4]):
        page.goto(f"{live_server}{href.rstrip('/')}/access" if href.startswith("/") else href)
        expect(page.get_by_role("heading", name="Zugangsprüfung").first).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 900})
        audit.check(f"zz-access-{n}-1280")
        page.set_viewport_size({"width": 375, "height": 800})
        audit.check(f"zz-access-{n}-375")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (href, width)
