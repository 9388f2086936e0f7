"""The `quotebot` command line. Each command's docstring is its help."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from bot import __version__
from bot.config import Settings

if TYPE_CHECKING:  # the commands import what they use when run, to start fast
    from collections.abc import Callable

    from tqdm import tqdm

    from bot.extract import Document
    from bot.extract.postable import Judgement
    from bot.index import Corpus
    from bot.index.added import Change
    from bot.messages import Language
    from bot.quotedb import Quote, QuoteDB
    from bot.search import Match, Searcher

SETTINGS = Settings.from_env()
DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=SETTINGS.db_path,
    show_default=True,
    help="The quote database (env QUOTEBOT_DB).",
)


@click.group()
@click.version_option(__version__, prog_name="quotebot")
def cli() -> None:
    """quotebot: answers messages with attributed, cited quotes from AI interviews and talks."""


# -- operations ---------------------------------------------------------------


@cli.command()
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    default=120,
    show_default=True,
    help="Seconds the heartbeat may be old before the bot counts as unhealthy.",
)
@click.option(
    "--file",
    "heartbeat_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=SETTINGS.heartbeat_path,
    show_default=True,
    help="The heartbeat file the running bot touches (env QUOTEBOT_HEARTBEAT).",
)
def health(max_age: float, heartbeat_path: Path) -> None:
    """Exit 0 when the running bot touched its heartbeat within --max-age, else 1 (for Docker)."""
    from bot.heartbeat import check_health

    healthy, line = check_health(heartbeat_path, max_age)
    click.echo(line, err=not healthy)
    sys.exit(0 if healthy else 1)


# -- corpus -------------------------------------------------------------------


SEEDS_OPTION = click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=SETTINGS.seeds_dir,
    show_default=True,
    help="Folder with the documents and speakers.toml, sources.toml, glossary.toml.",
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@SEEDS_OPTION
@DB_OPTION
@click.option("--strict", is_flag=True,
              help="Fail when a document has unattributed speech or a quote still holding markup.")
@click.option("--verbose", "-v", is_flag=True, help="List every unattributed paragraph.")
@click.option("--full", is_flag=True, help="Build everything again, even when documents were only added.")
@click.option("--replace", is_flag=True,
              help="Drop every added document first: the corpus becomes the seeds plus PATHS.")
def ingest(
    paths: tuple[Path, ...], seeds_dir: Path, db_path: Path, strict: bool, verbose: bool, full: bool,
    replace: bool,
) -> None:
    """Add transcripts (.txt, .md, .html, .srt, .vtt files or folders) to the corpus and build the quote database.

    The corpus is every document in the --seeds folder plus the documents added to it,
    whose copies are kept beside the database (db/quotes.db keeps them in
    db/quotes.added/), so every later build (make db too) keeps them. Without PATHS the
    corpus is built as it is. With PATHS their documents are copied in first; a name
    taken by a seed or an added document with other content is refused. --replace drops
    every added document and builds everything again from the seeds plus PATHS (the seeds
    alone without PATHS): the one way to start over. `quotebot remove FILE` takes one out.

    The database is built into a temporary file and renamed into place only when the build
    succeeded, so a failed build leaves the previous database, and the added documents,
    untouched. When the database holds exactly the first documents read, unchanged and
    built from the same speakers, glossary and model, only the others are added to a copy
    of it. One line after the report says what changed.
    """
    from bot.config import unwritable
    from bot.index.added import Change, added_documents, set_aside_all, undone_on_failure

    if problem := unwritable(db_path):  # before the extraction work, not after it
        raise click.ClickException(problem)
    dropped = len(added_documents(db_path)) if replace else 0
    # --replace sets the added folder aside; it is deleted only once the build succeeded.
    with undone_on_failure(set_aside_all(db_path) if replace else Change()):
        added = _add_documents(paths, seeds_dir, db_path)
        with undone_on_failure(added):
            corpus = _extract_corpus(seeds_dir, db_path)
            _print_ingest_report(corpus.documents, verbose, corpus.judgements)
            unattributed = sum(len(d.unattributed) for d in corpus.documents)
            markup = sum(len(d.markup) for d in corpus.documents)
            if strict and (unattributed or markup):
                raise click.ClickException(
                    f"--strict: {unattributed} unattributed paragraph(s), {markup} quote(s) with markup, "
                    f"see above; {db_path} left as it was"
                )
            counts = _build(corpus, db_path, full=full or replace)
    what = _what_ingest_changed(db_path, counts, added, dropped if replace else None)
    click.echo(f"{what}: {_counts_line(counts)}")
    for entries in (_unknown_speakers_toml(corpus.documents), _unmapped_roles_toml(corpus.documents)):
        if entries:
            click.echo()
            click.echo(entries, nl=False)


def _add_documents(paths: tuple[Path, ...], seeds_dir: Path, db_path: Path) -> Change:
    """Copy the documents under `paths` into the corpus; one line when one is refused."""
    from bot.index.added import AddError, Change, add_documents

    if not paths:
        return Change()
    try:
        return add_documents(paths, seeds_dir, db_path)
    except AddError as error:
        raise click.ClickException(str(error)) from error


def _extract_corpus(seeds_dir: Path, db_path: Path) -> Corpus:
    """Extract the seeds and the added documents of `db_path`; one line when the metadata
    is wrong (the speakers.toml entries it lacks go to standard output first)."""
    from tqdm import tqdm

    from bot.index import NoSpeakersError, extract_paths
    from bot.index.added import corpus_paths
    from bot.metadata import SPEAKERS_FILE, MetadataError

    progress = tqdm(desc="reading", unit="doc", file=sys.stderr, disable=None)
    try:
        return extract_paths(corpus_paths(seeds_dir, db_path), seeds_dir, on_document=_tick(progress))
    except NoSpeakersError as error:
        # Only the entries on standard output: `> speakers.toml` saves them as they are.
        entries = _unknown_speakers_toml(error.documents, with_roles=True)
        click.echo(entries, nl=False)
        start = f"save the entries above as {seeds_dir / SPEAKERS_FILE} to start" if entries else (
            "no labels that look like speakers were found")
        raise click.ClickException(f"{error}; {start}") from error
    except MetadataError as error:
        raise click.ClickException(str(error)) from error
    finally:
        progress.close()


def _build(corpus: Corpus, db_path: Path, full: bool) -> dict[str, int]:
    from bot.index import build

    return build(corpus.documents, corpus.speakers, db_path, corpus.glossary, corpus.judgements, full=full)


def _what_ingest_changed(
    db_path: Path, counts: dict[str, int], added: Change, dropped: int | None
) -> str:
    """The start of ingest's last line: what happened to the corpus and the database."""
    names = ", ".join(path.name for path in added.added)
    kept = f"; {', '.join(added.already)} in it already" if added.already else ""
    if dropped is not None:
        return (f"replaced the corpus of {db_path}: dropped {dropped} added document(s), "
                f"added {len(added.added)}" + (f" ({names})" if names else "") + kept)
    if added.added:
        return f"added {len(added.added)} document(s) ({names}) to {db_path}{kept}"
    return {None: f"built {db_path}", 0: f"{db_path} holds these documents already"}.get(
        counts.get("added"), f"added {counts.get('added')} new document(s) to {db_path}"
    ) + kept


