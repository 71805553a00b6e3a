"""Access to case management (Zugangsprüfung): the plugins' rules evaluated into a suggestion,
the Vorrang check, and the case manager's decision with the consent gate.

Its own domain rather than part of ``core.cases``: the decision needs the consent domain (the
consent to processing is a hard precondition of admission), and ``core.consent`` already builds
on ``core.cases``; inside ``core.cases`` that would be an import cycle. The table stays
``core.cases.models.AccessDecision`` (the phase requirement ``access_admitted`` reads it).
"""
