"""Logging, set up once for the whole process, with a filter that keeps secrets out.

`RedactingFilter` sits on every root handler, so it sees each record from every library
at every level: it replaces the bot token and the webhook secret, hides message texts
and other Telegram payloads unless QUOTEBOT_LOG_TEXTS asks for them, and caps the size
of one record.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from telegram import TelegramObject

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# httpx logs every request URL at INFO, and the URL contains the bot token.
_QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "apscheduler": logging.WARNING}
# One record's message, and its traceback, are cut beyond these many characters.
MAX_MESSAGE_CHARS = 2_000
MAX_TRACEBACK_CHARS = 20_000
# A string argument this long, or one that looks like JSON, is treated as a payload.
_PAYLOAD_CHARS = 200
HIDDEN = "<hidden: set QUOTEBOT_LOG_TEXTS=1 to log message texts>"
_configured = False


class RedactingFilter(logging.Filter):
    """Redact secrets, hide payloads (message texts) and cap the size of each record."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.log_texts = False

    def add_secret(self, value: str | None) -> None:
        """Never let `value` (or its URL-encoded form, or a token's secret half) be logged."""
        if not value:
            return
        self.secrets.update({value, quote(value, safe="")})
        if ":" in value:
            self.secrets.add(value.split(":", 1)[1])

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.log_texts and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(HIDDEN if _is_payload(arg) else arg for arg in args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = _cap(self._redact(message), MAX_MESSAGE_CHARS), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = _cap(self._redact(record.exc_text), MAX_TRACEBACK_CHARS)
        if record.stack_info:
            record.stack_info = _cap(self._redact(record.stack_info), MAX_TRACEBACK_CHARS)
        return True

    def _redact(self, text: str) -> str:
        # Longest first, so a token is replaced whole before its secret half is looked for.
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "<redacted>")
        return text


def _is_payload(arg: object) -> bool:
    """Telegram objects, request parameters and raw bodies carry what people wrote."""
    if isinstance(arg, TelegramObject | dict | bytes | bytearray):
        return True
    if isinstance(arg, list | tuple):
        return any(not isinstance(item, int | float) for item in arg)
    if isinstance(arg, str):
        return len(arg) > _PAYLOAD_CHARS or arg.lstrip().startswith(("{", "["))
    return False


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} characters cut)"


REDACTION = RedactingFilter()


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at `level` through `REDACTION`; later calls only change the level."""
    global _configured
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    if not _configured:
        logging.basicConfig(format=_FORMAT, level=numeric)
        for handler in logging.getLogger().handlers:
            handler.addFilter(REDACTION)
        for name, quiet_level in _QUIET.items():
            logging.getLogger(name).setLevel(max(quiet_level, numeric))
        _configured = True
    logging.getLogger().setLevel(numeric)


def guard_logs(*secrets: str | None, log_texts: bool = False) -> None:
    """Keep `secrets` out of every log record; log message texts only with `log_texts`."""
    for secret in secrets:
        REDACTION.add_secret(secret)
    REDACTION.log_texts = log_texts