def _counts_line(counts: dict[str, int]) -> str:
    return f"{counts['documents']} documents, {counts['passages']} passages, {counts['quotes']} quotes" + (
        f", {counts['sentences']} sentence vectors ({counts['embedded']} embedded, "
        "the rest kept from the previous build)"
        if "sentences" in counts
        else " (no sentence vectors: matching by meaning is off)"
    )


@cli.command()
@click.argument("file")
@SEEDS_OPTION
@DB_OPTION
def remove(file: str, seeds_dir: Path, db_path: Path) -> None:
    """Take the added document FILE (its name) out of the corpus and build the database again.

    Only documents added with `quotebot ingest PATH` can be removed this way; a seed is
    taken out by deleting it from the seeds folder. When the build fails, FILE stays.
    """
    from bot.config import unwritable
    from bot.index.added import AddError, set_aside_one, undone_on_failure

    if problem := unwritable(db_path):
        raise click.ClickException(problem)
    from bot.extract import original_file
    from bot.index.added import Change, added_folder

    try:
        change = set_aside_one(file, seeds_dir, db_path)
    except AddError as error:
        raise click.ClickException(str(error)) from error
    # The file of a translation's original words goes with it.
    original = original_file(added_folder(db_path) / Path(file).name)
    with undone_on_failure(change), undone_on_failure(
        set_aside_one(original.name, seeds_dir, db_path) if original else Change()
    ):
        counts = _build(_extract_corpus(seeds_dir, db_path), db_path, full=True)
    click.echo(f"removed {Path(file).name} from {db_path}: {_counts_line(counts)}")


