"""Fault replays (issue 20), one module each with `run(quick) -> dict`; bench/chaos.py runs them all."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable


def command_line(run: Callable[[bool], dict], doc: str | None, quick_help: str = "the small version") -> None:
    """Run one replay from its own command line (`--quick`) and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    print(json.dumps(run(parser.parse_args().quick), indent=2, ensure_ascii=False))
