"""Core test suite. Fixtures come from ``core.testing.pytest_plugin`` (pytest11 entry point)."""

#: Fixtures of the form submission tests (``forms_app``, ``forms_world``: plugin ``formfix``).
pytest_plugins = ("tests.integration.forms_kit",)

#: A referral of the master data to the job centre: the disclosure the consent tests ask for.
REFERRAL = {
    "recipient_key": "jobcenter",
    "purpose": "referral",
    "channel": "referral",
    "data_categories": ["master_data"],
}
