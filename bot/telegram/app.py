"""Build and run the python-telegram-bot `Application`: polling or webhook, limits, start-up."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.card import warm_up
from bot.config import Settings, unwritable
from bot.fetch import FetchLimits
from bot.heartbeat import schedule_heartbeat
from bot.messages import DEFAULT_LANGUAGE, Language, say
from bot.reply import COMMANDS, Replier
from bot.search import Searcher
from bot.state import StateStore, StateStoreUnavailable, open_state_store
from bot.state.corpus import open_corpus_store
from bot.state.postgres import PostgresStateStore
from bot.telegram.admin import (
    FACT_COMMANDS,
    LINK,
    CorpusDesk,
    admin_button,
    admin_document,
    admin_fact,
    admin_link,
    admin_role,
    admin_who,
    documents,
    sync_corpus,
)
from bot.telegram.budgets import BudgetedRateLimiter, ChatBudgets
from bot.telegram.buttons import button_pressed
from bot.telegram.context import CONTEXT_TYPES, QuoteBotApp, Services, services
from bot.telegram.daily import follow, schedule_all
from bot.telegram.durable import (
    DurableApplication,
    DurableQueue,
    attach,
    resume_pending,
    schedule_adoption,
    schedule_expiry,
)
from bot.telegram.errors import on_error
from bot.telegram.fairness import FairUpdateProcessor
from bot.telegram.handlers import (
    command_callback,
    group_message,
    private_other,
    private_text,
    unknown_command,
)
from bot.telegram.health import problem as health_problem
from bot.telegram.inline import inline_query
from bot.telegram.lease import give_up_schedule, lease_length
from bot.telegram.limits import Throttle
from bot.telegram.limits_shared import SharedBudgetLimiter, SharedThrottle
from bot.telegram.logs import guard_logs
from bot.telegram.scheduler import schedule_sweep
from bot.telegram.webhook import (
    WebhookSecretMissing,
    serve_webhook,
    set_webhook,
    webhook_secret,
)
from bot.web import WebSite, start_web
from bot.web.ops import SettingError, metrics_access

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


class StartupError(Exception):
    """The bot cannot start; the message is one clear line for the person running it."""


@dataclass(frozen=True)
class BotOptions:
    """Limits and time-outs; the defaults are Telegram's limits and sensible network waits."""

    overall_per_second: float = 30  # Telegram: about 30 messages a second in all
    group_per_minute: float = 20  # Telegram: 20 messages a minute in one group
    retries: int = 3  # for 429, 5xx and time-outs
    retry_backoff: float = 0.5  # seconds, doubled on each retry
    flood_burst: int = 8  # messages one person may send at once
    flood_per_minute: float = 20  # and then per minute
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # A message request waits longer: after a time-out it is not sent again (it may have
    # been delivered), so giving up early risks losing the answer for nothing.
    send_read_timeout: float = 30.0
    write_timeout: float = 10.0
    pool_timeout: float = 5.0
    poll_timeout: int = 30  # seconds a getUpdates long poll waits for updates
    # Answers wait on the network; more in flight helps until httpx's pool bookkeeping costs more.
    concurrent_updates: int = 32
    # A group over its budget waits this long for answers; its newer messages are dropped.
    group_backlog_minutes: float = 5


def check_token(token: str | None) -> str:
    """The token, or StartupError when it is missing or cannot be a bot token."""
    if not token:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set (put it in the environment or .env); "
            "`quotebot chat` runs the bot in the terminal without one."
        )
    if not TOKEN_PATTERN.fullmatch(token):
        raise StartupError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon, "
            "then letters, e.g. 123456789:AAH...; get one from @BotFather)."
        )
    return token


def file_base_url(api_base_url: str) -> str:
    """The file download URL matching an API base URL (".../bot" → ".../file/bot")."""
    base = api_base_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


