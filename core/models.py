"""Imports every core model module so the mapper registry is complete (app, migrations, tests)."""

import core.audit.models  # noqa: F401
import core.auth.models  # noqa: F401
import core.cases.models  # noqa: F401
import core.cases.numbering  # noqa: F401
import core.consent.models  # noqa: F401
import core.documentation.models  # noqa: F401
import core.persons.models  # noqa: F401
import core.privacy.models  # noqa: F401
import core.tenancy.models  # noqa: F401
