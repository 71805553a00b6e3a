"""The plugin's own tests: the rule on its own (the app-level test lives in Lotse's
``tests/contract/test_example_plugin.py``, which loads this plugin into a real app)."""

from datetime import date
from types import SimpleNamespace

from hello_plugin.hooks import Adult, age_on


def test_age_counts_the_birthday():
    assert age_on(date(2000, 6, 15), date(2018, 6, 14)) == 17
    assert age_on(date(2000, 6, 15), date(2018, 6, 15)) == 18


def test_rule_needs_a_birth_date():
    verdict = Adult().evaluate(SimpleNamespace(birth_date=None), None)
    assert not verdict.eligible and verdict.reasons


def test_adult_and_minor():
    assert Adult().evaluate(SimpleNamespace(birth_date=date(1980, 1, 1)), None).eligible
    assert not Adult().evaluate(SimpleNamespace(birth_date=date.today()), None).eligible
