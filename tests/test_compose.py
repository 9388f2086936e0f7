"""The Docker files: the Compose file validates, and the image and Compose agree on paths.

No Docker engine is needed. Debian's `docker-compose` (1.29, installed by .ci/run)
or the `docker compose` plugin checks a Compose file with `config -q` alone. The
validation tests skip, saying why, only when neither client is installed.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
CONFIG = ROOT / "bot" / "config.py"

# Where the container keeps things (Dockerfile ENV and docker-compose.yml environment).
CONTAINER_PATHS = {
    "QUOTEBOT_SEEDS": "/app/seeds",
    "QUOTEBOT_DB": "/app/db/quotes.db",
    "QUOTEBOT_STATE_DB": "/data/state.db",
    "QUOTEBOT_HEARTBEAT": "/data/heartbeat",
}


def compose_command() -> list[str] | None:
    """`docker-compose` when installed, else `docker compose` when that plugin works, else None."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    command = compose_command()
    if command is None:
        pytest.skip(
            "no Compose client: neither `docker-compose` nor the `docker compose` plugin is "
            "installed (.ci/run installs Debian's docker-compose with apt-get as root)"
        )
    return command


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the Compose project with a dummy .env, as `env_file: .env` requires one."""
    for name in ("docker-compose.yml", "Dockerfile", ".dockerignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    (tmp_path / ".env").write_text(
        ENV_EXAMPLE.read_text(encoding="utf-8").replace(
            "TELEGRAM_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN=123456:dummy-token-for-config-check"
        ),
        encoding="utf-8",
    )
    return tmp_path


def run_compose(command: list[str], project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command, "--project-directory", str(project), "-f", str(project / "docker-compose.yml"),
         "config", *args],
        capture_output=True, text=True, timeout=120, cwd=project,
    )


def test_compose_file_validates(compose, project):
    result = run_compose(compose, project, "-q")
    assert result.returncode == 0, f"{' '.join(compose)} config -q failed:\n{result.stderr}"


def test_compose_has_one_bot_service_and_the_state_volume(compose, project):
    services = run_compose(compose, project, "--services")
    volumes = run_compose(compose, project, "--volumes")
    assert services.stdout.split() == ["bot"], services.stderr
    assert volumes.stdout.split() == ["state"], volumes.stderr


def test_a_broken_compose_file_is_rejected(compose, project):
    """The check really checks: a schema error (a list where a string belongs) fails it."""
    path = project / "docker-compose.yml"
    text = path.read_text(encoding="utf-8")
    assert "restart: unless-stopped" in text
    path.write_text(text.replace("restart: unless-stopped", "restart: [unless-stopped]"))
    result = run_compose(compose, project, "-q")
    assert result.returncode != 0


# -- what the files say (no client needed) -------------------------------------


def _compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


def test_compose_service_runs_the_bot_as_issue_5_asks():
    text = _compose_text()
    assert re.search(r"^\s+env_file: \.env$", text, re.M)
    assert re.search(r"^\s+restart: unless-stopped$", text, re.M)
    assert re.search(r"^\s+- state:/data$", text, re.M), "the named volume is mounted at /data"
    assert re.search(r'test: \["CMD", "quotebot", "health", "--max-age", "\d+"\]', text)
    for name, path in CONTAINER_PATHS.items():
        assert re.search(rf"^\s+{name}: {re.escape(path)}$", text, re.M), name


def _dockerfile_lines() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_dockerfile_is_slim_cached_non_root_and_builds_the_database():
    lines = _dockerfile_lines()
    assert re.fullmatch(r"FROM python:3\.11-slim(-\w+)?", lines[0])

    def index(pattern: str) -> int:
        found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
        assert found, f"no line matches {pattern!r}"
        return found[0]

    # Dependencies are installed from pyproject.toml before the code is copied.
    assert index(r"^COPY pyproject\.toml") < index(r"pip install -r") < index(r"^COPY bot ")
    # The database is built by the unprivileged user, after the seeds are in.
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert index(r"^COPY .*seeds") < index(r"^USER ") < index(r"^RUN quotebot ingest")
    assert index(r"^HEALTHCHECK .*quotebot.*health") > 0
    assert lines[-1].startswith("CMD ")


def test_dockerfile_and_compose_agree_on_paths():
    env = " ".join(line for line in _dockerfile_lines() if line.startswith("ENV "))
    for name, path in CONTAINER_PATHS.items():
        assert f"{name}={path}" in env, name


def config_variables() -> set[str]:
    """Every environment variable bot/config.py reads."""
    return set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"\)', CONFIG.read_text(encoding="utf-8")))


def env_example_variables() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))


def compose_required_variables() -> set[str]:
    """The variables a Compose file refuses to start without (`${NAME:?message}`)."""
    files = ("docker-compose.yml", "docker-compose.cluster.yml")
    texts = [(ROOT / name).read_text(encoding="utf-8") for name in files]
    return {name for text in texts for name in re.findall(r"\$\{([A-Z][A-Z0-9_]+):\?", text)}


def test_env_example_lists_every_variable():
    listed = env_example_variables()
    read = config_variables()
    assert {"TELEGRAM_BOT_TOKEN", "QUOTEBOT_HEARTBEAT"} <= read
    assert read - listed == set(), "add these to .env.example"
    assert listed - read - compose_required_variables() == set(), (
        "neither bot/config.py nor a Compose file reads these"
    )


def test_env_example_lists_what_the_compose_files_require():
    required = compose_required_variables()
    assert {"WEBHOOK_SECRET", "POSTGRES_PASSWORD"} <= required
    assert required - env_example_variables() == set(), "add these to .env.example"


# -- the cluster: docker-compose.cluster.yml -------------------------------------

CLUSTER_FILE = ROOT / "docker-compose.cluster.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
REPLICAS = ["bot1", "bot2", "bot3"]


@pytest.fixture
def cluster(project) -> Path:
    """The project with the cluster file, nginx's config and the .env the cluster needs."""
    shutil.copy(CLUSTER_FILE, project / "docker-compose.yml")
    (project / "deploy").mkdir()
    shutil.copy(NGINX_CONF, project / "deploy" / "nginx.conf")
    with (project / ".env").open("a", encoding="utf-8") as env:
        env.write(
            "WEBHOOK_URL=https://bot.example.org/telegram/hook\nPOSTGRES_PASSWORD=pw\n"
            "WEBHOOK_SECRET=s3cret\n"
        )
    return project


