"""deploy/nginx.conf run for real on loopback, from Debian's `nginx` package.

The copy that runs differs from the file only where it must: the replicas become the
given loopback ports, the listener a free loopback port, the certificate a throw-away
self-signed one, the cache and temporary folders a folder of its own, and `http2 on;`
(nginx 1.25.1+, the cluster's image is 1.27) becomes `listen ... http2` on an older nginx
(Debian 12 has 1.22). It runs as one process of this user in the foreground.
Used by tests/test_nginx_conf.py and bench/web_load.py.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
REPLICAS = ("bot1", "bot2", "bot3")


class NginxUnavailable(Exception):
    """No nginx (or no openssl for its certificate) on this machine."""


def nginx_binary() -> str:
    """The nginx executable (Debian puts it in /usr/sbin, not always on PATH)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        raise NginxUnavailable("no nginx: `apt-get install nginx` (Debian's package; .ci/run does)")
    if shutil.which("openssl") is None:
        raise NginxUnavailable("no openssl to make nginx's test certificate")
    return found


def nginx_version(binary: str) -> tuple[int, ...]:
    """(1, 22, 1) from `nginx -v`."""
    text = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10).stderr
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", text)
    if match is None:
        raise NginxUnavailable(f"cannot read nginx's version: {text!r}")
    return tuple(int(part) for part in match.groups())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_config(folder: Path, binary: str, upstream_ports: list[int], port: int) -> Path:
    """deploy/nginx.conf made runnable here, written into `folder` with its certificate."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    for number, replica in enumerate(REPLICAS):
        upstream = upstream_ports[number % len(upstream_ports)]
        text, count = re.subn(rf"server {replica}:8443\b", f"server 127.0.0.1:{upstream}", text)
        if count != 1:
            raise ValueError(f"deploy/nginx.conf names {replica}:8443 {count} times, not once")
    listen = f"listen 127.0.0.1:{port} ssl"
    if nginx_version(binary) < (1, 25, 1):
        text = text.replace("        http2 on;\n", "")
        listen += " http2"
    text = text.replace("listen 443 ssl", listen)
    text = text.replace("/etc/nginx/certs/", f"{folder}/")
    text = text.replace("/var/cache/nginx/quotebot", f"{folder}/cache")
    temporary = "".join(
        f"    {kind}_temp_path {folder}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", f"pid {folder}/nginx.pid;\nhttp {{\n{temporary}", 1)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", str(folder / "privkey.pem"),
         "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )
    path = folder / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


class Nginx:
    """deploy/nginx.conf in front of loopback replicas; `start()` checks it (`nginx -t`) first."""

    def __init__(self, folder: Path, upstream_ports: list[int]) -> None:
        self.binary = nginx_binary()
        self.folder = folder
        self.port = free_port()
        self.conf = local_config(folder, self.binary, upstream_ports, self.port)
        self.process: subprocess.Popen | None = None

    def command(self, *extra: str) -> list[str]:
        return [self.binary, "-e", str(self.folder / "error.log"), "-c", str(self.conf), *extra]

    def check(self) -> str:
        """`nginx -t` on the copy: its complaint, or '' when the configuration is valid."""
        checked = subprocess.run(self.command("-t", "-q"), capture_output=True, text=True, timeout=30)
        return "" if checked.returncode == 0 else checked.stderr or f"exit {checked.returncode}"

    def start(self) -> Nginx:
        """Check the configuration, start nginx and wait until it listens."""
        complaint = self.check()
        if complaint:
            raise AssertionError(f"nginx -t:\n{complaint}")
        self.process = subprocess.Popen(
            self.command("-g", "daemon off; master_process off;"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(f"nginx exited: {self.process.stderr.read()}") from None
                if time.monotonic() > deadline:
                    raise AssertionError("nginx did not listen within 10 s") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
