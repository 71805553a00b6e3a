"""The tenant's catalogue of form definitions, collected from the plugins it enabled and checked
against its field types. No database access beyond the hook relay; storing submissions is the
job of the domain built on top of the engine."""

from __future__ import annotations

from typing import Any

from core.forms.definitions import FormDefinition, check_definition
from core.plugins.providers import by_key, collect, field_types, hooks_for


def _hooks(tenant, hooks):
    return hooks if hooks is not None else hooks_for(tenant)


def form_definitions(tenant, hooks=None) -> dict[tuple[str, int], FormDefinition]:
    """Every form definition of the tenant's plugins by ``(key, version)``, each checked against
    the tenant's field types (unknown type, duplicate field key, choice without options, bad
    expressions …): an :class:`~core.plugins.providers.ExtensionError` names form and field."""
    hooks = _hooks(tenant, hooks)
    types = field_types(tenant, hooks)
    definitions = collect(hooks, "lotse_form_definitions", FormDefinition, tenant=tenant)
    for definition in definitions:
        check_definition(definition, types)
    return by_key(definitions)


def latest_definitions(tenant, hooks=None) -> dict[str, FormDefinition]:
    """The newest version of every form of the tenant, by key."""
    latest: dict[str, FormDefinition] = {}
    for (key, _version), definition in sorted(form_definitions(tenant, hooks).items()):
        latest[key] = definition
    return latest


def form_schema(tenant, definition: FormDefinition, hooks=None) -> Any:
    """The marshmallow schema class of ``definition`` for ``tenant`` (its plugin field types
    included): ``core.schemas.load(form_schema(…), answers)`` checks a submission."""
    from core.forms.engine import schema_for

    return schema_for(definition, field_types=field_types(tenant, _hooks(tenant, hooks)))


def check_form_extensions(app, tenant, relays) -> None:
    """Start-up: every definition of every plugin loads and checks (with the field types of the
    plugins it can rely on), and every persona behaves as it says; otherwise the start stops
    with a message naming the plugin, the form and the persona."""
    from core.forms.engine import run_personas
    from core.plugins.providers import ExtensionError

    done: set[tuple[int, frozenset[str]]] = set()
    for who, hooks in relays:
        try:
            definitions = form_definitions(tenant, hooks)
        except ExtensionError as exc:
            raise type(exc)(f"{who}: {exc}") from None
        types = field_types(tenant, hooks)
        for identity, definition in sorted(definitions.items()):
            # The same definition meets the same types in several relays: run it once.
            seen = (id(definition), frozenset(types))
            if seen in done:
                continue
            done.add(seen)
            problems = run_personas(definition, field_types=types)
            if problems:
                raise ExtensionError(
                    f"{who}: form {identity[0]!r} version {identity[1]}: " + "; ".join(problems)
                )
