"""The web face of the quote database: a JSON API, a page per quote with its card as
the link preview, a search page that is also the Telegram Mini App.

    site      WebSite: what every request shares; a reader's language and script
    http      the base handlers: security headers, problems, caching, limits, metrics
    api       /api/v1: search, random (Hitokoto-style embeds), quotes, speakers, sources
    openapi   /api/v1/openapi.json and the page that shows it
    miniapp   /api/v1/me: the Mini App's signed initData and the user's settings
    pages     /q/<id>, /q/<id>.png, / (static), 404
    guard     servers strangers cannot hold open (shared with the webhook port)
    ops       /healthz and /metrics
    server    the routes and the ways to serve them

Served by tornado, beside the webhook (`QUOTEBOT_WEB`), or alone (`quotebot web`).
"""

from bot.web.server import serve_in_thread, serve_web, start_web, web_routes
from bot.web.site import WebSite

__all__ = ["WebSite", "serve_in_thread", "serve_web", "start_web", "web_routes"]
