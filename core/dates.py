"""Calendar arithmetic, once: months and years are added by the calendar, never as 30 or 365
days, and a day that does not exist in the target month falls back to that month's last day
(31 March + 1 month = 30 April; 29 February + 1 year = 28 February)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TypeVar

#: ``date`` or ``datetime`` (a datetime keeps its time and time zone).
Day = TypeVar("Day", bound=date)


def add_months(day: Day, months: int) -> Day:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, days_in_month(year, month)))


def add_years(day: Day, years: int) -> Day:
    """``day`` moved by ``years`` calendar years; 29 February becomes 28 February off leap years."""
    return add_months(day, 12 * years)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def age_on(birth_date: date, day: date) -> int:
    """Whole years completed on ``day`` (someone born on 29 February turns a year older on
    1 March in other years)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
