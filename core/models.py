"""Imports every core model module so the mapper registry is complete (app, migrations, tests).

Found, not listed: every ``core/<domain>/models.py`` (a new domain adds its package and nothing
here). Model classes live in their domain's ``models.py``; a module that defines one elsewhere
is imported by that ``models.py``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import core


def _model_modules() -> list[str]:
    names = []
    for base in core.__path__:
        for package in sorted(Path(base).iterdir()):
            if (package / "__init__.py").is_file() and (package / "models.py").is_file():
                names.append(f"core.{package.name}.models")
    return names


for _name in _model_modules():
    importlib.import_module(_name)
