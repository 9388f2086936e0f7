# Everything a newcomer needs: `make run` and `make test` set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= db/quotes.db

.PHONY: install test lint run chat db bench bench-web cards screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Rebuilt when the transcripts (the seeds and those added with `quotebot ingest PATH`, kept
# in db/quotes.added/), or the code that builds the database change. The build reads the
# added folder itself, so it never drops an added document.
ADDED := $(basename $(DB)).added
$(DB): $(STAMP) $(wildcard seeds/*) $(wildcard $(ADDED) $(ADDED)/*) $(wildcard bot/extract/*.py) bot/normalize.py bot/terms.py bot/lexicon.py bot/records.py $(wildcard bot/quotedb/*.py) bot/meaning.py $(wildcard bot/index/*.py)
	$(BIN)/quotebot ingest --seeds seeds --db $(DB)

db: $(DB)

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot
	$(PY) -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot

# A token (environment or .env) starts the Telegram bot (with the web beside it when
# QUOTEBOT_WEB=1); without one, the web alone when QUOTEBOT_WEB=1, else the terminal chat.
run: $(DB)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -qsE '^[[:space:]]*(export[[:space:]]+)?TELEGRAM_BOT_TOKEN[[:space:]]*=[[:space:]]*["'"'"']?[0-9]' .env; then \
		echo "make run: TELEGRAM_BOT_TOKEN is configured, so starting the Telegram bot (quotebot run)"; \
		exec $(BIN)/quotebot run --db $(DB); \
	elif [ "$$QUOTEBOT_WEB" = 1 ] || grep -qsE '^[[:space:]]*(export[[:space:]]+)?QUOTEBOT_WEB[[:space:]]*=[[:space:]]*["'"'"']?1' .env; then \
		echo "make run: no TELEGRAM_BOT_TOKEN, QUOTEBOT_WEB=1: serving the web alone (quotebot web)"; \
		exec $(BIN)/quotebot web --db $(DB); \
	else \
		echo "make run: no TELEGRAM_BOT_TOKEN in the environment or .env, so starting the terminal chat (quotebot chat); set the token to run the Telegram bot"; \
		exec $(BIN)/quotebot chat --db $(DB); \
	fi

chat: $(DB)
	$(BIN)/quotebot chat --db $(DB)

# The figures of docs/scaling.md: matching on the four development sets, Similar on its
# labelled quote pairs, latency at 10
# thousand to a million quotes, the web API under load at a million (bench-web), the ANN
# search against a scan at a million, then the same
# million grown by 1% (bench/out/synthetic-1000000.db becomes the grown corpus), and cards.
bench: $(DB)
	$(PY) bench/eval.py
	$(PY) bench/eval.py --queries tests/data/queries_extra.jsonl
	$(PY) bench/eval.py --queries tests/data/queries_semantic.jsonl
	$(PY) bench/eval.py --queries tests/data/topics.jsonl
	$(PY) bench/similar.py --db $(DB)
	$(PY) bench/latency.py
	$(PY) bench/web_load.py
	$(PY) bench/ann_recall.py --db bench/out/synthetic-1000000.db
	$(PY) bench/rebuild.py --size 1000000 --out bench/out --reuse
	$(PY) bench/cards.py

# The web API under load (docs/scaling.md, "The web"): 50 clients against `quotebot web` at a
# million quotes (bench/out/synthetic-1000000.db, built once by this or bench/latency.py)
# and against the seeds, and the most shared pages and cards through nginx's cache; needs
# Debian's wrk (and nginx for the last part). About 6 minutes once the million is built.
bench-web: $(DB)
	$(PY) bench/web_load.py

# The README's example cards, drawn from the seeds (one query, both themes).
CARD_QUERY ?= 对齐
cards: $(DB)
	$(BIN)/quotebot card '$(CARD_QUERY)' --db $(DB) --theme light -o docs/card-light.png
	$(BIN)/quotebot card '$(CARD_QUERY)' --db $(DB) --theme dark -o docs/card-dark.png

# The README's screenshots of the web (search page and a quote page; desktop and phone,
# light and dark), drawn by Debian's Chromium (apt-get install chromium).
screenshots: $(DB)
	$(PY) bench/screenshots.py --db $(DB) --out docs/screenshots

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache
