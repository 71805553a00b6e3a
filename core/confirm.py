"""A confirmation step for destructive actions, without JavaScript.

A destructive HTML form posts as usual; unless it carries ``confirmed=1`` the view answers with a
page that says what will happen (erase or anonymise, how many cases and documents …) and repeats
the form's fields as hidden inputs with a "Yes, …" button and a way back. The API has no extra
step: its documentation states the consequence instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request


@dataclass(frozen=True)
class Consequences:
    """What a destructive step will do, as sentences for its confirmation page; ``irreversible``
    adds the warning that it cannot be undone."""

    lines: tuple[str, ...]
    irreversible: bool = False


def confirmed() -> bool:
    return request.form.get("confirmed") == "1"


def confirmation_page(
    *,
    title: str,
    consequences: list[str],
    action_label: str,
    cancel_url: str,
    danger: bool = True,
    warning: str = "",
):
    """The confirmation page (200) re-posting the current form to the same address."""
    fields = [
        (key, value)
        for key in request.form
        for value in request.form.getlist(key)
        if key not in ("csrf_token", "confirmed")
    ]
    return render_template(
        "confirm.html",
        title=title,
        consequences=consequences,
        action_label=action_label,
        cancel_url=cancel_url,
        danger=danger,
        warning=warning,
        fields=fields,
        action=request.path,
    )
