"""Sprachmittlung: the tenant's pool of interpreters and language mediators.

Case managers look up who can interpret a language or dialect, whether the person has signed the
confidentiality pledge (§ 203 StGB) and how assignments are billed (Oberhausen asks exactly this:
"Wann werden Dolmetscher*innen/Sprachmittler*innen eingesetzt und wie werden sie abgerechnet?").
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("interpreters")

from plugins.interpreters.schemas import InterpreterSettingsSchema  # noqa: E402

PLUGIN = PluginMeta(
    name="interpreters",
    title=_("Interpreter pool"),
    description=_(
        "Interpreters and language mediators of the tenant: languages and dialects, "
        "confidentiality pledge, availability and billing notes."
    ),
    version="1.0.0",
    lotse_version=">=0.1,<1",
    settings_schema=InterpreterSettingsSchema,
)
