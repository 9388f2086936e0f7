"""A draft transcript as its admin reviews it: what would be published, and the choices left.

Admin views are in English (admins are the bot's operators); every piece is escaped.
The buttons carry the draft's id and an index into the lists shown, never a name, so
they stay within Telegram's 64 bytes.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.index.review import Review
from bot.reply.markup import Button, clip, escape, fit

# Buttons offered per unknown label or role: the speakers most like it.
CHOICES = 2
MAX_ROWS = 4  # labels and roles offered with buttons (the rest: /who, /role)


def review_html(review: Review, draft_id: int, error: str = "") -> str:
    """The draft: source facts, speakers, what needs a decision, samples, warnings."""
    source = review.source
    lines = [f"<b>Draft #{draft_id}: {escape(source.file)}</b>"]
    for label, value in (("Title", source.title), ("Date", source.date), ("Publisher", source.publisher),
                         ("Link", source.url)):
        lines.append(f"{label}: {escape(clip(value, 200)) if value else '<i>unknown</i>'}")
    speakers = ", ".join(f"{escape(name)} ({count})" for name, count in review.speakers) or "nobody yet"
    lines += ["", f"Speakers: {speakers}",
              f"Quotes: {review.quotes}, of which {review.postable} stand on their own"]
    if review.unknown_labels:
        shown = ", ".join(f"{escape(label)} ({n})" for label, n in review.unknown_labels.items())
        lines.append(f"Unknown speakers: {shown}. Say who: /who LABEL = NAME")
    if review.unmapped_roles:
        shown = ", ".join(f"{escape(label)} ({n})" for label, n in review.unmapped_roles.items())
        lines.append(f"Roles nobody plays: {shown}. Say who: /role LABEL = NAME")
    if review.samples:
        lines += ["", "<b>Samples</b>"]
        lines += [f"— {escape(speaker)}: {escape(clip(text, 300))}" for speaker, text in review.samples]
    if review.warnings:
        lines += ["", "<b>Warnings</b>", *(f"• {escape(clip(w, 200))}" for w in review.warnings)]
    if error:
        lines += ["", f"<b>The last publish failed:</b> {escape(clip(error, 500))}"]
    lines += ["", "Change a fact with /title, /date, /publisher or /link followed by the new value."]
    return fit("\n".join(lines))


def review_buttons(review: Review, draft_id: int, speakers: list[str]) -> list[list[Button]]:
    """Rows of buttons: who each unknown label or role may be, then publish or discard."""
    rows: list[list[Button]] = []
    for index, label in enumerate(list(review.unknown_labels)[:MAX_ROWS]):
        row = [Button(f"{label} = {name}", f"adm:who:{draft_id}:{index}:{speakers.index(name)}")
               for name in likely(label, speakers)]
        rows.append([*row, Button(f"{label}: not a person", f"adm:none:{draft_id}:{index}")])
    for index, label in enumerate(list(review.unmapped_roles)[:MAX_ROWS]):
        present = [name for name, _ in review.speakers][:CHOICES] or speakers[:CHOICES]
        rows.append([Button(f"{label} = {name}", f"adm:role:{draft_id}:{index}:{speakers.index(name)}")
                     for name in present if name in speakers])
    publish = [Button("Publish", f"adm:publish:{draft_id}")] if review.publishable else []
    rows.append([*publish, Button("Discard", f"adm:discard:{draft_id}")])
    return [row for row in rows if row]


def likely(label: str, speakers: list[str]) -> list[str]:
    """The speakers whose name is most like `label` (`Sam` -> Sam Altman), best first."""
    found = process.extract(label, speakers, scorer=fuzz.WRatio, limit=CHOICES, score_cutoff=60)
    return [name for name, _score, _index in found]
