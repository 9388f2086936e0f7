# quotebot: the Telegram bot with its quote database built into the image.
#
#   docker compose up -d --build        (see README.md, "Docker Compose")
#
# Layers run from the least to the most often changed: system user, Python
# dependencies (only when pyproject.toml changes), the code, then the transcripts
# and the database built from them.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The bot runs as this unprivileged user. /data is created here, owned by it, so a
# fresh named volume mounted there inherits that owner and the bot can write to it.
RUN groupadd --system --gid 10001 quotebot \
 && useradd --system --uid 10001 --gid quotebot --create-home --home-dir /home/quotebot \
        --shell /usr/sbin/nologin quotebot \
 && install -d -o quotebot -g quotebot /data

WORKDIR /app

# Dependencies only, read from pyproject.toml, so editing the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(deps))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The package itself; its dependencies are already in place.
COPY README.md ./
COPY bot ./bot
RUN pip install --no-deps . \
 && rm -rf build ./*.egg-info

# Every path the bot uses, in one place (docker-compose.yml sets the same values).
ENV QUOTEBOT_SEEDS=/app/seeds \
    QUOTEBOT_DB=/app/db/quotes.db \
    QUOTEBOT_STATE_DB=/data/state.db \
    QUOTEBOT_HEARTBEAT=/data/heartbeat

# The transcripts and their metadata, then the quote database built from them, so a
# new container answers at once. /app/db belongs to the bot's user so that
# `docker compose exec bot quotebot ingest` can also rebuild it in place.
COPY --chown=quotebot:quotebot seeds ./seeds
RUN install -d -o quotebot -g quotebot /app/db
USER quotebot
# --strict: a transcript with speech nobody is credited for fails the image build
# instead of shipping silently. `--build-arg INGEST_FLAGS=` turns that off.
ARG INGEST_FLAGS=--strict
RUN quotebot ingest $INGEST_FLAGS \
 && quotebot speakers

# A polling bot opens no port: the bot touches $QUOTEBOT_HEARTBEAT from its job queue
# while it receives updates, and this check fails when that file is stale or missing.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["quotebot", "health", "--max-age", "120"]

# Long polling by default; set WEBHOOK_URL (and publish WEBHOOK_PORT) for webhook mode.
CMD ["quotebot", "run"]
