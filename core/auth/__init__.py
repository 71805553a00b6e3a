"""Accounts: users, memberships, roles and permissions, login, second factor and API tokens."""
