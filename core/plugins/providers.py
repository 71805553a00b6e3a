"""Extension points as provider objects (pretix style).

A runtime hook such as ``lotse_eligibility_rules(tenant)`` returns *provider objects*: small
classes with a ``key``, a label and one method that does the work. Core collects them through the
tenant relay, so a tenant only ever meets the providers of the plugins it enabled, and checks
them once: right type, a well-formed key, no key twice. A provider is a value, not a side effect:
hooks only build and return providers (no database work), which lets the app check every
extension point at start-up with all plugins enabled.

Core's own providers are passed to the collectors as built-ins and obey the same rules.
"""

from __future__ import annotations

import csv
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from markupsafe import Markup

if TYPE_CHECKING:  # the engine reads this module, never the other way round
    from core.forms.definitions import Field

#: Keys are lowercase identifiers; plugins prefix theirs with their name (``hello.greeting``).
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class ExtensionError(ValueError):
    """A plugin contributed something core cannot use (unknown name, duplicate key, wrong type).

    Raised at start-up where possible, so the mistake shows when the app is built, not on the
    first click of a user.
    """


# --- the provider kinds --------------------------------------------------------------------


class Provider(ABC):
    """Base of every provider: a ``key`` unique within its kind, and a human label. The method
    each kind asks for is abstract: a plugin class that forgets it cannot be instantiated, so the
    mistake shows at start-up, not in front of a user."""

    #: What the kind is called in error messages.
    kind: ClassVar[str] = "provider"
    key: str
    label: object = ""

    @property
    def identity(self) -> Any:
        """What must be unique among the providers of one kind for one tenant."""
        return self.key

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.identity!r}>"


@dataclass(frozen=True)
class Verdict:
    """The answer of an eligibility rule: eligible or not, and why (shown to the user, one short
    plain sentence each: "2 von 7 Bereichen angekreuzt – mindestens 3 nötig"). ``hints`` are
    notes that do not decide anything (e.g. a missing date to complete)."""

    eligible: bool
    reasons: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


#: :attr:`EligibilityRule.category`: every general condition must hold …
GENERAL_CONDITION = "condition"
#: … and at least one target group.
TARGET_GROUP = "target_group"


@dataclass(frozen=True)
class HouseholdMemberAge:
    """A member of the person's household as the rules see it: role code and age (None when the
    birth date is unknown)."""

    person_id: int
    role: str
    age: int | None
    name: str = ""


@dataclass(frozen=True)
class PriorityHint:
    """The Vorrang check: an institution with priority for this person (``institution`` "mbe",
    "jmd" …, empty when case management has priority), and why."""

    institution: str
    label: str
    reason: str
    #: True: the institution has priority (suggest a Verweisberatung); False: it does not.
    applies: bool = True