@cli.command()
@SEEDS_OPTION
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (JSON Lines).")
@click.option("--log", "show_log", is_flag=True, help="The changes admins made from Telegram instead.")
def documents(seeds_dir: Path, db_path: Path, as_json: bool, show_log: bool) -> None:
    """List the documents of the corpus: seeds, added and published ones, with title and quote count.

    The title and the count come from the database; a document it does not hold (not
    built yet, or unreadable) shows none. --log lists instead every change admins made
    from Telegram (who, when, what), newest first.
    """
    from bot.extract import find_documents
    from bot.index.added import added_folder, corpus_paths
    from bot.index.published import published_folder

    if show_log:
        _print_corpus_log(as_json)
        return

    stored = {s.source.file: s for s in _open(db_path).sources()} if db_path.exists() else {}
    folder = added_folder(db_path)
    rows: list[dict[str, Any]] = []
    for path in find_documents(corpus_paths(seeds_dir, db_path)):
        held = stored.get(path.name)
        rows.append({
            "file": path.name,
            "origin": ("added" if path.parent == folder
                       else "published" if path.parent == published_folder(db_path) else "seed"),
            "path": str(path),
            "title": held.source.title if held else None,
            "quotes": held.quotes if held else None,
        })
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = [[r["file"], r["origin"], (r["title"] or "")[:40], r["quotes"]] for r in rows]
    click.echo(tabulate(table, ["document", "from", "title", "quotes"]))
    added = sum(r["origin"] == "added" for r in rows)
    published = sum(r["origin"] == "published" for r in rows)
    click.echo(f"{len(rows)} documents in the corpus of {db_path}: {len(rows) - added - published} seeds, "
               f"{added} added, {published} published from Telegram")


def _print_corpus_log(as_json: bool) -> None:
    """The corpus changes admins made from Telegram, newest first (the state store's log)."""
    from datetime import UTC, datetime

    from bot.state.corpus import open_corpus_store

    settings = Settings.from_env()
    entries = open_corpus_store(settings.state_url, settings.state_db_path).log()
    rows = [{"at": datetime.fromtimestamp(e.at, UTC).isoformat(timespec="seconds"), "user_id": e.user_id,
             "action": e.action, "file": e.name} for e in entries]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        click.echo(tabulate([list(r.values()) for r in rows], ["when (UTC)", "admin", "action", "document"])
                   if rows else "no changes from Telegram yet")


def _unknown_speakers_toml(documents: list[Document], with_roles: bool = False) -> str:
    """speakers.toml entries for every label of someone unknown, with where it was seen
    (and the roles nobody plays, as comments, when they are not listed apart)."""
    from bot.extract.labels import speakers_toml_entries

    labels: dict[str, dict[str, int]] = {}
    for doc in documents:
        roles = doc.unmapped_roles.items() if with_roles else ()
        for label, count in [*doc.unknown_labels.items(), *roles]:
            labels.setdefault(label, {})[doc.source.file] = count
    return speakers_toml_entries(labels)


def _unmapped_roles_toml(documents: list[Document]) -> str:
    """sources.toml `roles` lines for every document with roles nobody plays yet."""
    from bot.extract.roles import sources_toml_roles

    return sources_toml_roles({d.source.file: d.unmapped_roles for d in documents if d.unmapped_roles})


def _tick(progress: tqdm[Any]) -> Callable[[Path], None]:
    def on_document(path: Path) -> None:
        progress.set_postfix_str(path.name)
        progress.update()

    return on_document


