"""Pages of the interpreter pool: search by language, add and edit entries."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.plugin_api import (
    has_permission,
    plugin_blueprint,
    plugin_settings,
    require_permission,
    run_write,
)
from plugins.interpreters import PLUGIN, _, services

bp = plugin_blueprint(PLUGIN, __name__)


@bp.route("/")
def index():
    require_permission("interpreters.view")
    settings = plugin_settings(g.tenant, PLUGIN.name)
    language = request.args.get("language", "")
    show_inactive = has_permission("interpreters.manage") and request.args.get("inactive") == "1"
    rows = services.search(
        language, only_pledged=settings["only_pledged"], include_inactive=show_inactive
    )
    return render_template(
        "interpreters/index.html",
        rows=rows,
        language=language,
        settings=settings,
        languages=services.all_languages(),
        can_manage=has_permission("interpreters.manage"),
        show_inactive=show_inactive,
    )


def _form_data(form) -> dict:
    languages = [
        line.strip()
        for line in form.get("languages", "").replace(",", "\n").splitlines()
        if line.strip()
    ]
    data = {
        "name": form.get("name", "").strip(),
        "organisation": form.get("organisation", "").strip(),
        "languages": languages,
        "phone": form.get("phone", "").strip(),
        "email": form.get("email", "").strip(),
        "pledge_signed_on": form.get("pledge_signed_on") or None,
        "on_site": "on_site" in form,
        "by_phone": "by_phone" in form,
        "notes": form.get("notes", "").strip(),
        "active": "active" in form,
    }
    if not data["email"]:
        del data["email"]  # optional: an empty field means "no address"
    return data


@bp.route("/new", methods=["GET", "POST"], defaults={"interpreter_id": None})
@bp.route("/<int:interpreter_id>", methods=["GET", "POST"])
def edit(interpreter_id):
    require_permission("interpreters.manage")
    interpreter = services.get(interpreter_id) if interpreter_id else None
    if interpreter_id and interpreter is None:
        abort(404)
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        errors, _saved = run_write(
            lambda: services.save(
                current_user._get_current_object(), interpreter, _form_data(form)
            ),
            success=_("Saved."),
        )
        if not errors:
            return redirect(url_for("plugin_interpreters.index"))
        interpreter = services.get(interpreter_id) if interpreter_id else None
    return render_template(
        "interpreters/form.html", interpreter=interpreter, form=form, errors=errors
    ), (400 if errors else 200)
