"""Persons (clients) and households. Identifiers English, UI German (Klient*in, Haushalt)."""