def _print_ingest_report(
    documents: list[Document], verbose: bool, judgements: list[list[Judgement]]
) -> None:
    """Per document: what was found, how much of it stands alone (postable), what was
    dropped, what could not be attributed."""
    rows = []
    speakers: Counter[str] = Counter()
    for doc, judged in zip(documents, judgements, strict=True):
        dropped = Counter(d.reason for d in doc.dropped)
        for unit in doc.quotes:
            speakers[doc.passages[unit.passage].speaker] += 1
        rows.append(
            [doc.source.file, len(doc.passages), len(doc.quotes), sum(j.postable for j in judged),
             sum(dropped.values()) - len(doc.unattributed), len(doc.unattributed)]
        )
    click.echo(
        tabulate(rows, ["document", "passages", "quotes", "postable", "non-speech", "unattributed"])
    )
    click.echo()
    click.echo(tabulate(speakers.most_common(), ["speaker", "quotes"]))
    click.echo()
    for doc in documents:
        for note in doc.notes:
            click.echo(f"{doc.source.file}: {note}")
        for item in doc.markup:
            click.echo(f"{doc.source.file}:{item.line}: markup left out of a quote: {item.text[:60]}")
        shown = doc.unattributed if verbose else doc.unattributed[:5]
        for item in shown:
            click.echo(f"{doc.source.file}:{item.line}: {item.reason}: {item.text[:60]}")
        if len(doc.unattributed) > len(shown):
            click.echo(f"{doc.source.file}: … {len(doc.unattributed) - len(shown)} more (use --verbose)")


def _open(db_path: Path) -> QuoteDB:
    """The quote database, read-only; one clear line when it cannot be read."""
    from bot.quotedb import DatabaseError, QuoteDB

    try:
        return QuoteDB(db_path)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from error


@cli.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (JSON Lines).")
@click.option("--speaker", help="Only this speaker's quotes (canonical name).")
def quotes(db_path: Path, as_json: bool, speaker: str | None) -> None:
    """List every quote with its speaker and source."""
    for quote in _open(db_path).quotes(speaker):
        if as_json:
            click.echo(json.dumps(quote_json(quote), ensure_ascii=False))
        else:
            original = f"  ({quote.original})" if quote.original else ""
            click.echo(f"{quote.id:>6}  {quote.speaker}: {quote.text}{original}  [{quote.source.file}]")


def quote_json(quote: Quote) -> dict[str, Any]:
    """The JSON form of a quote (the `quotes --json` contract)."""
    return {
        "id": quote.id,
        "speaker": quote.speaker,
        "text": quote.text,
        **quote.cited(),
        "kind": quote.kind,
        "passage_id": quote.passage_id,
        "source": quote.source.cited(),
        "postable": quote.postable,
        "postable_why": list(quote.postable_why),
    }


@cli.command()
@DB_OPTION
def speakers(db_path: Path) -> None:
    """List the speakers with their Chinese names, quote counts and aliases."""
    rows = [
        [s.speaker.name, s.speaker.name_zh, s.quotes, ", ".join(s.speaker.aliases)[:60]]
        for s in _open(db_path).speakers()
    ]
    click.echo(tabulate(rows, ["speaker", "中文", "quotes", "aliases"]))


@cli.command()
@DB_OPTION
def sources(db_path: Path) -> None:
    """List the source documents with their dates and counts."""
    rows = [
        [s.source.file, (s.source.title or "")[:40], s.source.publisher, s.source.date,
         s.source.script, s.passages, s.quotes]
        for s in _open(db_path).sources()
    ]
    click.echo(tabulate(rows, ["file", "title", "publisher", "date", "script", "passages", "quotes"]))


@cli.command()
@click.argument("query", required=False)
@click.option("--limit", "-n", default=3, show_default=True, type=click.IntRange(1, 50),
              help="At most this many quotes per query.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON array per query on one line; [] when nothing matches.")
@click.option("--speaker", help="Only this speaker's quotes (any name or alias).")
@DB_OPTION
def ask(query: str | None, limit: int, as_json: bool, speaker: str | None, db_path: Path) -> None:
    """Find the quotes that answer QUERY.

    Without QUERY, every line of standard input is a query, answered in turn (one
    line per query with --json), so thousands of queries run in one process.
    """
    from bot.search import Searcher, SearchError

    try:
        searcher = Searcher(db_path)
    except SearchError as error:
        raise click.ClickException(str(error)) from error
    queries = [query] if query is not None else (line.rstrip("\r\n") for line in sys.stdin)
    for text in queries:
        matches = searcher.search(text, limit=limit, speaker=speaker, label_both=True)
        if as_json:
            click.echo(json.dumps([match_json(m) for m in matches], ensure_ascii=False))
        else:
            click.echo(_readable_matches(text, matches, searcher))