def build_application(
    settings: Settings,
    searcher: Searcher,
    state: StateStore,
    options: BotOptions | None = None,
    heartbeat: bool = False,
    webhook: bool = False,
) -> QuoteBotApp:
    """The Application with every handler, the rate limiter and the error handler.

    With `heartbeat`, a job touches `settings.heartbeat_path` while updates flow. With
    `webhook`, there is no updater: `bot.telegram.webhook` feeds the update queue.
    """
    options = options or BotOptions()
    # The group budgets are read by the update processor and spent by the rate limiter.
    budgets = ChatBudgets(options.group_per_minute)
    limits: dict[str, Any] = dict(
        budgets=budgets,
        max_retries=options.retries,
        network_retries=options.retries,
        backoff=options.retry_backoff,
        send_read_timeout=options.send_read_timeout,
    )
    # On a shared store, the limits hold for all replicas together.
    shared = state if isinstance(state, PostgresStateStore) else None
    limiter = (
        SharedBudgetLimiter(shared, options.overall_per_second, **limits)
        if shared is not None
        else BudgetedRateLimiter(overall_per_second=options.overall_per_second, **limits)
    )
    processor = FairUpdateProcessor(
        options.concurrent_updates, budgets,
        backlog=max(1, round(options.group_per_minute * options.group_backlog_minutes)),
    )
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .update_queue(DurableQueue())
        .token(check_token(settings.token))
        .base_url(settings.api_base_url)
        .base_file_url(file_base_url(settings.api_base_url))
        .context_types(CONTEXT_TYPES)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(limiter)
        .concurrent_updates(processor)
        .connect_timeout(options.connect_timeout)
        .read_timeout(options.read_timeout)
        .write_timeout(options.write_timeout)
        .pool_timeout(options.pool_timeout)
        .get_updates_connect_timeout(options.connect_timeout)
        .get_updates_read_timeout(options.read_timeout)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if webhook:
        builder = builder.updater(None)  # `bot.telegram.webhook` feeds the update queue
    # PTB's builder types the job queue for its default context even after context_types().
    application = cast(QuoteBotApp, builder.build())
    processor.attach(application)
    job_queue = application.job_queue
    if job_queue is None:
        raise StartupError("python-telegram-bot's job queue is missing: install the project again.")
    throttle = (
        SharedThrottle(shared, options.flood_burst, options.flood_per_minute)
        if shared is not None
        else Throttle(burst=options.flood_burst, per_minute=options.flood_per_minute)
    )
    replier = Replier(searcher, state, public_url=settings.public_url)
    # /daily stores the subscription; the job queue follows what was stored.
    replier.on_daily_change = functools.partial(follow, job_queue, state)
    site = WebSite.from_settings(settings, searcher, state) if settings.web else None
    Services(
        replier, state, throttle, settings.heartbeat_path if heartbeat else None,
        lease_length(settings.schedule_lease_seconds), corpus=corpus_desk(settings), web=site,
        # Beside polling the web has a port of its own; the webhook server mounts it itself.
        start_web=functools.partial(start_web, site, settings.web_port, settings.web_listen)
        if site is not None and not webhook else None,
    ).attach(application)
    attach(application, state)
    add_handlers(application)
    return application


def corpus_desk(settings: Settings) -> CorpusDesk | None:
    """The corpus admins grow from Telegram, when QUOTEBOT_ADMINS names any."""
    if not settings.admins:
        return None
    return CorpusDesk(
        open_corpus_store(settings.state_url, settings.state_db_path),
        settings.db_path, settings.seeds_dir, settings.admins,
        FetchLimits(allow_hosts=settings.fetch_allow_hosts), poll_seconds=settings.corpus_poll_seconds,
    )


def add_admin_handlers(application: QuoteBotApp, desk: CorpusDesk) -> None:
    """The admins' handlers, ahead of everyone's: only their user ids reach them."""
    admin = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.User(user_id=desk.admins)
    application.add_handler(MessageHandler(admin & filters.Document.ALL, admin_document))
    for name, callback in (("documents", documents), ("who", admin_who), ("role", admin_role),
                           *((fact, admin_fact) for fact in FACT_COMMANDS)):
        application.add_handler(CommandHandler(name, callback, filters=admin))
    application.add_handler(MessageHandler(admin & filters.TEXT & filters.Regex(LINK), admin_link))
    application.add_handler(CallbackQueryHandler(admin_button, pattern=r"^adm:"))


