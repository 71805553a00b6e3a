"""Cases through the Regelkreis: types, phases and transitions, contacts, goals, help plans,
follow-ups (Wiedervorlagen), closure and evaluation, deputies and caseload."""
