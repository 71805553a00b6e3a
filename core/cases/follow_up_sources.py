"""Follow-up sources from plugins (``lotse_follow_up_sources``).

``lotse jobs follow-ups`` asks every source of a tenant what is due and stores it as a follow-up
of kind ``source.key``, idempotent through the item's ``source_key``. From then on a plugin's
follow-up is an ordinary Wiedervorlage: the start page, "My follow-ups", the case's follow-ups
and the API read it like core's own.
"""

from __future__ import annotations

from datetime import date

from core.plugins.providers import (
    DueFollowUp,
    ExtensionError,
    FollowUpSource,
    by_key,
    collect,
    hooks_for,
)

#: Lengths of ``FollowUp.kind`` and ``FollowUp.source_key``.
KIND_LENGTH, SOURCE_KEY_LENGTH = 30, 80


def follow_up_sources(tenant, hooks=None) -> dict[str, FollowUpSource]:
    sources = by_key(
        collect(
            hooks or hooks_for(tenant), "lotse_follow_up_sources", FollowUpSource, tenant=tenant
        )
    )
    for key in sources:
        if len(key) > KIND_LENGTH:
            raise ExtensionError(f"follow-up source key {key!r} is longer than {KIND_LENGTH}")
    return sources


def due_follow_ups(tenant, today: date) -> list[tuple[FollowUpSource, list[DueFollowUp]]]:
    """What each source of ``tenant`` says is due on ``today``, checked: the source keys of its
    items start with ``<source key>:`` (so sources never take each other's keys)."""
    result = []
    for key, source in sorted(follow_up_sources(tenant).items()):
        items = []
        for item in source.collect(tenant, today) or ():
            if not isinstance(item, DueFollowUp):
                raise ExtensionError(f"follow-up source {key!r} yielded {item!r}")
            if (
                not item.source_key.startswith(f"{key}:")
                or len(item.source_key) > SOURCE_KEY_LENGTH
            ):
                raise ExtensionError(
                    f"follow-up source {key!r}: source_key {item.source_key!r} must start with "
                    f"'{key}:' and have at most {SOURCE_KEY_LENGTH} characters"
                )
            items.append(item)
        result.append((source, items))
    return result


def kind_label(kind: str):
    """What the follow-up lists call a kind: core's label, else the label of the tenant's source
    of that key, else the key (a source of a plugin switched off since)."""
    from flask import g

    from core.labels import FOLLOW_UP_KIND_LABELS

    if kind in FOLLOW_UP_KIND_LABELS:
        return FOLLOW_UP_KIND_LABELS[kind]
    tenant = g.get("tenant")
    source = follow_up_sources(tenant).get(kind) if tenant is not None else None
    return source.label if source is not None else kind
