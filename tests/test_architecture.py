"""The data flows one way: extract -> normalize -> index -> search -> reply -> telegram.

The quote database (`bot.quotedb`, a package) sits below both the builder and the searcher,
so searching never needs the build path.

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
    "bot.records": -1,  # records every layer shares (a source): imports nothing of ours
    "bot.metadata": 0, "bot.config": 0, "bot.messages": 0, "bot.heartbeat": 0,
    "bot.pick": 0,  # the picker: pure, imports nothing of ours
    "bot.moments": 0,  # a video moment's link and label: standard library only
    "bot.fetch": 0,  # a link fetched with limits and a private-address guard: httpx only
    "bot.extract": 1,
    "bot.state": 1,  # the state package's face and open_state_store (reads bot.config); inside it:
    "bot.state.store": 0.1, "bot.state.sqlite_schema": 0.2, "bot.state.sqlite_writer": 0.2,
    "bot.state.postgres_schema": 0.2, "bot.state.postgres_limits": 0.2,
    "bot.state.sqlite": 0.3, "bot.state.postgres": 0.3,
    "bot.throttle": 1.5,  # flood control per sender, in memory or in the PostgreSQL state store
    "bot.normalize": 2,
    "bot.meaning": 2,  # sentence embeddings and the vector index; imports only bot.text
    "bot.terms": 3,
    "bot.lexicon": 4,
    "bot.quotedb": 5,
    "bot.index": 6,
    "bot.search": 7,
    "bot.reply": 8.9,  # the package's face re-exports its modules, which import down this order:
    "bot.reply.markup": 8.1, "bot.reply.payload": 8.2, "bot.reply.language": 8.2,
    "bot.reply.schedule": 8.2, "bot.reply.greeting": 8.2, "bot.reply.render": 8.3,
    "bot.reply.conversation": 8.4,
    "bot.reply.commands": 8.5,
    "bot.card": 8.95,  # quote cards: drawn from a reply's quote, used by chat and telegram
    "bot.web": 8.97,  # the web face: API, quote pages, search page, Mini App (telegram mounts it)
    "bot.chat": 9, "bot.telegram": 9,
    "bot.cli": 10,
    "bot.__main__": 11,
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


def test_the_searcher_never_pulls_in_the_builder():
    """Nothing under bot.search reaches bot.index, not even through another module."""
    graph = {module_name(p): imported_modules(p) for p in MODULES}
    todo = [name for name in graph if name == "bot.search" or name.startswith("bot.search.")]
    reached: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(graph.get(name, ()))
    assert not [name for name in reached if layer_of(name)[0] == "bot.index"], sorted(reached)
