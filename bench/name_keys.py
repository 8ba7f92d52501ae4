"""How well the phonetic name key joins Latin queries to Devanagari names.

Run: ``.venv/bin/python bench/name_keys.py [--tsv bench/data/name_pairs.tsv] [--seed 7]``

Over the real name pairs in ``bench/data/name_pairs.tsv`` (Devanagari name, Latin
spelling as people write it; sources in ``NAME_PAIRS_SOURCES.md``) it prints:

* the share of pairs whose two ``name_key`` values are equal;
* recall@5 of the search's first stage, approximated here: every Latin query word is
  keyed, candidate vocabulary words are those sharing a padded trigram with it or
  within one edit of it (what pg_trgm's index and an edit-distance-1 probe find), the
  candidates are ranked by ``key_similarity`` and a pair counts as found when, for every
  word, the key of its Devanagari word is among the five best distinct keys. The
  vocabulary is the set of distinct word keys of every Devanagari name in the file;
* the same recall with one random typo (deletion, substitution or transposition,
  seeded) in the Latin query.

Pairs are split deterministically (by a hash of the pair) into a tuning part (80 %)
and a held-out part (20 %); the normaliser's rules were tuned looking only at the
tuning part, and both figures are printed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import string
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from boothwise.rolls.phonetic import (
    consonant_skeleton,
    key_similarity,
    name_key,
    trigrams,
    word_keys,
)

DEFAULT_TSV = Path(__file__).resolve().parent / "data" / "name_pairs.tsv"
TOP = 5


@dataclass(frozen=True)
class Pair:
    devanagari: str
    latin: str
    source: str

    @property
    def held_out(self) -> bool:
        digest = hashlib.sha1(f"{self.devanagari}\t{self.latin}".encode()).digest()
        return digest[0] % 5 == 0


def load(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Pair(r["devanagari"], r["latin"], r["source"]) for r in reader]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    """Distinct word keys with a trigram index and a deletion index (edit distance 1)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(set(keys))
        self.by_trigram: dict[str, set[str]] = defaultdict(set)
        self.by_delete: dict[str, set[str]] = defaultdict(set)
        self.by_skeleton_delete: dict[str, set[str]] = defaultdict(set)
        for key in self.keys:
            skeleton = consonant_skeleton(key)
            for variant in _deletes(skeleton) | {skeleton}:
                self.by_skeleton_delete[variant].add(key)
            for gram in trigrams(key):
                self.by_trigram[gram].add(key)
            self.by_delete[key].add(key)
            for variant in _deletes(key):
                self.by_delete[variant].add(key)

    def candidates(self, query: str) -> set[str]:
        """Keys sharing at least 20 % of the query's trigrams, or one edit away.

        The share mirrors a pg_trgm similarity threshold; the deletion indexes (of keys
        and of consonant skeletons) catch the short keys whose trigrams a single typo
        can all destroy, and the keys a vowel typo moved further.
        """
        grams = trigrams(query)
        shared: dict[str, int] = defaultdict(int)
        for gram in grams:
            for key in self.by_trigram.get(gram, ()):
                shared[key] += 1
        need = max(1, int(0.2 * len(grams) + 0.999))
        found = {key for key, count in shared.items() if count >= need}
        for variant in _deletes(query) | {query}:
            found |= self.by_delete.get(variant, set())
        skeleton = consonant_skeleton(query)
        for variant in _deletes(skeleton) | {skeleton}:
            found |= self.by_skeleton_delete.get(variant, set())
        return found

    @cache  # noqa: B019 - one vocabulary per run
    def top(self, query: str, n: int = TOP) -> list[str]:
        ranked = sorted(
            self.candidates(query), key=lambda k: (-key_similarity(query, k), k)
        )
        return ranked[:n]


def typo(text: str, rng: random.Random) -> str:
    """One deletion, substitution or transposition at a random letter of ``text``."""
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not positions:
        return text
    kind = rng.choice(("delete", "substitute", "transpose"))
    i = rng.choice(positions)
    if kind == "delete" and len(positions) > 1:
        return text[:i] + text[i + 1 :]
    if kind == "transpose" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letters = [c for c in string.ascii_lowercase if c != text[i].lower()]
    return text[:i] + rng.choice(letters) + text[i + 1 :]


def found(vocab: Vocabulary, latin: str, target_words: list[str]) -> bool | None:
    """True/False when the words align, None when the word counts differ."""
    query_words = word_keys(latin)
    if len(query_words) != len(target_words) or not query_words:
        return None
    return all(
        target in vocab.top(query)
        for query, target in zip(query_words, target_words, strict=True)
    )


def evaluate(pairs: list[Pair], vocab: Vocabulary, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    equal = clean = typoed = counted = 0
    for pair in pairs:
        target = word_keys(pair.devanagari)
        equal += name_key(pair.devanagari) == name_key(pair.latin)
        hit = found(vocab, pair.latin, target)
        if hit is None:
            continue
        counted += 1
        clean += hit
        typoed += bool(found(vocab, typo(pair.latin, rng), target))
    return {
        "pairs": len(pairs),
        "key_equal": equal / len(pairs),
        "aligned": counted,
        "recall5_clean": clean / counted,
        "recall5_typo": typoed / counted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--misses", type=int, default=0, help="print this many clean misses"
    )
    args = parser.parse_args(argv)

    pairs = load(args.tsv)
    dev_words = [k for p in pairs for k in word_keys(p.devanagari)]
    vocab = Vocabulary(dev_words)
    distinct_dev = {w for p in pairs for w in p.devanagari.split()}
    print(f"pairs: {len(pairs)}  sources: {sorted({p.source for p in pairs})}")
    print(
        f"vocabulary: {len(vocab.keys)} distinct word keys "
        f"for {len(distinct_dev)} distinct Devanagari words"
    )
    header = f"{'part':<10}{'pairs':>7}{'key equal':>11}{'recall@5':>10}{'1 typo':>9}"
    print(header)
    for label, part in (
        ("tuning", [p for p in pairs if not p.held_out]),
        ("held-out", [p for p in pairs if p.held_out]),
        ("all", pairs),
    ):
        r = evaluate(part, vocab, args.seed)
        print(
            f"{label:<10}{r['pairs']:>7}{r['key_equal']:>11.3f}"
            f"{r['recall5_clean']:>10.3f}{r['recall5_typo']:>9.3f}"
        )
    if args.misses:
        shown = 0
        for pair in pairs:
            if pair.held_out:
                continue
            if found(vocab, pair.latin, word_keys(pair.devanagari)) is False:
                print(
                    "miss:",
                    pair.latin,
                    pair.devanagari,
                    name_key(pair.latin),
                    name_key(pair.devanagari),
                    vocab.top(name_key(pair.latin).split()[0]),
                )
                shown += 1
                if shown >= args.misses:
                    break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