def match_json(match: Match) -> dict[str, Any]:
    """The JSON form of a search result (the `ask --json` contract)."""
    quote = match.quote
    return {
        "id": quote.id,
        "speaker": quote.speaker,
        "text": quote.text,
        **quote.cited(),
        "score": match.score,
        "source": quote.source.cited(),
        "matched_by": match.matched_by,
    }


def _readable_matches(query: str, matches: list[Match], searcher: Searcher) -> str:
    """Quotes the way a person reads them: the words, then who said them and where."""
    if not matches:
        topics = "、".join(searcher.suggestions())
        return f"No quote matches {query!r}." + (f" Try: {topics}" if topics else "") + "\n"
    blocks = []
    for match in matches:
        quote, source = match.quote, match.quote.source
        speaker = f"{quote.speaker} ({quote.speaker_zh})" if quote.speaker_zh else quote.speaker
        cited = ", ".join(p for p in (source.title, source.publisher, source.date) if p)
        lines = [f"“{quote.text}”"]
        if quote.original:
            lines.append(f"    ({quote.original})")
        lines.append(f"    — {speaker}, {cited or source.file}")
        if source.url:
            lines.append(f"    {source.url}")
        lines.append(f"    score {match.score:.2f}; matched: {', '.join(match.terms) or '-'}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# -- the bot --------------------------------------------------------------------


def _searcher_for(settings: Settings) -> Searcher:
    """The searcher over the quote database, built from the seeds first when it is missing."""
    from bot.search import Searcher, SearchError

    if not settings.db_path.exists():
        _build_missing_database(settings)
    try:
        return Searcher(settings.db_path)
    except SearchError as error:
        raise click.ClickException(str(error)) from error


def _build_missing_database(settings: Settings) -> None:
    """Build the quote database from the seeds, or fail with one clear line."""
    from bot.index import build_from_paths
    from bot.index.added import corpus_paths

    db_path, seeds = settings.db_path, settings.seeds_dir
    if not seeds.is_dir() or not any(path.is_file() for path in seeds.iterdir()):
        raise click.ClickException(
            f"no quote database at {db_path} and no seeds in {seeds}/ to build it from"
        )
    click.echo(f"building the quote database {db_path} from {seeds}/ (first run)", err=True)
    try:
        build_from_paths(corpus_paths(seeds, db_path), seeds, db_path)  # the added documents too
    except Exception as error:  # any failure here is one line for the person starting the bot
        raise click.ClickException(f"could not build {db_path} from {seeds}/: {error}") from error


@cli.command()
@DB_OPTION
def run(db_path: Path) -> None:
    """Start the Telegram bot: long polling, or a webhook when WEBHOOK_URL is set.

    Needs TELEGRAM_BOT_TOKEN (environment or .env); TELEGRAM_API_BASE_URL points it at
    a self-hosted Bot API server. Builds the quote database first when it is missing.
    Ctrl-C or SIGTERM stops it cleanly.
    """
    from dataclasses import replace

    from bot.telegram import StartupError, check_token, run_bot
    from bot.telegram.logs import configure_logging

    settings = replace(Settings.from_env(), db_path=db_path)  # read now: tests change the env
    try:
        check_token(settings.token)
        searcher = _searcher_for(settings)
        configure_logging(settings.log_level)
        run_bot(settings, searcher)
    except StartupError as error:
        raise click.ClickException(str(error)) from error


@cli.command()
@DB_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port to listen on (default: QUOTEBOT_WEB_PORT, else 8080).")
def web(db_path: Path, port: int | None) -> None:
    """Serve the web alone: quote pages, the search page, the Mini App and the JSON API.

    For long-polling bots and for trying the web out (http://localhost:8080/); with
    QUOTEBOT_WEB=1 the bot serves the same beside its webhook. Listens on
    QUOTEBOT_WEB_LISTEN; links and previews use QUOTEBOT_PUBLIC_URL. The Mini App's
    sign-in needs TELEGRAM_BOT_TOKEN. Ctrl-C or SIGTERM stops it.
    """
    from dataclasses import replace

    from bot.state import StateStoreUnavailable, open_state_store
    from bot.telegram.logs import configure_logging, guard_logs
    from bot.web import WebSite, serve_web
    from bot.web.ops import SettingError, metrics_access

    settings = replace(Settings.from_env(), db_path=db_path)
    configure_logging(settings.log_level)
    guard_logs(settings.token, None, log_texts=settings.log_texts)
    searcher = _searcher_for(settings)
    try:
        metrics = metrics_access(settings.metrics_listen, settings.metrics_token)
        state = open_state_store(settings)
    except (SettingError, StateStoreUnavailable) as error:
        raise click.ClickException(str(error)) from error
    site = WebSite.from_settings(settings, searcher, state)
    try:
        searcher.warm_up()
        serve_web(site, settings.web_port if port is None else port, settings.web_listen, metrics)
    except OSError as error:
        raise click.ClickException(f"cannot serve the web: {error.strerror or error}") from error
    finally:
        site.close()
        state.close()


@cli.command()
@DB_OPTION
@click.option(
    "--lang",
    "language_code",
    help="Answer as to a Telegram user with this language (en, zh-hans, zh-hant); "
    "default: follow what you type.",
)
def chat(db_path: Path, language_code: str | None) -> None:
    """Talk to the bot in the terminal: no token, no network, the same answers as Telegram.

    Type a topic, a /command, or a button's number under the last quote; /quit ends.
    Card (and /card) writes the picture to quotebot-cards/ in the temporary folder.
    """
    from dataclasses import replace

    from bot.chat import run_chat
    from bot.reply import Replier
    from bot.state import SQLiteStateStore

    settings = replace(Settings.from_env(), db_path=db_path)
    replier = Replier(_searcher_for(settings), SQLiteStateStore(":memory:"),
                      public_url=settings.public_url)
    replier.searcher.warm_up()  # before the prompt, not on the first question
    prompt = (lambda: click.echo("› ", nl=False)) if sys.stdin.isatty() else None
    run_chat(replier, sys.stdin, click.echo, prompt=prompt, language_code=language_code)


@cli.command()
@click.argument("query")
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the card (PNG) to this file.")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
              help="Colours of the card.")
