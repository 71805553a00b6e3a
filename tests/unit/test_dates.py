"""core.dates: months and years by the calendar, clamped to the end of the month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.dates import add_months, add_years, age_on, days_in_month


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 3, 31), 1, date(2025, 4, 30)),  # not 28 April (issue #9)
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 1, 30), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # over the turn of the year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),  # backwards
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 1, 10), -1, date(2024, 12, 10)),
        (date(2025, 1, 10), -13, date(2023, 12, 10)),
        (date(2025, 8, 31), 0, date(2025, 8, 31)),
        (date(2025, 1, 10), 9, date(2025, 10, 10)),
        (date(2025, 5, 31), 120, date(2035, 5, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_keeps_time_and_zone_of_a_datetime():
    moment = datetime(2025, 3, 31, 14, 5, tzinfo=UTC)
    assert add_months(moment, 1) == datetime(2025, 4, 30, 14, 5, tzinfo=UTC)
    assert isinstance(add_months(moment, 1), datetime)
    assert type(add_months(date(2025, 3, 31), 1)) is date


def test_add_months_is_not_reversible_at_month_ends():
    """Clamping loses the day: what a deadline computed forwards and backwards must accept."""
    assert add_months(add_months(date(2025, 3, 31), 1), -1) == date(2025, 3, 30)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2025, 3, 31), 2, date(2027, 3, 31)),
        (date(2025, 6, 1), -16, date(2009, 6, 1)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


def test_days_in_month():
    assert [days_in_month(2024, 2), days_in_month(2025, 2), days_in_month(2025, 4)] == [29, 28, 30]


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2009, 6, 1), date(2025, 5, 31), 15),
        (date(2009, 6, 1), date(2025, 6, 1), 16),  # the birthday itself counts
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age
