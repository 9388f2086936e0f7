"""A small real filesystem (tmpfs) a test can fill up and free again: the state folder on a
full disk, as the hostile probe of issue 20 had it (an 8 MB tmpfs).

Mounting needs root with CAP_SYS_ADMIN (as in this project's containers); elsewhere
`SmallDisk.mount` raises `DiskUnavailable` and the tests that need it skip.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

FILLER = ".filler"


class DiskUnavailable(Exception):
    """This process may not mount a tmpfs."""


class SmallDisk:
    """A tmpfs of `size_mb` megabytes mounted at `folder`."""

    def __init__(self, folder: Path, size_mb: int = 8) -> None:
        self.folder = folder
        self.size_mb = size_mb
        self.mounted = False

    def mount(self) -> SmallDisk:
        self.folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size_mb}m", "tmpfs", str(self.folder)],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise DiskUnavailable(f"cannot mount a tmpfs: {result.stderr.strip()}")
        self.mounted = True
        return self

    def fill(self) -> None:
        """Write a file until the disk is full (ENOSPC)."""
        handle = os.open(self.folder / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        block = b"\0" * 65536
        try:
            while True:
                os.write(handle, block)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        try:  # the last partial block, so not one byte is left
            while True:
                os.write(handle, b"\0" * 512)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        finally:
            os.close(handle)

    def free(self) -> None:
        """Space comes back."""
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.folder / FILLER)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.folder)], capture_output=True)
            self.mounted = False


@contextlib.contextmanager
def small_disk(folder: Path, size_mb: int = 8) -> Iterator[SmallDisk]:
    """A mounted `SmallDisk`, unmounted at the end (DiskUnavailable when not allowed)."""
    disk = SmallDisk(folder, size_mb).mount()
    try:
        yield disk
    finally:
        disk.unmount()
