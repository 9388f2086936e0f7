"""Settings from the environment (and a `.env` file when present), read in one place.

Everything else receives a `Settings` object; nothing below this module reads
`os.environ` itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    """The bot's whole configuration."""

    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("db/quotes.db")
    state_db_path: Path = Path("db/state.db")
    state_url: str | None = None  # postgresql://…: state on a shared server (replicas)
    seeds_dir: Path = Path("seeds")
    log_level: str = "INFO"
    log_texts: bool = False  # QUOTEBOT_LOG_TEXTS=1: message texts may appear in DEBUG logs
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    # /metrics: on an address of its own (host:port), and/or behind a bearer token; neither
    # set, it is not served (the webhook port is reachable by whoever can post to it).
    metrics_listen: str | None = None
    metrics_token: str | None = None
    send_per_second: float = 30.0  # Telegram's overall budget; raised only with paid broadcasts
    set_webhook: bool = True  # false on replicas: `quotebot webhook set` registers it once
    # How long the daily schedule stays with a replica that stopped renewing it (it died).
    schedule_lease_seconds: float = 15.0
    heartbeat_path: Path = Path("db/heartbeat")
    # Bot admins (Telegram user ids): they add, review, publish and remove transcripts from
    # a private chat. Links they send are fetched, never from private addresses except
    # these hosts; every replica checks this often for a corpus published elsewhere.
    admins: frozenset[int] = frozenset()
    fetch_allow_hosts: tuple[str, ...] = ()
    corpus_poll_seconds: float = 5.0
    # The web face (bot.web): served beside the webhook, or on its own port beside polling,
    # when `web` is on; `quotebot web` serves it alone. Links and previews use `public_url`.
    web: bool = False
    web_listen: str = "0.0.0.0"
    web_port: int = 8080
    public_url: str | None = None
    web_per_minute: float = 300.0  # requests one web client may make a minute (0: no limit)
    trusted_proxies: str = ""  # proxies whose X-Forwarded-For names the client (addresses, networks)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: bool = True) -> Settings:
        """Build settings from `env` (default: the process environment plus `.env`)."""
        if env is None:
            if dotenv:
                _load_dotenv()
            env = dict(os.environ)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            db_path=Path(get("QUOTEBOT_DB") or cls.db_path),
            state_db_path=Path(get("QUOTEBOT_STATE_DB") or cls.state_db_path),
            state_url=get("QUOTEBOT_STATE_URL"),
            seeds_dir=Path(get("QUOTEBOT_SEEDS") or cls.seeds_dir),
            log_level=(get("LOG_LEVEL") or cls.log_level).upper(),
            log_texts=(get("QUOTEBOT_LOG_TEXTS") or "0").lower() in ("1", "true", "yes"),
            webhook_url=get("WEBHOOK_URL"),
            webhook_listen=get("WEBHOOK_LISTEN") or cls.webhook_listen,
            webhook_port=int(get("WEBHOOK_PORT") or cls.webhook_port),
            webhook_secret=get("WEBHOOK_SECRET"),
            metrics_listen=get("QUOTEBOT_METRICS_LISTEN"),
            metrics_token=get("QUOTEBOT_METRICS_TOKEN"),
            send_per_second=float(get("QUOTEBOT_SEND_PER_SECOND") or cls.send_per_second),
            set_webhook=(get("QUOTEBOT_SET_WEBHOOK") or "true").lower() not in ("0", "false", "no"),
            schedule_lease_seconds=float(
                get("QUOTEBOT_SCHEDULE_LEASE_SECONDS") or cls.schedule_lease_seconds
            ),
            heartbeat_path=Path(get("QUOTEBOT_HEARTBEAT") or cls.heartbeat_path),
            admins=_user_ids(get("QUOTEBOT_ADMINS") or ""),
            fetch_allow_hosts=tuple((get("QUOTEBOT_FETCH_ALLOW_HOSTS") or "").replace(",", " ").split()),
            corpus_poll_seconds=float(get("QUOTEBOT_CORPUS_POLL_SECONDS") or cls.corpus_poll_seconds),
            web=(get("QUOTEBOT_WEB") or "0").lower() in ("1", "true", "yes"),
            web_listen=get("QUOTEBOT_WEB_LISTEN") or cls.web_listen,
            web_port=int(get("QUOTEBOT_WEB_PORT") or cls.web_port),
            public_url=_public_url(get("QUOTEBOT_PUBLIC_URL")),
            web_per_minute=float(get("QUOTEBOT_WEB_PER_MINUTE") or cls.web_per_minute),
            trusted_proxies=get("QUOTEBOT_TRUSTED_PROXIES") or "",
        )


def _user_ids(text: str) -> frozenset[int]:
    """Telegram user ids separated by commas or spaces; ValueError naming a bad one."""
    ids = set()
    for item in text.replace(",", " ").split():
        if not item.lstrip("-").isdigit():
            raise ValueError(f"QUOTEBOT_ADMINS: {item!r} is not a Telegram user id (a number)")
        ids.add(int(item))
    return frozenset(ids)


def _public_url(url: str | None) -> str | None:
    """QUOTEBOT_PUBLIC_URL without its trailing slash; ValueError unless http(s)://host."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"QUOTEBOT_PUBLIC_URL must be http(s)://host[/path], not {url!r}")
    return url.rstrip("/")


def unwritable(path: Path) -> str | None:
    """Why the folder that will hold `path` cannot be written (one line), or None when it can.

    Tried for real (create the folder, write and delete a probe file), since permissions
    alone do not show a read-only mount, and root passes every permission check.
    """
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".quotebot-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return f"cannot write to {folder} (for {Path(path).name}): {error.strerror or error}"
    return None


def _load_dotenv() -> None:
    """Read `.env` from the working directory; real environment variables win."""
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)
