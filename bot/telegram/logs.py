"""Logging, set up once for the whole process."""

from __future__ import annotations

import logging

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# httpx logs every request URL at INFO, and the URL contains the bot token.
_QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "apscheduler": logging.WARNING}
_configured = False


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at `level`; later calls only change the level."""
    global _configured
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    if not _configured:
        logging.basicConfig(format=_FORMAT, level=numeric)
        for name, quiet_level in _QUIET.items():
            logging.getLogger(name).setLevel(max(quiet_level, numeric))
        _configured = True
    logging.getLogger().setLevel(numeric)