@click.option("--script", type=click.Choice(["traditional", "hongkong", "simplified"]),
              help="Write the quote in this Chinese script (traditional: Taiwan standard; "
                   "hongkong: Hong Kong standard; default: as published).")
@click.option("--lang", "lang", type=click.Choice(["en", "zh-Hans", "zh-Hant"]), default=None,
              help="Language of the card's words (default: Chinese when QUERY is).")
@DB_OPTION
def card(query: str, output: Path, theme: str, script: str | None, lang: Language | None,
         db_path: Path) -> None:
    """Draw the card of the best quote for QUERY and write it as a PNG file."""
    from bot.card import render_card
    from bot.search import Searcher, SearchError
    from bot.text import has_han

    try:
        searcher = Searcher(db_path)
    except SearchError as error:
        raise click.ClickException(str(error)) from error
    matches = searcher.search(query, limit=1)
    if not matches:
        raise click.ClickException(f"no quote matches {query!r}")
    chinese: Language = "zh-Hant" if script in ("traditional", "hongkong") else "zh-Hans"
    language = lang or (chinese if has_han(query) else "en")
    png = render_card(matches[0].quote, language, script, theme)
    try:
        output.write_bytes(png)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from error
    click.echo(f"{output} ({len(png) // 1024} KB): {matches[0].quote.speaker}")


@cli.group()
def webhook() -> None:
    """Manage the Telegram webhook shared by every replica."""


@webhook.command(name="set")
def webhook_set() -> None:
    """Register WEBHOOK_URL (and WEBHOOK_SECRET) with Telegram once, for all replicas.

    Replicas started with QUOTEBOT_SET_WEBHOOK=false leave the registration to this.
    """
    from bot.telegram import StartupError
    from bot.telegram.app import register_webhook
    from bot.telegram.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    try:
        register_webhook(settings)
    except StartupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"webhook set: {settings.webhook_url}")
