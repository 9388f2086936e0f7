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
from bot.quotedb import QuoteDB  # noqa: E402
from bot.search import Searcher, Tuning  # noqa: E402
from bot.text import to_traditional  # noqa: E402

# A wrong answer to chatter costs as much as this many missed real queries; one to a
# random string of characters (noise no person types) costs less.
NEGATIVE_COST = 10
NOISE_COST = 2
NEGATIVES = Path(__file__).resolve().parent / "data" / "negatives.txt"
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


def negatives(rng: random.Random, count: int = 100) -> list[tuple[str, int]]:
    """(query, cost of answering it): the hand-written chatter, then random strings."""
    lines = [
        (line.strip(), NEGATIVE_COST)
        for line in NEGATIVES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=250)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with quote_database(args.db) as db_path:
        searcher = Searcher(db_path)
        db = QuoteDB(db_path)
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
