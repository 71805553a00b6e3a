"""Alembic wiring: one environment, core versions in ``migrations/versions`` plus one branch per
plugin, collected through ``lotse_migration_dirs``. ``upgrade heads`` runs them all."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from flask import current_app

from core.config import PROJECT_ROOT


def alembic_config() -> Config:
    pm = current_app.extensions["lotse.pm"]
    locations = [str(PROJECT_ROOT / "migrations" / "versions")]
    for dirs in pm.hook.lotse_migration_dirs():
        locations.extend(str(d) for d in dirs)
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # Alembic splits version_locations on this separator.
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["flask_app"] = current_app._get_current_object()  # type: ignore[attr-defined]
    return cfg


def upgrade(revision: str = "heads") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def current() -> None:
    command.current(alembic_config(), verbose=True)


def revision(
    message: str,
    autogenerate: bool,
    head: str = "base",
    branch_label: str | None = None,
    version_path: str | None = None,
    depends_on: str | None = None,
) -> None:
    command.revision(
        alembic_config(),
        message=message,
        autogenerate=autogenerate,
        head=head,
        branch_label=branch_label,
        version_path=version_path,
        depends_on=depends_on,
    )
