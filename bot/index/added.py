"""The documents an operator added: copies kept in a folder beside the quote database.

The corpus is the documents of the seeds folder plus those of the added folder
(`db/quotes.db` keeps its added documents in `db/quotes.added/`). Every build reads
both, so a later plain build (`make db`, `quotebot ingest`, a first `quotebot run`)
never drops an added document. The copies are kept rather than references to the
operator's files so that moving or editing those cannot change the corpus behind the
database's back.

Every change here is undoable until the build that follows it succeeded: `Change`
remembers what it wrote or took away, and `undo` puts it back.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.extract import DOCUMENT_SUFFIXES, find_documents, original_file
from bot.extract.decode import MAX_DOCUMENT_BYTES


class AddError(Exception):
    """A document cannot be added or removed; the message is one line for the operator."""


def added_folder(db_path: Path) -> Path:
    """The folder holding the documents added to the corpus of `db_path`: one per
    database, so two databases in one folder keep separate corpora."""
    return Path(db_path).with_name(Path(db_path).stem + ".added")


def corpus_paths(seeds_dir: Path, db_path: Path) -> list[Path]:
    """The folders every build of `db_path` reads, seeds first (so an added document,
    sorting after the seeds, is appended to a stored corpus rather than rebuilt), then the
    documents added with `quotebot ingest`, then those published from Telegram."""
    from bot.index.published import published_folder  # a sibling module of the same layer

    folders = [added_folder(db_path), published_folder(db_path)]
    return [Path(seeds_dir), *(folder for folder in folders if folder.is_dir())]


def added_documents(db_path: Path) -> list[Path]:
    """The added documents of `db_path`'s corpus, in name order."""
    folder = added_folder(db_path)
    return list(find_documents([folder])) if folder.is_dir() else []


@dataclass
class Change:
    """What one command did to the added folder, so that a failed build can undo it."""

    added: list[Path] = field(default_factory=list)  # the new copies, deleted by undo
    already: list[str] = field(default_factory=list)  # names already in the corpus, unchanged
    set_aside: Path | None = None  # a removed document or folder, put back by undo
    restore_to: Path | None = None

    def undo(self) -> None:
        for path in self.added:
            path.unlink(missing_ok=True)
        if self.set_aside is not None and self.restore_to is not None:
            if self.restore_to.is_dir():  # the folder a --replace emptied: drop what it got since
                shutil.rmtree(self.restore_to)
            os.replace(self.set_aside, self.restore_to)

    def commit(self) -> None:
        """The build succeeded: what was set aside is gone for good."""
        if self.set_aside is not None:
            if self.set_aside.is_dir():
                shutil.rmtree(self.set_aside)
            else:
                self.set_aside.unlink(missing_ok=True)


def add_documents(paths: Iterable[Path], seeds_dir: Path, db_path: Path) -> Change:
    """Copy every document under `paths` into the added folder of `db_path`.

    All are checked before any is copied, so a refused document leaves the folder as it
    was. A document already in the corpus with the same content is left as it is; one
    whose name is taken by a seed or an added document with other content is refused.
    """
    documents = _documents_named(paths)
    folder = added_folder(db_path)
    change = Change()
    for name, path in documents.items():
        if _same_name_elsewhere(name, path, seeds_dir, folder):
            change.already.append(name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in documents.items():
            if name not in change.already:
                change.added.append(_copy_atomically(path, folder / name))
    except OSError as error:
        change.undo()
        raise AddError(f"cannot copy into {folder}: {error.strerror or error}") from error
    return change


def _documents_named(paths: Iterable[Path]) -> dict[str, Path]:
    """The documents under `paths` by file name; one line for a path that is missing, a
    folder without documents, or two different documents of one name."""
    documents: dict[str, Path] = {}
    for given in map(Path, paths):
        if not given.exists():
            raise AddError(f"no such file or folder: {given}")
        found = list(find_documents([given]))
        if not found:
            suffixes = ", ".join(sorted(DOCUMENT_SUFFIXES))
            raise AddError(f"no documents ({suffixes}) in {given}")
        # A translation brings the file of its original words with it (talk.en.md for talk.md).
        found += [original for path in found if (original := original_file(path))]
        for path in found:
            _check_readable(path)
            other = documents.setdefault(path.name, path)
            if other != path and not filecmp.cmp(other, path, shallow=False):
                raise AddError(f"two different documents are named {path.name}: {other} and {path}")
    return documents


def _check_readable(path: Path) -> None:
    """One line for a document that cannot be a transcript: not a regular file (a device,
    a FIFO: copying one never ends), or over the size limit."""
    if not path.is_file():
        raise AddError(f"{path} is not a regular file (a device, FIFO or socket): not added")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise AddError(
            f"{path} is {size / 2**20:.0f} MB, over the {MAX_DOCUMENT_BYTES // 2**20} MB a transcript "
            "may be: not added"
        )


def _same_name_elsewhere(name: str, path: Path, seeds_dir: Path, folder: Path) -> bool:
    """Whether the corpus holds `name` already with the content of `path`; refused when it
    holds another content under that name (file names identify documents)."""
    for where, kind in ((Path(seeds_dir) / name, "seed"), (folder / name, "added document")):
        if where.is_file():
            if filecmp.cmp(where, path, shallow=False):
                return True
            raise AddError(
                f"{name} is taken by a different {kind} ({where}): rename the new file"
                + (" or quotebot remove the old one first" if kind == "added document" else "")
            )
    return False


def _copy_atomically(source: Path, target: Path) -> Path:
    """Copy `source` to `target` through a temporary file renamed into place, so a build
    never reads half a copy (the temporary name ends in .tmp, which no build reads)."""
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, tmp_name)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def set_aside_all(db_path: Path) -> Change:
    """Move the whole added folder aside (for --replace); undo puts it back."""
    folder = added_folder(db_path)
    if not folder.is_dir():
        return Change()
    aside = folder.with_name(f".{folder.name}.replaced-{os.getpid()}")
    os.replace(folder, aside)
    return Change(set_aside=aside, restore_to=folder)


def set_aside_one(name: str, seeds_dir: Path, db_path: Path) -> Change:
    """Move the added document `name` aside (for remove); undo puts it back. A seed, or a
    name that is not in the corpus, is one line."""
    name = Path(name).name  # a path to the copy or to the original names the same document
    folder = added_folder(db_path)
    document = folder / name
    if not document.is_file():
        if (Path(seeds_dir) / name).is_file():
            raise AddError(
                f"{name} is a seed document ({Path(seeds_dir) / name}), not an added one: "
                "quotebot remove takes out added documents only; delete or move the seed file itself"
            )
        raise AddError(f"{name} is not an added document of {db_path} (see quotebot documents)")
    # Set aside outside the folder, so its time stamp (which `make db` watches) is not
    # touched again after the build by the deletion.
    aside = folder.with_name(f".{folder.name}.{name}.removed-{os.getpid()}.tmp")
    os.replace(document, aside)
    return Change(set_aside=aside, restore_to=document)


@contextlib.contextmanager
def undone_on_failure(change: Change) -> Iterator[Change]:
    """Keep `change` when the block (the build) succeeds, undo it when it fails."""
    try:
        yield change
    except BaseException:
        change.undo()
        raise
    change.commit()
