"""docs/plugin_hooks.md is a reference, not a list of names: every hook's section states its kind,
who calls it, each parameter, the return value and the version it appeared in, and shows an
example. (That every hook has a section with its exact signature is checked in test_hooks.py.)"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
HOOKS = sorted(
    name for name, fn in vars(hookspecs).items() if name.startswith("lotse_") and callable(fn)
)


def _section(name: str) -> str:
    match = re.search(rf"^## {name}\(.*?$(.*?)(?=^## |\Z)", DOC, flags=re.M | re.S)
    assert match, f"no section for {name}"
    return match.group(1)


def _field(section: str, label: str) -> str:
    match = re.search(rf"^- \*\*{label}:\*\* (.*?)(?=^- \*\*|^\s*$)", section, flags=re.M | re.S)
    assert match, f"missing '- **{label}:**'"
    return " ".join(match.group(1).split())


def _as_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


@pytest.mark.parametrize("name", HOOKS)
def test_hook_section_is_complete(name):
    section = _section(name)
    spec_kind = re.search(r"Kind: (startup|runtime)", getattr(hookspecs, name).__doc__).group(1)
    assert _field(section, "Kind").startswith(spec_kind), "kind differs from the hookspec"
    assert len(_field(section, "Called")) > 20, "say who calls the hook, and when"
    parameters = _field(section, "Parameters")
    argnames = list(inspect.signature(getattr(hookspecs, name)).parameters)
    if argnames:
        for arg in argnames:
            assert f"`{arg}` (" in parameters, f"parameter {arg} without its type"
    else:
        assert parameters.startswith("none")
    assert _field(section, "Returns")
    since = re.match(r"(\d+\.\d+\.\d+)", _field(section, "Since"))
    assert since, "Since: needs a version"
    assert _as_tuple(since.group(1)) <= _as_tuple(version("lotse")), "since a future version"
    assert "```python" in section, "an example implementation"


def test_declared_slots_are_documented():
    from core.plugins.slots import TEMPLATE_SLOTS

    for name in TEMPLATE_SLOTS:
        assert f"| `{name}` |" in DOC, f"slot {name} missing from the slot table"
