"""A build's temporary file: its lock while the build runs, and the stale files of killed builds.

The build writes a temporary file beside the target and holds an advisory lock on
it; a build killed before its rename leaves the file with a free lock, and the next
build removes it.
"""

from __future__ import annotations

import os
from pathlib import Path


def _hold(handle: int) -> bool:
    """Lock a build's temporary file while the build runs; False when another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; stale files stay
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete temporary files of earlier builds of `db_path` that were killed (their lock
    is free); a build still running elsewhere holds its lock and keeps its file."""
    removed = []
    for candidate in db_path.parent.glob(db_path.name + ".*.tmp"):
        try:
            handle = os.open(candidate, os.O_RDWR)
        except OSError:
            continue
        try:
            if _hold(handle):
                candidate.unlink(missing_ok=True)
                removed.append(candidate)
        finally:
            os.close(handle)
    return removed
