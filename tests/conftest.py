"""Core test suite. Fixtures come from ``core.testing.pytest_plugin`` (pytest11 entry point)."""

#: The form submission tests' app with the fixture plugin ``formfix`` (``forms_app``, ``forms_world``).
pytest_plugins = ("tests.integration.forms_kit",)

#: A referral of the master data to the job centre: the disclosure the consent tests ask for.
REFERRAL = {
    "recipient_key": "jobcenter",
    "purpose": "referral",
    "channel": "referral",
    "data_categories": ["master_data"],
}
