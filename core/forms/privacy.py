"""Form answers in the personal-data registry.

The ``form_submission`` table is declared once (:mod:`core.forms.hooks`); its JSON columns
``data`` and ``computed`` are :class:`~core.privacy.registry.DocumentColumn` s whose fields are
resolved per row through the definition the submission was made with. So every field of every
definition - core's and every plugin's - is covered without a declaration of its own:

* erasure deletes the rows (they link to the client through ``person_id``);
* anonymisation keeps coded answers (options, yes/no, numbers, scales; dates reduced to their
  year) and blanks everything else: free text, "other" texts, e-mail addresses, times, and any
  key the definition does not know. Without the definition (its plugin was removed) everything
  is blanked;
* the Art. 15 package shows each answer with its German label, the answer as people read it,
  the field's data category and whether it is special-category data (Art. 9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

#: Field types whose answers are codes or numbers: kept on anonymisation (statistics).
CODED = frozenset({"choice", "multi", "boolean", "number", "scale"})
#: Field types that hold nothing.
NOT_STORED = frozenset({"info", "signature"})
YES_NO = {True: _l("yes"), False: _l("no")}


def _definition(context: Mapping[str, Any]):
    from core.db import db
    from core.forms.submissions import form_definitions
    from core.tenancy.models import Tenant

    tenant = db.session.get(Tenant, context.get("tenant_id"))
    if tenant is None:
        return None
    identity = (str(context.get("form_key")), int(context.get("form_version") or 0))
    return form_definitions(tenant).get(identity)


def top_fields(defn) -> list:
    """The definition's fields in order (the fields of every section)."""
    sections = getattr(defn, "sections", None)
    if sections:
        return [f for s in sections for f in s.fields]
    return list(getattr(defn, "fields", ()) or ())


def _children(field) -> tuple:
    return tuple(getattr(field, "children", ()) or ())


def _option_keys(field) -> set[str]:
    return {o.key if hasattr(o, "key") else o[0] for o in getattr(field, "options", ()) or ()}


def _option_label(field, key) -> str:
    for option in getattr(field, "options", ()) or ():
        okey, label = (option.key, option.label) if hasattr(option, "key") else option
        if okey == key:
            return str(label)
    if key == "other":
        return "Sonstiges"
    return str(key)


# --- anonymisation ---------------------------------------------------------------------------


def _year_only(value):
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return f"{value[:4]}-07-01"
    return None


def _coded(field, value):
    kind = field.type
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    if kind in ("number", "scale"):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    known = _option_keys(field) | ({"other"} if getattr(field, "other", None) else set())
    if kind == "choice":
        return value if isinstance(value, str) and value in known else None
    if kind == "multi" and isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v in known]
    return None


def anonymise_fields(fields: Iterable, value) -> dict:
    """``value`` (answers keyed by field) with only coded answers left."""
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, Any] = {}
    for field in fields:
        if field.key not in value or field.type in NOT_STORED:
            continue
        answer = value[field.key]
        kept: Any = None
        if field.type in CODED:
            kept = _coded(field, answer)
        elif field.type == "date":
            kept = _year_only(answer)
        elif field.type == "computed":
            kept = answer if isinstance(answer, bool | int | float) and answer is not None else None
        elif field.type == "group":
            kept = anonymise_fields(_children(field), answer) or None
        elif field.type == "repeat" and isinstance(answer, list):
            kept = [anonymise_fields(_children(field), item) for item in answer]
        if kept is not None:
            out[field.key] = kept
    return out


def anonymise_data(context: Mapping[str, Any], value) -> dict:
    defn = _definition(context)
    return {} if defn is None else anonymise_fields(top_fields(defn), value)


def anonymise_computed(context: Mapping[str, Any], value) -> dict:
    defn = _definition(context)
    if defn is None or not isinstance(value, Mapping):
        return {}
    return anonymise_fields(_computed_fields(defn), value)


def _computed_fields(defn) -> list:
    out = []

    def walk(fields):
        for field in fields:
            if field.type == "computed":
                out.append(field)
            walk(_children(field))

    walk(top_fields(defn))
    return out


# --- Art. 15 ---------------------------------------------------------------------------------


def readable(field, value):
    """An answer as people read it: option labels, yes/no, dates as they are."""
    if value is None or value == "" or value == []:
        return ""
    if field.type == "boolean" or isinstance(value, bool):
        return str(YES_NO.get(bool(value), value))
    if field.type == "choice":
        return _option_label(field, value)
    if field.type == "multi" and isinstance(value, list):
        return [_option_label(field, v) for v in value]
    return value


def describe_fields(defn, fields: Iterable, value) -> list[dict]:
    """Each stored answer with its label, readable value, data category and Art. 9 mark."""
    if not isinstance(value, Mapping):
        return []
    default_category = getattr(defn, "category", "") or "case_documentation"
    out = []
    for field in fields:
        if field.type in NOT_STORED or field.key not in value:
            continue
        answer = value[field.key]
        entry: dict[str, Any] = {
            "field": field.key,
            "label": str(field.label),
            "category": getattr(field, "category", None) or default_category,
            "special_category": bool(getattr(field, "sensitive", None)),
            "internal": bool(getattr(field, "internal", False)),
        }
        if field.type == "group":
            entry["value"] = describe_fields(defn, _children(field), answer)
        elif field.type == "repeat" and isinstance(answer, list):
            entry["value"] = [describe_fields(defn, _children(field), item) for item in answer]
        else:
            entry["value"] = readable(field, answer)
        out.append(entry)
        other = f"{field.key}_other"
        if getattr(field, "other", None) and value.get(other):
            out.append(
                {
                    **entry,
                    "field": other,
                    "label": f"{field.label}: Sonstiges",
                    "value": value[other],
                }
            )
    return out


def describe_data(context: Mapping[str, Any], value) -> dict:
    defn = _definition(context)
    if defn is None:
        # The form's plugin is gone: the answers are still the person's data, shown as stored.
        return {"form": str(context.get("form_key") or ""), "answers": value or {}}
    return {
        "form": str(defn.title),
        "version": defn.version,
        "answers": describe_fields(defn, top_fields(defn), value),
    }


def describe_computed(context: Mapping[str, Any], value) -> list[dict] | dict:
    defn = _definition(context)
    if defn is None:
        return value or {}
    return describe_fields(defn, _computed_fields(defn), value)


def category_keys(defn) -> set[str]:
    """The data categories a definition's fields name (for the start-up check)."""
    keys = {getattr(defn, "category", "") or "case_documentation"}

    def walk(fields):
        for field in fields:
            if getattr(field, "category", None):
                keys.add(field.category)
            walk(_children(field))

    walk(top_fields(defn))
    return keys


def check_categories(app, tenant, relays) -> None:
    """Start-up: every definition names data categories and a retention class the registry
    knows, so its answers are covered by erasure, anonymisation and Art. 15 from the start."""
    from core.forms.services import form_definitions
    from core.plugins.providers import ExtensionError

    registry = app.extensions.get("lotse.data_registry")
    if registry is None:
        return
    _who, hooks = relays[-1]
    for (key, version), defn in sorted(form_definitions(tenant, hooks).items()):
        unknown = sorted(c for c in category_keys(defn) if c not in registry.categories)
        if unknown:
            raise ExtensionError(
                f"form {key!r} version {version}: unknown data categor"
                f"{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} (known: "
                f"{', '.join(sorted(registry.categories))})"
            )
        retention = getattr(defn, "retention", "") or "client_file"
        if retention not in registry.classes:
            raise ExtensionError(
                f"form {key!r} version {version}: unknown retention class {retention!r}"
            )
