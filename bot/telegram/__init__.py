"""The python-telegram-bot application: handlers, inline mode, daily jobs, limits and errors.

It holds no matching logic: every answer comes from `bot.reply.Replier`.
"""

from bot.telegram.app import (
    ALLOWED_UPDATES,
    BotOptions,
    StartupError,
    build_application,
    check_token,
    run_bot,
)

__all__ = [
    "ALLOWED_UPDATES",
    "BotOptions",
    "StartupError",
    "build_application",
    "check_token",
    "run_bot",
]