def test_cluster_file_validates(compose, cluster):
    result = run_compose(compose, cluster, "-q")
    assert result.returncode == 0, f"{' '.join(compose)} config -q failed:\n{result.stderr}"
    services = run_compose(compose, cluster, "--services")
    assert sorted(services.stdout.split()) == sorted(
        [*REPLICAS, "nginx", "postgres", "webhook-set"]
    ), services.stderr


def test_cluster_refuses_to_start_without_webhook_url(compose, cluster):
    """Three replicas long polling one token would fight over it: webhook mode is required."""
    env = cluster / ".env"
    env.write_text(env.read_text(encoding="utf-8").replace("WEBHOOK_URL=https", "#https"))
    result = run_compose(compose, cluster, "-q")
    assert result.returncode != 0 and "WEBHOOK_URL" in result.stderr


def test_cluster_replicas_share_postgres_and_leave_setwebhook_to_one():
    text = CLUSTER_FILE.read_text(encoding="utf-8")
    assert re.search(r"QUOTEBOT_STATE_URL: postgresql://quotebot:\$\{POSTGRES_PASSWORD", text)
    assert 'QUOTEBOT_SET_WEBHOOK: "false"' in text
    assert "WEBHOOK_SECRET: ${WEBHOOK_SECRET:?" in text
    assert 'command: ["quotebot", "webhook", "set"]' in text
    assert re.search(r"image: nginx:[\d.]+$", text, re.M)
    assert re.search(r"image: postgres:\d+$", text, re.M)
    assert "/healthz" in text
    conf = NGINX_CONF.read_text(encoding="utf-8")
    for replica in REPLICAS:
        assert f"server {replica}:8443" in conf
    assert "listen 443 ssl" in conf and "ssl_certificate " in conf
    assert re.search(r"proxy_next_upstream .*non_idempotent", conf)


# -- the web face in both profiles ------------------------------------------------