@dataclass(frozen=True)
class EligibilityContext:
    """Everything a rule may look at, gathered once by core: the rules stay pure functions of it
    (no database work), which keeps them testable and cheap to re-run when answers change."""

    tenant: Any
    person: Any
    case: Any = None
    #: The household's other members (role, age); empty when the person has no household.
    members: tuple[HouseholdMemberAge, ...] = ()
    #: The answers of the access form(s), field key -> value (``{}`` before anything was asked).
    answers: Mapping[str, Any] = field(default_factory=dict)
    #: The tenant's settings (``tenant.settings``).
    settings: Mapping[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    #: Does a valid consent to processing exist (the hard precondition of admission)?
    processing_consent: bool = False
    #: Core's Vorrang check for the person, None when it cannot say anything.
    priority: PriorityHint | None = None
    #: Answers of other forms the rules may need (``{"pflegesetting.care_checklist": {...}}``).
    other_answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def answer(self, key: str, default: Any = None) -> Any:
        value = self.answers.get(key, default)
        return default if value is None else value

    @property
    def age(self) -> int | None:
        born = getattr(self.person, "birth_date", None)
        if born is None:
            return None
        before = (self.today.month, self.today.day) < (born.month, born.day)
        return self.today.year - born.year - before


class EligibilityRule(Provider):
    """A general condition (``category = GENERAL_CONDITION``: all must hold) or a target group
    (``TARGET_GROUP``: at least one must hold) of access to case management.

    Implement ``check(context)`` (sees the answers of the access form, the household, the
    consent …) or, for a rule that needs only the person, ``evaluate(person, case)``; a class
    that implements neither cannot be defined."""

    kind = "eligibility rule"
    description: object = ""
    category: str = TARGET_GROUP
    #: Position on the page (general conditions first, then the target groups).
    order: int = 100
    #: Keys of the forms whose answers the rule reads: saving one of them recomputes the
    #: suggestion (``core.eligibility.services.on_answers_changed``).
    forms: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.evaluate is EligibilityRule.evaluate and cls.check is EligibilityRule.check:
            raise TypeError(f"{cls.__name__} must implement check(context) or evaluate(...)")

    def evaluate(self, person, case) -> Verdict:
        """Judge from the person alone (simple rules); ``check`` calls it by default."""
        raise NotImplementedError

    def check(self, context: EligibilityContext) -> Verdict:
        """Judge from the whole :class:`EligibilityContext`."""
        return self.evaluate(context.person, context.case)


class PhaseRequirement(Provider):
    """A named condition a Regelkreis phase can require (``Phase.requires``) before a case may
    enter it. ``check`` returns the problems in the user's language; empty means fulfilled."""

    kind = "phase requirement"

    @abstractmethod
    def check(self, case) -> list[str]:
        """The one method this kind of provider must implement."""


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up a source says is due. ``source_key`` makes the job idempotent: the same key is
    never created twice (prefix it with the source's key, e.g. ``hello.check:17``)."""

    source_key: str
    due_on: date
    title: str
    case: Any = None
    #: ``None``: the case manager of ``case``.
    assignee_id: int | None = None


class FollowUpSource(Provider):
    """Produces follow-ups (Wiedervorlagen). ``lotse jobs follow-ups`` stores what ``collect``
    yields as follow-ups of kind ``key``; the start page and the follow-up lists read them like
    any other. Keys are at most 30 characters (the follow-up's ``kind``)."""

    kind = "follow-up source"

    @abstractmethod
    def collect(self, tenant, today: date) -> Iterable[DueFollowUp]:
        """The one method this kind of provider must implement."""


@dataclass(frozen=True)
class ReportTable:
    """The result of a report: column headings and rows of plain values."""

    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    notes: tuple[str, ...] = ()

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([str(c) for c in self.columns])
        writer.writerows(self.rows)
        return out.getvalue()


class ReportProvider(Provider):
    """A report or export: ``build`` turns the tenant's data and the chosen parameters into a
    :class:`ReportTable`; ``formats`` lists the file formats it may be exported as."""

    kind = "report"
    formats: tuple[str, ...] = ("csv",)

    @abstractmethod
    def build(self, tenant, params: dict) -> ReportTable:
        """The one method this kind of provider must implement."""


@dataclass(frozen=True)
class PartnerRow:
    """One service of a partner organisation and where it is responsible."""

    organisation: str
    service: str
    short_code: str = ""
    target_group: str = ""
    #: Postcodes the service covers; empty with ``citywide`` for the whole tenant.
    postcodes: frozenset[str] = frozenset()
    citywide: bool = False
    note: str = ""
    #: The source leaves the row ambiguous: shown as "zu bestätigen".
    to_confirm: bool = False

    def covers(self, postcode: str) -> bool:
        return self.citywide or postcode.strip() in self.postcodes


class PartnerTable(Provider):
    """A table of partner organisations and their services (e.g. a Kreis' chapter 6)."""

    kind = "partner table"

    @abstractmethod
    def rows(self) -> Iterable[PartnerRow]:
        """The one method this kind of provider must implement."""


class CaseSection(Provider):
    """Shared shape of case-page panels and tabs: shown in ``order`` to members holding
    ``permission`` (``None``: everyone who may open the case) when ``applies_to(case)``."""

    order: int = 100
    permission: str | None = None

    def applies_to(self, case) -> bool:
        return True

    @abstractmethod
    def render(self, case) -> Markup:
        """The one method this kind of provider must implement."""


class CasePanel(CaseSection):
    """A panel on the overview page of a case (slot ``case_panels``)."""

    kind = "case panel"


class CaseTab(CaseSection):
    """A tab of the case file (slot ``case_tabs``) with its own page at
    ``/<tenant>/cases/<id>/tabs/<key>``."""

    kind = "case tab"


class FieldType(Provider):
    """A kind of form field a plugin adds to the engine's own (``core.forms``): how a value of it
    is validated (a marshmallow field). ``spec`` is the :class:`core.forms.definitions.Field`."""

    kind = "field type"

    @abstractmethod
    def schema_field(self, spec: Field):
        """The one method this kind of provider must implement."""


# --- built-in field types ------------------------------------------------------------------


class _SimpleFieldType(FieldType):
    def __init__(self, key: str, label: object, make: Callable):
        self.key, self.label, self._make = key, label, make

    def schema_field(self, spec: Field):
        return self._make(spec)


#: The engine's own field types (``core.forms.definitions.FIELD_TYPES``), in catalogue order.
BUILTIN_FIELD_TYPES = (
    "text",
    "textarea",
    "email",
    "number",
    "date",
    "time",
    "boolean",
    "choice",
    "multi",
    "scale",
    "group",
    "repeat",
    "info",
    "computed",
    "signature",
)


def _builtin_field_types() -> list[FieldType]:
    """The engine's types as providers, so a plugin cannot take their keys and the catalogue
    lists them. The engine checks them itself; ``schema_field`` only describes the value."""
    from flask_babel import lazy_gettext as _l
    from marshmallow import fields

    from core.schemas import Many, Text, choice

    def optional(spec):
        return {"required": True} if spec.required else {"load_default": None, "allow_none": True}

    def keys(spec):
        return [o.key for o in spec.options]

    makers: dict[str, Callable] = {
        "text": lambda s: Text(max_length=300, **optional(s)),
        "textarea": lambda s: Text(max_length=10_000, **optional(s)),
        "email": lambda s: fields.Email(**optional(s)),
        "number": lambda s: fields.Float(**optional(s)),
        "date": lambda s: fields.Date(**optional(s)),
        "time": lambda s: fields.String(**optional(s)),
        "boolean": lambda s: fields.Boolean(**optional(s)),
        "choice": lambda s: choice(keys(s), **optional(s)),
        "multi": lambda s: Many(fields.String(), **optional(s)),
        "scale": lambda s: fields.Integer(**optional(s)),
        "group": lambda s: fields.Dict(**optional(s)),
        "repeat": lambda s: fields.List(fields.Dict(), **optional(s)),
        "info": lambda s: fields.Raw(dump_only=True),
        "computed": lambda s: fields.Raw(dump_only=True),
        "signature": lambda s: fields.Raw(dump_only=True),
    }
    labels = {
        "text": _l("Text"),
        "textarea": _l("Long text"),
        "email": _l("E-mail address"),
        "number": _l("Number"),
        "date": _l("Date"),
        "time": _l("Time"),
        "boolean": _l("Yes/no"),
        "choice": _l("Single choice"),
        "multi": _l("Multiple choice"),
        "scale": _l("Scale"),
        "group": _l("Group"),
        "repeat": _l("Repeating group"),
        "info": _l("Information text"),
        "computed": _l("Computed value"),
        "signature": _l("Signature line"),
    }
    return [_SimpleFieldType(key, labels[key], makers[key]) for key in BUILTIN_FIELD_TYPES]


# --- collecting ----------------------------------------------------------------------------


def hooks_for(tenant):
    """The tenant's hook relay: ``g.hooks`` inside a request for that tenant, else the cached
    relay of the tenant."""
    from flask import g, has_request_context

    if has_request_context():
        current = g.get("tenant")
        if current is not None and current.id == tenant.id and "hooks" in g:
            return g.hooks
    from core.plugins.relay import relay_for

    return relay_for(tenant)


#: A provider kind: what :func:`collect` returns is of the kind it was asked for.
P = TypeVar("P", bound=Provider)


def collect(
    hooks,
    hook_name: str,
    base: type[P],
    *,
    builtins: Iterable[P] = (),
    **kwargs,
) -> list[P]:
    """Call ``hook_name`` through ``hooks`` (a relay or ``pm.hook``) and return the built-ins plus
    every provider the plugins returned, checked: an instance of ``base``, a well-formed key, no
    identity twice. Errors name the plugins involved."""
    builtins = tuple(builtins)
    providers: list[object] = list(builtins)
    caller = getattr(hooks, hook_name)
    for answer in caller(**kwargs):
        if answer is None:
            continue
        if not _is_sequence(answer):
            owners = _owners(caller, kwargs, lambda a: not _is_sequence(a))
            raise ExtensionError(
                f"{hook_name} must return an iterable of {base.__name__} objects, got {answer!r} "
                f"(from {', '.join(owners) or '?'})"
            )
        providers.extend(answer)
    checked: list[P] = []
    seen: dict[Any, P] = {}
    for provider in providers:
        if not isinstance(provider, base):
            owners = _owners(caller, kwargs, lambda a: any(not isinstance(p, base) for p in a))
            raise ExtensionError(
                f"{hook_name} returned {provider!r}, which is not a {base.__name__} "
                f"(from {', '.join(owners) or '?'})"
            )
        key = getattr(provider, "key", None)
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            raise ExtensionError(
                f"{base.kind} key {key!r} of {provider!r} is not a lowercase identifier "
                "(letters, digits, '_', dotted parts)"
            )
        identity = provider.identity
        if identity in seen:
            owners = _owners(caller, kwargs, _has_identity(identity))
            if any(b.identity == identity for b in builtins):
                owners = ["core", *owners]
            raise ExtensionError(
                f"duplicate {base.kind} key {identity!r} (contributed by {', '.join(owners)}); "
                "prefix plugin keys with the plugin name"
            )
        seen[identity] = provider
        checked.append(provider)
    return checked


def _is_sequence(answer) -> bool:
    return isinstance(answer, Iterable) and not isinstance(answer, (str, bytes, Provider))


def _has_identity(identity):
    return lambda answer: any(getattr(p, "identity", None) == identity for p in answer)


def _owners(caller, kwargs, matches) -> list[str]:
    """Names of the plugins whose implementation answers something ``matches`` accepts (only
    computed for an error message: the hooks are called once more, one by one)."""
    names = []
    for impl in caller.get_hookimpls():
        try:
            answer = impl.function(**{a: kwargs[a] for a in impl.argnames})
            if answer is None:
                continue
            if _is_sequence(answer):
                answer = list(answer)
            if matches(answer):
                names.append(impl.plugin_name)
        except Exception:  # noqa: BLE001, S112 - only used to word an error message
            continue
    return sorted(names)


def by_key(providers: Iterable[P]) -> dict[Any, P]:
    return {p.identity: p for p in providers}


def _hooks(tenant, hooks):
    return hooks if hooks is not None else hooks_for(tenant)


def field_types(tenant, hooks=None) -> dict[str, FieldType]:
    """Core's field types plus those of the tenant's plugins, by key."""
    return by_key(
        collect(
            _hooks(tenant, hooks),
            "lotse_field_types",
            FieldType,
            builtins=_builtin_field_types(),
            tenant=tenant,
        )
    )


def eligibility_rules(tenant, hooks=None) -> dict[str, EligibilityRule]:
    rules = collect(
        _hooks(tenant, hooks), "lotse_eligibility_rules", EligibilityRule, tenant=tenant
    )
    for rule in rules:
        if rule.category not in (GENERAL_CONDITION, TARGET_GROUP):
            raise ExtensionError(
                f"eligibility rule {rule.key!r} has category {rule.category!r} "
                f"(known: {GENERAL_CONDITION!r}, {TARGET_GROUP!r})"
            )
    return by_key(rules)


def evaluate_eligibility(tenant, person, case=None) -> list[tuple[EligibilityRule, Verdict]]:
    """Every rule of the tenant applied to ``person`` (and ``case``), in key order, with a bare
    context (no answers); ``core.cases.eligibility`` builds the full one."""
    return evaluate_rules(
        eligibility_rules(tenant), EligibilityContext(tenant=tenant, person=person, case=case)
    )


def evaluate_rules(
    rules: Mapping[str, EligibilityRule], context: EligibilityContext
) -> list[tuple[EligibilityRule, Verdict]]:
    """``rules`` applied to ``context`` in key order; a rule that answers something other than
    a :class:`Verdict` is an :class:`ExtensionError`."""
    results = []
    for key, rule in sorted(rules.items()):
        verdict = rule.check(context)
        if not isinstance(verdict, Verdict):
            raise ExtensionError(f"eligibility rule {key!r} returned {verdict!r}, not a Verdict")
        results.append((rule, verdict))
    return results


def report_providers(tenant, hooks=None) -> dict[str, ReportProvider]:
    return by_key(
        collect(_hooks(tenant, hooks), "lotse_report_providers", ReportProvider, tenant=tenant)
    )


def build_report(tenant, key: str, params: dict | None = None, fmt: str = "csv") -> ReportTable:
    """Build the tenant's report ``key``; an unknown key or format is an :class:`ExtensionError`
    (a report of a plugin the tenant has not enabled does not exist for it)."""
    provider = report_providers(tenant).get(key)
    if provider is None:
        raise ExtensionError(f"unknown report {key!r}")
    if fmt not in provider.formats:
        raise ExtensionError(f"report {key!r} cannot be exported as {fmt!r}")
    table = provider.build(tenant, dict(params or {}))
    if not isinstance(table, ReportTable):
        raise ExtensionError(f"report {key!r} returned {table!r}, not a ReportTable")
    return table


def partner_tables(tenant, hooks=None) -> dict[str, PartnerTable]:
    return by_key(
        collect(_hooks(tenant, hooks), "lotse_partner_tables", PartnerTable, tenant=tenant)
    )


def partners_for_postcode(tenant, postcode: str) -> list[tuple[PartnerTable, PartnerRow]]:
    """Rows of every partner table of the tenant that cover ``postcode``."""
    return [
        (table, row)
        for _key, table in sorted(partner_tables(tenant).items())
        for row in table.rows()
        if row.covers(postcode)
    ]