def add_handlers(application: QuoteBotApp) -> None:
    """Register the handlers; the first match in a group wins, so order matters."""
    desk = services(application).corpus
    if desk is not None:
        add_admin_handlers(application, desk)
    # Commands in channels arrive as channel_post updates, which CommandHandler skips by default.
    commands = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    for command in COMMANDS:
        application.add_handler(
            CommandHandler(command.name, command_callback(command), filters=commands)
        )
    private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, private_text))
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, private_other))
    groups = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(groups, group_message))
    application.add_handler(CallbackQueryHandler(button_pressed))
    # Not blocking: an inline query waits out the person's typing without holding one of
    # the `concurrent_updates` slots that answers to messages need.
    application.add_handler(InlineQueryHandler(inline_query, block=False))
    application.add_error_handler(on_error)


async def on_startup(application: QuoteBotApp) -> None:
    """After getMe: tell the replier its username, register the commands (and the menu
    button, with a web face), schedule /daily."""
    shared = services(application)
    shared.replier.bot_username = application.bot.username
    # Load the matcher's dictionaries and model now rather than on the first person's message.
    shared.replier.searcher.warm_up()
    try:
        await asyncio.to_thread(warm_up)  # the card fonts, so the first card is as fast as any
    except (OSError, ImportError) as error:
        log.warning("card fonts not readable (%s): cards will be sent as text", error)
    await register_commands(application)
    await register_menu_button(application, shared.replier.public_url)
    await resume_pending(application, shared.state)
    schedule_adoption(application, shared.state)
    schedule_expiry(application, shared.state)
    scheduled = schedule_all(application)
    schedule_sweep(application)
    if shared.heartbeat_path is not None:
        schedule_heartbeat(
            application.job_queue, shared.heartbeat_path,
            problem=functools.partial(health_problem, application),
        )
    if shared.corpus is not None and application.job_queue is not None:
        # First at once: a new container builds what was published before it existed.
        application.job_queue.run_repeating(
            sync_corpus, interval=shared.corpus.poll_seconds, first=0.1, name="corpus-sync"
        )
    if shared.start_web is not None:
        shared.stop_web = shared.start_web()
    log.info("started as @%s; %d daily subscription(s)", application.bot.username, scheduled)


async def on_shutdown(application: QuoteBotApp) -> None:
    """Stop the web served beside polling; give the daily schedule up, so another replica
    takes it over without waiting."""
    shared = services(application)
    if shared.stop_web is not None:
        await shared.stop_web()
    if shared.web is not None:
        shared.web.close()
    await give_up_schedule(shared.state)


async def register_commands(application: QuoteBotApp) -> None:
    """setMyCommands in English (default) and Chinese, so clients show the command list."""
    menus: tuple[tuple[str | None, Language], ...] = ((None, "en"), ("zh", "zh-Hans"))
    for language_code, lang in menus:
        commands = [BotCommand(command.name, command.descriptions[lang]) for command in COMMANDS]
        try:
            await application.bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as error:
            # Not fatal: the bot works without the menu; it is registered next start.
            log.warning("setMyCommands failed: %s", error)


async def register_menu_button(application: QuoteBotApp, public_url: str | None) -> None:
    """setChatMenuButton: the chat's menu button opens the web's search page as a Mini App.

    Only with an https public address (Telegram opens no other); without one the button
    is left as it is. A failure is logged: the bot works without it."""
    if not public_url:
        return
    if not public_url.startswith("https://"):
        log.info("menu button not set: a Mini App needs an https QUOTEBOT_PUBLIC_URL")
        return
    button = MenuButtonWebApp(say(DEFAULT_LANGUAGE, "menu_button"), WebAppInfo(f"{public_url}/"))
    try:
        await application.bot.set_chat_menu_button(menu_button=button)
    except TelegramError as error:
        log.warning("setChatMenuButton failed: %s", error)


