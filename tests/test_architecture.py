"""The data flows one way: extract -> normalize -> index -> search -> reply -> telegram.

A module imports only from modules to its left (or from its own package); the
small leaf modules (settings, metadata, the bot's words, state) import nothing of ours.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

# Position in the flow; a module may import only from lower positions.
LAYERS = {
    "bot.text": -1,  # text primitives: below everything, imports nothing of ours
    "bot.metadata": 0, "bot.config": 0, "bot.messages": 0, "bot.heartbeat": 0, "bot.state": 0,
    "bot.extract": 1, "bot.state_pg": 1,
    "bot.normalize": 2,
    "bot.lexicon": 3,
    "bot.index": 4,
    "bot.search": 5,
    "bot.reply": 6,
    "bot.chat": 7, "bot.telegram": 7,
    "bot.cli": 8,
    "bot.__main__": 9,
}
MODULES = sorted((ROOT / "bot").rglob("*.py"))


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> tuple[str, int] | None:
    """The flow step a module belongs to (its package for extract/ and telegram/)."""
    for prefix, layer in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if name == prefix or name.startswith(prefix + "."):
            return prefix, layer
    return None


def imported_modules(path) -> set[str]:
    """Every `bot...` module a file imports, `from bot import x` counted as `bot.x`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("bot."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            if node.module == "bot":
                found.update(f"bot.{alias.name}" for alias in node.names if alias.name != "__version__")
            else:
                found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down_the_flow(path):
    own_step, own_layer = layer_of(module_name(path)) or (module_name(path), 99)
    for name in imported_modules(path):
        step = layer_of(name)
        assert step is not None, f"{name} has no place in LAYERS"
        if step[0] == own_step:
            continue  # inside one step's own package
        assert step[1] < own_layer, f"{module_name(path)} imports {name}, which is not to its left"


def test_every_module_has_a_place_in_the_flow():
    assert all(layer_of(module_name(p)) for p in MODULES if module_name(p) != "bot")