def test_one_process_profile_keeps_polling_and_shows_how_to_turn_the_web_on():
    text = _compose_text()
    assert "WEBHOOK_URL" not in re.sub(r"#.*", "", text), "long polling stays the default"
    assert re.search(r'^\s+# QUOTEBOT_WEB: "1"$', text, re.M)
    assert re.search(r"^\s+# QUOTEBOT_PUBLIC_URL: https://", text, re.M)
    assert re.search(r'^\s+#\s+- "8080:8080"$', text, re.M)
    assert "QUOTEBOT_WEB" not in re.sub(r"#.*", "", text), "the web is off unless uncommented"


def test_one_process_profile_with_the_web_uncommented_validates(compose, project):
    path = project / "docker-compose.yml"
    text = path.read_text(encoding="utf-8")
    for line in ('# QUOTEBOT_WEB: "1"', "# QUOTEBOT_PUBLIC_URL:", "# ports:", '#   - "8080:8080"'):
        text = text.replace(line, line.replace("# ", "", 1))
    path.write_text(text, encoding="utf-8")
    result = run_compose(compose, project)
    assert result.returncode == 0, result.stderr
    assert "QUOTEBOT_WEB: '1'" in result.stdout or 'QUOTEBOT_WEB: "1"' in result.stdout
    assert re.search(r"published: 8080|8080:8080", result.stdout)


def test_cluster_replicas_serve_the_web_and_trust_only_nginx(compose, cluster):
    config = yaml.safe_load(run_compose(compose, cluster).stdout)
    services = config["services"]
    nginx_address = services["nginx"]["networks"]["default"]["ipv4_address"]
    subnet = config["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx_address) in ipaddress.ip_network(subnet)
    for replica in REPLICAS:
        environment = services[replica]["environment"]
        assert environment["QUOTEBOT_WEB"] == "1", replica
        assert environment["QUOTEBOT_TRUSTED_PROXIES"] == nginx_address, replica
        assert environment["WEBHOOK_PORT"] == "8443", "the web is served beside the hook"
        assert "ports" not in services[replica], "replicas are reached through nginx only"


def _nginx_directives() -> str:
    """deploy/nginx.conf without its comments (which name directives it must not use)."""
    return re.sub(r"#.*", "", NGINX_CONF.read_text(encoding="utf-8"))


def _nginx_locations() -> dict[str, str]:
    """deploy/nginx.conf's location blocks by their argument (`= /`, `/q/`)."""
    conf = _nginx_directives()
    return {
        match[1].strip(): match[2]
        for match in re.finditer(r"^ +location ([^{\n]+)\{(.*?)\n        \}", conf, re.S | re.M)
    }


def test_nginx_routes_the_hook_and_the_web_and_keeps_health_internal():
    locations = _nginx_locations()
    for path in ("/telegram/", "= /", "/api/", "/q/", "/static/"):
        assert "proxy_pass http://quotebot;" in locations[path], path
    assert "proxy_pass" not in locations["/"] and "return 404;" in locations["/"]
    assert not any("healthz" in path or "metrics" in path for path in locations)


def test_nginx_caches_pages_cards_and_static_files_by_variant_and_never_the_api():
    conf = _nginx_directives()
    locations = _nginx_locations()
    assert re.search(r"proxy_cache_path \S+ .*keys_zone=quotebot_web:", conf)
    for path in ("/q/", "/static/"):
        assert "proxy_cache quotebot_web;" in locations[path], path
        assert "$request_uri" in locations[path], f"{path}: ?lang=, ?script=, ?theme= apart"
    assert re.search(r"proxy_cache_key .*\$quotebot_accept_language", locations["/q/"])
    assert "map $http_accept_language $quotebot_accept_language" in conf
    # Lifetimes come from the server's Cache-Control, and variants from its Vary (Accept-
    # Encoding too: a gzip page for a reader without gzip), which nginx must not override.
    assert "proxy_cache_valid" not in conf and "proxy_ignore_headers" not in conf
    for path in ("= /", "/api/", "/telegram/"):
        assert "proxy_cache" not in locations[path], path


def test_nginx_passes_the_readers_address_as_itself_not_as_a_client_claims():
    conf = _nginx_directives()
    assert "proxy_set_header X-Real-IP $remote_addr;" in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    # Set once for the server: a location's own proxy_set_header would drop them all.
    assert not any("proxy_set_header" in block for block in _nginx_locations().values())