async def check_api(settings: Settings, options: BotOptions) -> None:
    """Call getMe once, so a bad token or an unreachable API is one clear line."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(
        connect_timeout=options.connect_timeout, read_timeout=options.read_timeout
    )
    bot = Bot(settings.token or "", base_url=settings.api_base_url, request=request)
    host = urlsplit(settings.api_base_url).netloc or settings.api_base_url
    # PTB logs an answer that is not JSON with a traceback; the StartupError below says it.
    ptb_request_log = logging.getLogger("telegram.request.BaseRequest")
    ptb_request_log.addFilter(_no_records)
    try:
        await bot.initialize()
        me = bot.bot
    except InvalidToken as error:
        raise StartupError(f"The Bot API at {host} rejected TELEGRAM_BOT_TOKEN.") from error
    except NetworkError as error:
        reason = str(error).replace(settings.token or "\0", "<token>")
        raise StartupError(f"Cannot reach the Telegram Bot API at {host}: {reason}") from error
    except (TelegramError, TypeError, KeyError, ValueError, AttributeError) as error:
        # Not JSON, no "result", or a result that is not a user: not the Bot API.
        raise StartupError(malformed_get_me(host, type(error).__name__)) from error
    finally:
        ptb_request_log.removeFilter(_no_records)
        await request.shutdown()
    if not (isinstance(me.id, int) and me.is_bot is True and isinstance(me.username, str)
            and me.username):
        raise StartupError(malformed_get_me(host, "not a bot with an id and a username"))


def malformed_get_me(host: str, why: str) -> str:
    """The one line for a getMe answer that is not what the Bot API gives."""
    return (f"The Bot API at {host} gave a malformed answer to getMe ({why}): "
            "is TELEGRAM_API_BASE_URL a Telegram Bot API server?")


def _no_records(record: logging.LogRecord) -> bool:
    return False


def run_bot(settings: Settings, searcher: Searcher, options: BotOptions | None = None) -> None:
    """Run until SIGTERM or Ctrl-C: long polling, or a webhook when WEBHOOK_URL is set."""
    options = options or BotOptions(overall_per_second=settings.send_per_second)
    try:
        secret = (
            webhook_secret(settings.webhook_secret, registers=settings.set_webhook)
            if settings.webhook_url
            else None
        )
        metrics = metrics_access(settings.metrics_listen, settings.metrics_token)
    except SettingError as error:
        raise StartupError(str(error)) from error
    guard_logs(settings.token, secret, log_texts=settings.log_texts)
    check_token(settings.token)
    local_state = () if settings.state_url else (settings.state_db_path,)
    for path in (*local_state, settings.heartbeat_path):
        if problem := unwritable(path):
            raise StartupError(problem)
    asyncio.run(check_api(settings, options))
    try:
        state = open_state_store(settings)
    except StateStoreUnavailable as error:
        raise StartupError(str(error)) from error
    try:
        webhook = bool(settings.webhook_url)
        application = build_application(
            settings, searcher, state, options, heartbeat=True, webhook=webhook
        )
        if settings.webhook_url and secret:
            log.info("webhook mode: %s", urlsplit(settings.webhook_url).netloc)
            serve_webhook(
                application, settings.webhook_url, settings.webhook_listen,
                settings.webhook_port, secret, ALLOWED_UPDATES, register=settings.set_webhook,
                metrics=metrics, web=services(application).web,
            )
        else:
            log.info("long polling %s", urlsplit(settings.api_base_url).netloc)
            if metrics.listen or metrics.token:
                log.warning("QUOTEBOT_METRICS_LISTEN/_TOKEN: /metrics is served in webhook mode only")
            application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=options.poll_timeout)
            if services(application).stopped_by_conflict:
                raise StartupError(
                    "Stopped: another instance is polling with this token (409 Conflict)."
                )
    except InvalidToken as error:
        raise StartupError("The Bot API rejected TELEGRAM_BOT_TOKEN.") from error
    except NetworkError as error:
        raise StartupError(f"Lost the Telegram Bot API while starting: {error}") from error
    finally:
        state.close()


def register_webhook(settings: Settings, options: BotOptions | None = None) -> None:
    """setWebhook once for all replicas (`quotebot webhook set`), with WEBHOOK_SECRET:
    the replicas check each post against the same value."""
    options = options or BotOptions()
    check_token(settings.token)
    if not settings.webhook_url:
        raise StartupError("WEBHOOK_URL is not set: nothing to register")
    try:
        secret = webhook_secret(settings.webhook_secret, registers=False)
    except WebhookSecretMissing as error:
        raise StartupError(str(error)) from error
    guard_logs(settings.token, secret, log_texts=False)
    asyncio.run(check_api(settings, options))

    async def register() -> None:
        application = ApplicationBuilder().token(settings.token or "").base_url(
            settings.api_base_url
        ).build()
        async with application:
            await set_webhook(application.bot, settings.webhook_url or "", secret, ALLOWED_UPDATES)

    asyncio.run(register())
