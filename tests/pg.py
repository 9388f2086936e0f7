"""A real PostgreSQL server for the tests, from Debian's `postgresql` package.

The server runs on a free loopback port from a throw-away data folder and is stopped at
the end of the session. PostgreSQL refuses to run as root (CI runs as root), so as root
every server command runs as the `postgres` user that the package creates. Each test
gets a database of its own (`PostgresServer.new_database`), so tests do not see each
other's rows.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"
SUPERUSER = "quotebot"


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries here, or the server would not start."""


def server_binaries() -> Path:
    """The newest /usr/lib/postgresql/*/bin holding initdb (or the one on PATH)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (apt-get install postgresql; .ci/run does this)"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One running server; `url` connects as a superuser over TCP on 127.0.0.1."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="quotebot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        self._as_other_user = os.geteuid() == 0
        if self._as_other_user:
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError as error:
                raise PostgresUnavailable(f"no '{SERVER_USER}' user to run the server") from error
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self._as_other_user else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=120, cwd=self.folder
        )
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}"
            )

    def start(self) -> PostgresServer:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
            "--auth=trust", "--encoding=UTF8", "--no-sync",
        )
        # fsync off: a test server need not survive a power cut, and it makes tests faster.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except PostgresUnavailable:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
