"""Alembic environment: runs inside the Flask app so plugins and the database URL are known."""

from __future__ import annotations

from alembic import context
from flask import current_app

import core.models  # noqa: F401  (register every core table)
from core.db import db
from core.tenancy.context import unscoped

config = context.config
app = config.attributes.get("flask_app") or current_app


def _plugin_models():
    pm = app.extensions["lotse.pm"]
    import importlib
    import importlib.util

    for name in pm.metas:
        module = f"{pm.packages[name].__name__}.models"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def run_migrations_online() -> None:
    with app.app_context():
        _plugin_models()
        engine = db.engine
        with engine.connect() as connection, unscoped():
            context.configure(
                connection=connection,
                target_metadata=db.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()


if context.is_offline_mode():
    raise SystemExit(
        "offline migrations are not supported; run `lotse db upgrade` against a database"
    )
run_migrations_online()
