"""The README keeps up with the code: its first screen, every command, every variable."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_screen_has_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:40])
    assert "make run" in first_screen
    assert "make test" in first_screen


def test_every_bot_command_is_documented_with_an_example():
    from bot.reply import DESCRIPTIONS as COMMANDS

    table = README.split("## Using the bot", 1)[1].split("\n## ", 1)[0]
    for name in COMMANDS:
        rows = [line for line in table.splitlines() if line.startswith(f"| `/{name}")]
        assert rows, f"/{name} has no row in the README's command table"
        assert all(row.rstrip().endswith("` |") for row in rows), f"/{name}: no example"


def test_every_cli_command_is_documented():
    from bot.cli import cli

    for name in cli.commands:
        assert f"quotebot {name}" in README, f"`quotebot {name}` is missing from the README"


def test_every_environment_variable_is_documented_with_its_default():
    config = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"\)', config))
    assert names
    for name in names:
        assert re.search(rf"^\| `{name}` \| [^|]+ \|", README, re.M), f"{name}: no row with a default"


def test_links_to_repository_files_resolve():
    for target in re.findall(r"\]\(((?!https?:|#)[^)]+)\)", README):
        assert (ROOT / target.split("#")[0]).exists(), target


def test_the_roles_table_lists_every_role_label_the_extractor_knows():
    from bot.extract.reading import SUBTITLE_SUFFIXES
    from bot.extract.roles import ROLE_LABELS

    section = README.split("### Hosts and guests: roles", 1)[1].split("\n### ", 1)[0]
    for kind, labels in ROLE_LABELS.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| {kind} |"))
        written = {label.lower() for label in re.findall(r"`([^`]+)`", row)}
        assert written == set(labels), f"{kind}: README {sorted(written ^ set(labels))}"
    formats = README.split("### Accepted formats", 1)[1].split("\n### ", 1)[0]
    assert all(f"`{suffix}`" in formats for suffix in SUBTITLE_SUFFIXES)
