"""German by default, English complete, plugin domains falling back to core; tenant branding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "core/translations/de/LC_MESSAGES/messages.po"] + sorted(
    ROOT.glob("plugins/*/translations/de/LC_MESSAGES/*.po")
)


@pytest.mark.parametrize(
    "path", CATALOGS, ids=lambda p: p.parts[-4] if "plugins" in p.parts else "core"
)
def test_german_catalog_is_complete(path):
    catalog = read_po(path.open("rb"))
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", " ".join(ids)))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) <= wanted, (message.id, string)
    assert not missing, f"{len(missing)} untranslated: {missing[:5]}"


def _extracted_ids(paths, ROOT=ROOT):
    from babel.messages.extract import extract_from_dir

    ids = set()
    for directory, config in paths:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            directory,
            method_map=config,
            keywords={
                "_": None,
                "_l": None,
                "lazy_gettext": None,
                "gettext": None,
                "ngettext": (1, 2),
            },
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_catalog_matches_the_source():
    """Every string in the code is in the German catalog (run `make extract-messages` if not)."""
    catalog = {
        m.id if isinstance(m.id, str) else m.id[0] for m in read_po(CATALOGS[0].open("rb")) if m.id
    }
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    in_code = _extracted_ids(
        [(str(ROOT / "core"), method_map), (str(ROOT / "templates"), [("**.html", "jinja2")])]
    )
    missing = sorted(in_code - catalog)
    assert not missing, f"not in catalog: {missing[:8]}"


def test_pages_are_german_by_default(make_tenant, browser):
    make_tenant("sprache")
    status, html = browser.text("/sprache/login")
    assert '<html lang="de">' in html and "Anmelden" in html and "Passwort" in html


def test_user_can_choose_english(make_tenant, make_user, browser):
    tenant = make_tenant("lang-en")
    email, _ = make_user(tenant)
    browser.login("lang-en", email)
    browser.get("/lang-en/account")
    browser.post("/lang-en/account/language", {"locale": "en"})
    html = browser.get("/lang-en/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign out" in html
    bad = browser.post("/lang-en/account/language", {"locale": "fr"})
    assert bad.status_code == 400


def test_error_pages_are_german(make_tenant, browser):
    make_tenant("fehler")
    status, html = browser.text("/fehler/gibt-es-nicht")
    assert status == 404 and "Seite nicht gefunden" in html


def test_500_page_is_german_and_reveals_nothing(_db_url, tmp_path, make_tenant):
    from core.app import create_app
    from core.testing.pytest_plugin import make_test_config

    app = create_app(
        make_test_config(_db_url, tmp_path, LOTSE_RAISE_ERRORS=False, PROPAGATE_EXCEPTIONS=False)
    )

    @app.route("/<tenant>/kaputt")
    def broken():
        raise RuntimeError("secret internal detail")

    broken.lotse_public = True
    make_tenant("kaputt-t")
    response = app.test_client().get("/kaputt-t/kaputt")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Es wurde nichts gespeichert" in html
    assert "secret internal detail" not in html


def test_theme_variables_and_contrast(make_tenant, browser):
    make_tenant("farbe", theme={"primary": "#ffd700", "accent": "#0b5d7a"})
    html = browser.get("/farbe/login").get_data(as_text=True)
    assert "--brand:#ffd700" in html
    assert "--brand-text:#1a1a1a" in html  # dark text on a light brand colour


def test_invalid_theme_values_never_reach_css(make_tenant, browser):
    make_tenant("boese", theme={"primary": "red;}</style><script>alert(1)</script>"})
    html = browser.get("/boese/login").get_data(as_text=True)
    assert "alert(1)" not in html and "--brand:#1f4e79" in html


def test_whitelisted_partial_override(app, make_tenant, browser, tmp_path):
    slug = "eigen"
    make_tenant(slug)
    folder = Path(app.config["LOTSE_TENANTS_DIR"]) / slug / "templates"
    try:
        folder.mkdir(parents=True)
        (folder / "_footer.html").write_text("<p>Eigene Fußzeile</p>", encoding="utf-8")
        (folder / "base.html").write_text("HACKED", encoding="utf-8")
        html = browser.get(f"/{slug}/login").get_data(as_text=True)
        assert "Eigene Fußzeile" in html and "HACKED" not in html
        from jinja2 import TemplateNotFound

        with pytest.raises(TemplateNotFound):
            app.jinja_env.get_template(f"tenant/{slug}/base.html")
    finally:
        import shutil

        shutil.rmtree(folder.parent)


def test_tenant_logo_is_served_only_for_its_file(app, browser):
    from core.cli import load_tenant
    from core.db import db

    with app.app_context():
        load_tenant("kleve")
        db.session.commit()
    response = browser.get("/kleve/brand/logo.svg")
    assert response.status_code == 200 and b"<svg" in response.data
    assert browser.get("/kleve/brand/tenant.toml").status_code == 404
    assert browser.get("/kleve/brand/..%2Ftenant.toml").status_code == 404


@pytest.mark.parametrize(
    "path", CATALOGS, ids=lambda p: p.parts[-4] if "plugins" in p.parts else "core"
)
def test_english_catalog_is_kept_in_step(path):
    """English msgids are the source; the English catalog lists exactly the same messages."""
    english = Path(str(path).replace("/de/LC_MESSAGES/", "/en/LC_MESSAGES/"))

    def ids(p):
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(p.open("rb")) if m.id}

    assert ids(english) == ids(path)
