"""How rows of a declared table belong to one client – the one place erasure, anonymisation and
the Art. 15 package resolve a registry ``link`` into a query condition."""

from __future__ import annotations

from sqlalchemy import inspect, select

from core.db import Model, db
from core.privacy.registry import DataTable

#: The column through which a row of a table with this registry ``link`` names its owner.
LINK_COLUMN = {
    "self": "id",
    "person": "person_id",
    "case": "case_id",
    "consent": "consent_id",
    "plan": "plan_id",
    "household": "id",
}


def model_for(table: str):
    for mapper in Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    raise LookupError(table)


def attribute_names(model) -> dict[str, str]:
    """Column name → mapped attribute name (they differ only where a model renames a column)."""
    mapper = inspect(model)
    return {
        column.name: mapper.get_property_by_column(column).key
        for column in mapper.local_table.columns
    }


class SubjectLinks:
    """The ids through which rows belong to the person: its cases, consents, plans, household.

    ``own_households_only`` keeps only households no one else belongs to: a shared household's
    name is the other members' data too, so erasure leaves it to the last of them."""

    def __init__(self, person, *, own_households_only: bool = False):
        from core.cases.models import Case, HelpPlan
        from core.consent.models import ConsentRecord
        from core.persons.models import HouseholdMember

        self.person_id = person.id
        self.case_ids = list(db.session.scalars(select(Case.id).where(Case.person_id == person.id)))
        self.consent_ids = list(
            db.session.scalars(select(ConsentRecord.id).where(ConsentRecord.person_id == person.id))
        )
        self.plan_ids = list(
            db.session.scalars(
                select(HelpPlan.id).where(HelpPlan.case_id.in_(self.case_ids or [0]))
            )
        )
        households = list(
            db.session.scalars(
                select(HouseholdMember.household_id).where(HouseholdMember.person_id == person.id)
            )
        )
        if own_households_only:
            households = [
                h
                for h in households
                if db.session.scalar(
                    select(HouseholdMember.id)
                    .where(
                        HouseholdMember.household_id == h, HouseholdMember.person_id != person.id
                    )
                    .limit(1)
                )
                is None
            ]
        self.household_ids = households

    def condition(self, model, table: DataTable):
        column = LINK_COLUMN[table.link]
        attribute = getattr(model, attribute_names(model)[column])
        if table.link in ("self", "person"):
            return attribute == self.person_id
        ids = {
            "case": self.case_ids,
            "consent": self.consent_ids,
            "plan": self.plan_ids,
            "household": self.household_ids,
        }[table.link]
        return attribute.in_(ids or [0])
