"""A stand-in for the Telegram Bot API on loopback, and a harness to run the real bot against it.

The server (tornado, already installed with python-telegram-bot's webhooks extra)
answers the methods the bot uses, records every call, serves queued updates to
getUpdates with long-poll semantics, and can be told to fail the next N calls with
429 retry-after, 500, 400, 403, 409, a slow answer, or a late one (carried out at once,
answered after a delay, as a Telegram that delivers but answers slowly). sendPhoto takes a multipart upload (kept
as `Upload`) or the file_id of a photo it returned before. `running_bot` starts the real `Application`,
with its real HTTPX stack, pointed at it through the API base URL.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import struct
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from tests.telegram_html import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, telegram_html_errors

BOT_ID = 4242
# Methods the stand-in records and answers with a plain `true`, as Telegram does.
ACKNOWLEDGED = frozenset(
    {"deleteWebhook", "setWebhook", "setMyCommands", "answerCallbackQuery", "answerInlineQuery",
     "setChatMenuButton"}
)
BOT_USERNAME = "QuoteTestBot"
TOKEN = "4242:TEST-token-abcdefghijklmnopqrstuvwxyz"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Quote Bot", "username": BOT_USERNAME}

# Parameters Telegram takes as plain strings; everything else arrives JSON-encoded.
_STRING_PARAMS = {
    "text", "parse_mode", "callback_query_id", "inline_query_id", "inline_message_id",
    "url", "secret_token", "language_code", "description", "next_offset", "caption", "photo",
}


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content: bytes


@dataclass
class Call:
    """One API call the bot made: method name and decoded parameters."""

    method: str
    params: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    @property
    def buttons(self) -> list[dict]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def uploaded(self) -> bool:
        """True when this call carried the photo as a file upload, not as a file_id."""
        return isinstance(self.params.get("photo"), Upload)

    @property
    def reply_to(self) -> int | None:
        parameters = self.params.get("reply_parameters") or {}
        return parameters.get("message_id")


@dataclass
class Fault:
    """Fail the next `remaining` calls of `methods`: "429", "500", "400" (a refused request),
    "403" (blocked), "409" (another poller), "slow" (wait `delay` seconds, then answer
    unless the client has given up), or "late" (carry the call out at once, as Telegram
    delivering a message, and answer it only after `delay` seconds)."""

    kind: str
    methods: frozenset[str]
    remaining: int
    retry_after: int = 1
    delay: float = 0.0
    chats: frozenset[int] | None = None  # only calls to these chats (None: any)


class FakeBotAPI:
    """The stand-in server. Tests queue updates, inject faults and inspect `calls`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []  # calls answered successfully
        self.attempts: list[Call] = []  # every request, including failed ones
        self.faults: list[Fault] = []
        self.admins: set[tuple[int, int]] = set()  # (chat id, user id) pairs
        self._updates: list[dict] = []
        self.pushed: dict[int, dict] = {}  # every update ever queued, by id
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._messages: dict[tuple[int, int], dict] = {}
        self._chats: dict[int, dict] = {}
        self._photos: set[str] = set()  # file_ids of photos uploaded so far
        self.files: dict[str, bytes] = {}  # file_id -> bytes of the documents users sent
        self._arrived = asyncio.Event()
        self._closing = False
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    # -- server lifecycle --

    @classmethod
    @asynccontextmanager
    async def running(cls, token: str = TOKEN):
        """Start a server on a free loopback port for the duration of the block."""
        api = cls(token)
        await api.start()
        try:
            yield api
        finally:
            await api.stop()

    async def start(self, port: int = 0) -> None:
        """Listen on `port` of loopback (0: a free one)."""
        app = tornado.web.Application([
            (r"/bot([^/]+)/(\w+)", _Handler, {"api": self}),
            (r"/file/bot([^/]+)/documents/(\w+)", _FileHandler, {"api": self}),
        ])
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()  # release any long poll still waiting, so it ends cleanly
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL would be set to."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what tests use --

    def fail_next(
        self,
        kind: str,
        n: int = 1,
        methods: tuple[str, ...] = ("sendMessage",),
        retry_after: int = 1,
        delay: float = 0.0,
        chats: tuple[int, ...] | None = None,
    ) -> None:
        """Answer the next `n` calls of `methods` (to `chats`, when given) with 429 / 500 /
        400 / 403 / 409, or slowly, or late."""
        chosen = frozenset(chats) if chats is not None else None
        self.faults.append(Fault(kind, frozenset(methods), n, retry_after, delay, chosen))

    def push(self, payload: dict) -> int:
        """Queue an update (a dict with one of message, channel_post, ...); returns its id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **payload}
        self._updates.append(update)
        self.pushed[update_id] = update
        self._arrived.set()
        return update_id

    def message_id(self, update_id: int) -> int:
        """The message id of a message or channel post this test queued."""
        update = self.pushed[update_id]
        return (update.get("message") or update["channel_post"])["message_id"]

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Successful calls of `method` (to `chat_id` when given)."""
        return [
            call for call in self.calls
            if call.method == method and (chat_id is None or call.chat_id == chat_id)
        ]

    def called(self, method: str) -> list[Call]:
        """Successful calls of `method`."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self, condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition"
    ) -> None:
        """Wait until `condition()` holds; fail the test (not hang) after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                summary = [(c.method, c.chat_id) for c in self.calls[-10:]]
                raise AssertionError(f"timed out waiting for {what}; last calls: {summary}")
            await asyncio.sleep(0.01)

    async def wait_sent(
        self, chat_id: int | None = None, count: int = 1, method: str = "sendMessage"
    ) -> list[Call]:
        """Wait for at least `count` successful `method` calls to `chat_id`; return them all."""
        await self.wait_for(
            lambda: len(self.sent(chat_id, method)) >= count,
            what=f"{count} {method} to {chat_id}",
        )
        return self.sent(chat_id, method)

    # -- update builders --

    def user(self, user_id: int, language_code: str | None = "en") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int, kind: str | None = None, title: str = "Test chat") -> dict:
        """A chat object; the type follows Telegram's id ranges unless given."""
        if chat_id in self._chats and kind is None:
            return self._chats[chat_id]
        if kind is None:
            kind = "private" if chat_id > 0 else "supergroup"
        chat = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = f"User{chat_id}"
        else:
            chat["title"] = title
        self._chats[chat_id] = chat
        return chat

    def message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        language_code: str | None = "en",
        reply_to: dict | None = None,
        kind: str | None = None,
    ) -> dict:
        """A message object as Telegram sends it, with command and mention entities."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, kind),
            "text": text,
        }
        if user_id is not None:
            message["from"] = self.user(user_id, language_code)
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def private_text(self, chat_id: int, text: str, language_code: str | None = "en") -> int:
        """A private chat message from the user whose id is the chat id."""
        return self.push(
            {"message": self.message(chat_id, text, chat_id, language_code, kind="private")}
        )

    def private_document(self, chat_id: int, file_name: str, data: bytes, language_code: str = "en") -> int:
        """A file sent in a private chat by the user whose id is the chat id (downloadable
        with getFile, as Telegram keeps it)."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = data
        message = self.message(chat_id, "", chat_id, language_code, kind="private")
        del message["text"]
        message["document"] = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name,
                               "file_size": len(data), "mime_type": "application/octet-stream"}
        return self.push({"message": message})

    def group_text(
        self, chat_id: int, user_id: int, text: str, reply_to: dict | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A supergroup message from a member."""
        message = self.message(chat_id, text, user_id, language_code, reply_to, kind="supergroup")
        return self.push({"message": message})

    def channel_post(self, chat_id: int, text: str) -> int:
        """A post in a channel (no sender user; the channel is the sender chat)."""
        message = self.message(chat_id, text, kind="channel")
        message["sender_chat"] = message["chat"]
        return self.push({"channel_post": message})

    def press(
        self, message: dict, data: str, user_id: int, language_code: str | None = "en"
    ) -> int:
        """A button press under `message` (a message dict the bot sent)."""
        return self.push({
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id, language_code),
                "chat_instance": "ci",
                "message": message,
                "data": data,
            }
        })

    def press_inline(
        self, inline_message_id: str, data: str, user_id: int, language_code: str | None = "en"
    ) -> int:
        """A button press under a message sent through inline mode (no chat)."""
        return self.push({
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id, language_code),
                "chat_instance": "ci",
                "inline_message_id": inline_message_id,
                "data": data,
            }
        })

    def inline_query(self, user_id: int, query: str, language_code: str = "en") -> int:
        """An inline query typed as "@Bot query"."""
        return self.push({
            "inline_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id, language_code),
                "query": query,
                "offset": "",
            }
        })

    def bot_message(self, call: Call) -> dict:
        """The message object the bot got back for one of its sendMessage calls."""
        return self._messages[(call.chat_id, call.params["_message_id"])]

    # -- the API --

    async def dispatch(
        self, token: str, method: str, params: dict, gone: Callable[[], bool]
    ) -> tuple[int, dict] | None:
        """Answer one request: (status, body), or None when the client left meanwhile."""
        call = Call(method, params)
        self.attempts.append(call)
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        fault = self._take_fault(call)
        if fault is not None and fault.kind == "429":
            return 429, {
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {fault.retry_after}",
                "parameters": {"retry_after": fault.retry_after},
            }
        if fault is not None and fault.kind == "400":
            refused = "IMAGE_PROCESS_FAILED" if method == "sendPhoto" else "can't parse entities"
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {refused}"}
        if fault is not None and fault.kind == "409":
            return 409, {"ok": False, "error_code": 409, "description": (
                "Conflict: terminated by other getUpdates request; make sure that only one "
                "bot instance is running")}
        if fault is not None and fault.kind == "403":
            return 403, {"ok": False, "error_code": 403,
                         "description": "Forbidden: bot was blocked by the user"}
        if fault is not None and fault.kind == "500":
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            if gone():
                return None  # the client timed out: as if the request never reached Telegram
        if fault is not None and fault.kind == "late":
            answer = await self._carry_out(call)
            await asyncio.sleep(fault.delay)  # done; only the answer is late
            return None if gone() else answer
        return await self._carry_out(call)

    async def _carry_out(self, call: Call) -> tuple[int, dict]:
        """Do what the call asks (send, edit...) and give Telegram's answer."""
        method, params = call.method, call.params
        handler = getattr(self, f"_api_{method}", None)
        if handler is None and method in ACKNOWLEDGED:
            handler = self._api_acknowledge
        if handler is None:
            return 400, {"ok": False, "error_code": 400,
                         "description": f"Bad Request: {method} is not in the fake API"}
        refused = html_refusal(params)
        if refused:  # as Telegram does: the message is not sent, the edit not made
            return 400, {"ok": False, "error_code": 400,
                         "description": f"Bad Request: can't parse entities: {refused}"}
        refused = self.web_app_refusal(method, params)
        if refused:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {refused}"}
        status, result = await handler(params)
        if status != 200:
            return status, {"ok": False, "error_code": status, "description": result}
        self.calls.append(call)
        return 200, {"ok": True, "result": result}

    def web_app_refusal(self, method: str, params: dict) -> str | None:
        """Why Telegram would refuse a Mini App button or menu button, or None: only in
        private chats' messages, and only over https."""
        menu = params.get("menu_button") if method == "setChatMenuButton" else None
        if isinstance(menu, dict) and menu.get("type") == "web_app":
            return _https_refusal(menu.get("web_app"))
        rows = list((params.get("reply_markup") or {}).get("inline_keyboard") or [])
        rows += [row for result in params.get("results") or []
                 for row in (result.get("reply_markup") or {}).get("inline_keyboard") or []]
        apps = [button.get("web_app") for row in rows for button in row if "web_app" in button]
        if not apps:
            return None
        chat = self._chats.get(int(params.get("chat_id") or 0)) or {}
        if method == "answerInlineQuery" or chat.get("type") != "private":
            return "BUTTON_TYPE_INVALID"
        return next(filter(None, map(_https_refusal, apps)), None)

    def _take_fault(self, call: Call) -> Fault | None:
        for fault in self.faults:
            if fault.chats is not None and call.chat_id not in fault.chats:
                continue
            if call.method in fault.methods and fault.remaining > 0:
                fault.remaining -= 1
                return fault
        return None

    async def _api_acknowledge(self, params: dict):
        return 200, True

    async def _api_getMe(self, params: dict):
        return 200, BOT_USER

    async def _api_getUpdates(self, params: dict):
        offset = int(params.get("offset") or 0)
        # Updates below the offset are confirmed: Telegram forgets them.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout)
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        return 200, self._updates[:limit]

    def _sent_message(self, params: dict, **content) -> dict:
        """The message the bot sent with `params`, stored so tests can reply to or press it."""
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": BOT_USER,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message["message_id"])] = message
        params["_message_id"] = message["message_id"]
        return message

    async def _api_sendMessage(self, params: dict):
        return 200, self._sent_message(params, text=params.get("text", ""))

    async def _api_sendPhoto(self, params: dict):
        photo = params.get("photo")
        if isinstance(photo, Upload):
            if photo.content[:8] != b"\x89PNG\r\n\x1a\n":
                return 400, "Bad Request: IMAGE_PROCESS_FAILED"
            width, height = struct.unpack(">II", photo.content[16:24])
            file_id = f"photo-{next(self._message_ids)}"
            self._photos.add(file_id)
        elif photo in self._photos:
            file_id, width, height = photo, 1080, 1080
        else:
            return 400, "Bad Request: wrong file identifier/HTTP URL specified"
        # Telegram answers with thumbnails first and the photo as sent last.
        sizes = [
            {"file_id": f"thumb-{file_id}", "file_unique_id": f"t{file_id}",
             "width": 90, "height": max(1, 90 * height // width)},
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": width, "height": height},
        ]
        return 200, self._sent_message(params, caption=params.get("caption", ""), photo=sizes)

    async def _api_editMessageText(self, params: dict):
        if params.get("inline_message_id"):
            return 200, True
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            return 400, "Bad Request: message to edit not found"
        if message["text"] == params.get("text") and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            return 400, (
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup"
            )
        message["text"] = params.get("text", "")
        message["reply_markup"] = params.get("reply_markup")
        return 200, message

    async def _api_getFile(self, params: dict):
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            return 400, "Bad Request: invalid file_id"
        return 200, {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files[file_id]),
                     "file_path": f"documents/{file_id}"}

    async def _api_getChatMember(self, params: dict):
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = self.user(user_id)
        if (chat_id, user_id) in self.admins:
            return 200, {"status": "creator", "user": user, "is_anonymous": False}
        return 200, {"status": "member", "user": user}


class _Handler(tornado.web.RequestHandler):
    """Routes /bot<token>/<method> to the fake API."""

    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api
        self.gone = False

    def on_connection_close(self) -> None:
        self.gone = True

    async def post(self, token: str, method: str) -> None:
        answer = await self.api.dispatch(token, method, self._params(), lambda: self.gone)
        if answer is None or self.gone:
            return
        status, body = answer
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post

    def _params(self) -> dict:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            return self._multipart(content_type)
        body = self.request.body.decode() if self.request.body else ""
        if content_type.startswith("application/json") and body:
            return json.loads(body)
        pairs = parse_qsl(body, keep_blank_values=True) if body else []
        pairs += [(k, v[-1].decode()) for k, v in self.request.query_arguments.items()]
        return {key: _decode(key, value) for key, value in pairs}

    def _multipart(self, content_type: str) -> dict:
        """The fields of a file upload, each file kept as an `Upload`."""
        fields: dict[str, list[bytes]] = {}
        files: dict[str, list[tornado.httputil.HTTPFile]] = {}
        tornado.httputil.parse_body_arguments(content_type, self.request.body, fields, files)
        params: dict = {key: _decode(key, values[-1].decode()) for key, values in fields.items()}
        for key, uploads in files.items():
            params[key] = Upload(uploads[-1].filename, uploads[-1].body)
        return params


class _FileHandler(tornado.web.RequestHandler):
    """Serves /file/bot<token>/documents/<file_id>, as Telegram's file server does."""

    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    def get(self, token: str, file_id: str) -> None:
        if token != self.api.token or file_id not in self.api.files:
            self.set_status(404)
            self.finish()
            return
        self.finish(self.api.files[file_id])


def html_refusal(params: dict) -> str | None:
    """Why Telegram would refuse the HTML of a message, a caption or an inline result, or None."""
    texts = []  # (HTML, Telegram's limit for it)
    if params.get("parse_mode") == "HTML":
        texts += [(params[key], limit) for key, limit in (("text", MAX_MESSAGE_CHARS),
                                                          ("caption", MAX_CAPTION_CHARS)) if key in params]
    for result in params.get("results") or []:
        content = result.get("input_message_content") or {}
        if content.get("parse_mode") == "HTML":
            texts.append((content.get("message_text", ""), MAX_MESSAGE_CHARS))
        if result.get("parse_mode") == "HTML" and "caption" in result:
            texts.append((result["caption"], MAX_CAPTION_CHARS))
    errors = [error for text, limit in texts for error in telegram_html_errors(text, limit)]
    return "; ".join(errors) or None


def _https_refusal(web_app: object) -> str | None:
    """Telegram opens a Mini App only from an https address."""
    url = web_app.get("url", "") if isinstance(web_app, dict) else ""
    return None if url.startswith("https://") else "BUTTON_URL_INVALID: a Mini App needs https"


def _decode(key: str, value: str):
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict]:
    """bot_command at the start and @mentions, with offsets in UTF-16 units like Telegram."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
    for mention in re.finditer(r"(?<![\w/])@\w{5,32}", text):
        entities.append({
            "type": "mention",
            "offset": _utf16_len(text[: mention.start()]),
            "length": _utf16_len(mention[0]),
        })
    return entities


# -- the bot, running against the fake -------------------------------------------------


@asynccontextmanager
async def running_bot(
    api: FakeBotAPI, quotes_db: Path, state_db: Path, options=None,
    heartbeat: Path | None = None, **settings_changes,
):
    """The real Application polling the fake API; stopped and shut down on exit (`settings_changes`:
    other Settings fields, e.g. admins). With `heartbeat`, it keeps that heartbeat file as
    `quotebot run` does."""
    from bot.config import Settings
    from bot.search import Searcher
    from bot.state import SQLiteStateStore
    from bot.telegram import ALLOWED_UPDATES, build_application

    settings = Settings(
        token=api.token, api_base_url=api.base_url, db_path=quotes_db, state_db_path=state_db,
        **({"heartbeat_path": heartbeat} if heartbeat else {}),
        **settings_changes,
    )
    state = SQLiteStateStore(state_db)
    application = build_application(
        settings, Searcher(quotes_db), state, options or fast_options(),
        heartbeat=heartbeat is not None,
    )
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(timeout=1, allowed_updates=ALLOWED_UPDATES)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        state.close()


def daily_due_now(application, chats) -> None:
    """Subscribe every chat of `chats` to a daily quote and make them all due at once, as
    the job queue runs the subscriptions of one minute."""
    import datetime as dt

    from bot.state import DailySubscription
    from bot.telegram.context import services
    from bot.telegram.daily import schedule

    state = services(application).state
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).strftime("%H:%M")
    jobs = []
    for chat in chats:
        subscription = DailySubscription(chat, at, "UTC", "en")
        state.set_daily(subscription)
        jobs.append(schedule(application.job_queue, subscription))
    due = dt.datetime.now(dt.UTC)
    for job in jobs:
        job.job.modify(next_run_time=due)


def fast_options(**changes):
    """Production limits, with short network waits so fault tests finish quickly."""
    from dataclasses import replace

    from bot.telegram import BotOptions

    base = BotOptions(retry_backoff=0.05, read_timeout=3.0, write_timeout=3.0, poll_timeout=1)
    return replace(base, **changes)
