"""Find an elector as people type: a name in either script, an EPIC, a house number.

Search is two-stage so it stays fast on very large rolls.

1. **Vocabulary.** Every query word is reduced to its phonetic key
   (:func:`boothwise.rolls.phonetic.word_keys`) and matched against the vocabulary of
   distinct word keys (:class:`~boothwise.rolls.models.NameWord`): the key itself, every
   key one edit away (generated here and looked up on the unique index) and keys sharing
   enough padded trigrams. PostgreSQL answers the trigram part with pg_trgm's ``%``
   operator on a GIN index; other databases read the trigram table
   ``rolls_nametrigram`` kept by :func:`vocabulary_index_refresh`. Both are created by
   migration ``0002_search_indexes``.
2. **Electors.** Electors whose words (:class:`~boothwise.rolls.models.VoterWord`, name
   and relative's name) are among the candidate words are fetched, within the AC when
   given and always within the user's scope, the best-covered first and at most
   :data:`CANDIDATE_CAP` of them; they are ranked in Python by the similarity of the
   query keys to the words of the name (best alignment), then the relative's name, the
   age and the gender.

The importer calls :func:`voter_words_index` for the electors it loaded and then
:func:`vocabulary_index_refresh` once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from boothwise.accounts.access import AnyUser, Scope, scope_for, voter_scope_q
from boothwise.accounts.permissions import Action
from boothwise.core.lookups import pg_array
from boothwise.core.memo import memo
from boothwise.core.rawsql import JoinedSelect
from boothwise.rolls import phonetic
from boothwise.rolls.models import NameWord, Voter, VoterWord

__all__ = [
    "acs_with_electors",
    "CANDIDATE_CAP",
    "ParsedQuery",
    "SearchHit",
    "parse_query",
    "vocabulary_candidates",
    "vocabulary_candidates_many",
    "vocabulary_index_refresh",
    "voter_words_index",
    "voters_search",
]

#: At most this many electors reach the ranking stage from the name words (twice the
#: ones fully ranked; reading 800 cost a fifth of a search and found nobody better).
CANDIDATE_CAP = 400
#: At most this many electors at the houses a query names (a house number is common
#: across a state: "12" is in every AC, so the surname must find its house among many).
HOUSE_CAP = 800
#: A query word's electors are counted up to this many: past it, a word is "common".
DRIVER_CAP = 5000
#: Across ACs, the near spellings of the other query words are looked for among at
#: most this many electors of each scanned word: the bound keeps a typo from probing
#: a million rows (~50 ms instead of seconds).
NEAR_BUDGET = 20_000
#: Across ACs, a common group of near spellings is probed per row when that costs at
#: most this many index descents (spellings × rows looked at); else it is hashed.
PER_ROW_PROBES = 40_000
#: Stage two looks further (near spellings, the rarest word alone) while it has found
#: fewer than this many electors.
RERANK = 200
#: Of the candidates, at most this many, by a cheap first score, get the full
#: alignment (about 20 µs each: the alignment of hundreds of distinct names was the
#: slowest part of a search).
RESCORE = 100
#: At most this many vocabulary words per query word go on to the second stage.
WORDS_PER_QUERY_WORD = 24
#: Seconds a query word's stage-one answer is kept in the cache. Another server
#: process sees a new spelling after at most this long; the importing one at once.
CANDIDATES_TTL = 300
_CANDIDATES_PREFIX = "rolls.words:"
_ACS_KEY = "rolls.acs-with-electors"
_candidates_version = 0
#: Candidate words this similar to a query word are "close" (see `_query_words`).
CLOSE = 0.7
#: pg_trgm's default threshold for ``%``; the portable path applies the same one.
TRIGRAM_THRESHOLD = 0.3
#: A query word with no candidate at all looks again down to this similarity (a slip
#: in a short name leaves few trigrams in common: "naetu" and "nitu" share 2 of 9).
LOW_TRIGRAM_THRESHOLD = 0.2
#: ... and keeps those at least this similar by the ranking's measure.
LOW_SIMILARITY = 0.6
#: Letters that occur in keys (the key folds x, q, z, w away): edits use these.
KEY_LETTERS = "abcdefghijklmnoprstuvy"

_EPIC_RE = re.compile(r"^(?:[A-Z]{2,4}\d{4,}|[A-Z]{2}/\d+/\d+/\d+)$")
_AGE_RE = re.compile(r"^\d{1,3}$")
_HOUSE_RE = re.compile(r"^\d+[A-Z]{0,2}(?:[/-][0-9A-Z]+)*$|^\d+$")
#: One letter after a number: the letter of a house number written apart ("12 ख").
_HOUSE_LETTER_RE = re.compile(r"^(?:[A-Za-z]|[\u0905-\u0939\u0958-\u095F])$")
_GENDER_WORDS: dict[str, str] = {
    "male": Voter.Gender.MALE,
    "female": Voter.Gender.FEMALE,
    "पुरुष": Voter.Gender.MALE,
    "पु": Voter.Gender.MALE,
    "महिला": Voter.Gender.FEMALE,
    "स्त्री": Voter.Gender.FEMALE,
    "म": Voter.Gender.FEMALE,
}


# --------------------------------------------------------------------------------------
# Query parsing
# --------------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """What a typed query asks for."""

    epics: list[str] = field(default_factory=list)
    houses: list[str] = field(default_factory=list)
    age: int | None = None
    gender: str = ""
    keys: list[str] = field(default_factory=list)
    #: Small numbers typed with a name: an age, or perhaps a house number.
    maybe_houses: list[str] = field(default_factory=list)
    #: Per query key, its stage-one candidate words and their similarity.
    similar: list[dict[str, float]] = field(default_factory=list)
    #: Ids of the vocabulary words spelt exactly as a query key.
    exact: set[int] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not (self.epics or self.houses or self.keys or self.age is not None)


def parse_query(query: str) -> ParsedQuery:
    """Split a query into EPIC numbers, house numbers, an age, a gender and name keys.

    * letters then at least four digits (``ABC1234567``, a prefix of one) or the legacy
      ``RJ/13/104/123456`` form → an EPIC;
    * a number up to 120 → an age hint, and a house number too (with name words only
      a possible one, ``maybe_houses``);
    * a larger number, or any other word with a digit (``12/3``, ``4-B``, ``12A``,
      ``12/3-ब``) → a house number;
    * one letter after a number (``12 ख``, ``7 A``) → with it, a house number;
    * ``male``/``female``/``पुरुष``/``महिला`` → a gender hint;
    * every other word → phonetic word keys.
    """
    parsed = ParsedQuery()
    words: list[str] = []
    numbers: list[str] = []
    previous = ""
    for raw in query.split():
        token = raw.strip(",;.()")
        upper = token.upper()
        if not token:
            continue
        after, previous = previous, token
        if after[:1].isdigit() and _HOUSE_LETTER_RE.match(token):
            # "12 ख", "7 A": a house number whose letter the roll writes apart. The
            # number was read alone first: it is not an age, and a house of that
            # number without the letter is only a possible match.
            number = after.upper()
            parsed.houses.append(f"{number} {upper}")
            if number in parsed.houses:
                parsed.houses.remove(number)
            if after in numbers:
                numbers.remove(after)
                if parsed.age == int(after) and not numbers:
                    parsed.age = None
            parsed.maybe_houses.append(number)
        elif _EPIC_RE.match(upper):
            parsed.epics.append(upper)
        elif _AGE_RE.match(token) and int(token) <= 120:
            if parsed.age is None:
                parsed.age = int(token)
            numbers.append(token)
        elif _HOUSE_RE.match(upper) or any(ch.isdigit() for ch in token):
            parsed.houses.append(upper)
        elif token.lower() in _GENDER_WORDS:
            parsed.gender = _GENDER_WORDS[token.lower()]
        else:
            words.append(token)
    parsed.keys = phonetic.word_keys(" ".join(words))
    if parsed.keys:
        parsed.maybe_houses.extend(numbers)
    else:
        # A bare small number may be a house number as well as an age.
        parsed.houses.extend(numbers)
    return parsed


# --------------------------------------------------------------------------------------
# Indexing (called by the importer, and by tests)
# --------------------------------------------------------------------------------------


def word_ids_for(keys: Iterable[str]) -> dict[str, int]:
    """The NameWord id of every key, creating the missing words."""
    wanted = {key[:60] for key in keys if key}
    ids: dict[str, int] = {}
    chunk = 500
    ordered = sorted(wanted)
    if connection.vendor == "postgresql" and ordered:
        return _word_ids_pg(ordered)
    for i in range(0, len(ordered), chunk):
        part = ordered[i : i + chunk]
        ids.update(NameWord.objects.filter(key__in=part).values_list("key", "id"))
    missing = [key for key in ordered if key not in ids]
    if missing:
        vocabulary_changed()
        NameWord.objects.bulk_create(
            [NameWord(key=key) for key in missing],
            ignore_conflicts=True,
            batch_size=1000,
        )
        for i in range(0, len(missing), chunk):
            part = missing[i : i + chunk]
            ids.update(NameWord.objects.filter(key__in=part).values_list("key", "id"))
    return ids


def _word_ids_pg(keys: list[str]) -> dict[str, int]:
    """:func:`word_ids_for` on PostgreSQL: the keys as one array each way (a first
    import asks for thousands of words at once; 500 at a time through the ORM cost
    seconds of an import's wall time)."""
    select = "SELECT key, id FROM rolls_nameword WHERE key = ANY(%s::varchar[])"
    with connection.cursor() as cursor:
        cursor.execute(select, [keys])
        ids = {str(key): int(i) for key, i in cursor.fetchall()}
        missing = [key for key in keys if key not in ids]
        if missing:
            vocabulary_changed()
            cursor.execute(
                "INSERT INTO rolls_nameword (key) SELECT unnest(%s::varchar[])"
                " ON CONFLICT (key) DO NOTHING",
                [missing],
            )
            cursor.execute(select, [missing])
            ids.update((str(key), int(i)) for key, i in cursor.fetchall())
    return ids


def vocabulary_changed() -> None:
    """Forget this process's cached stage-one answers (new words may match them) and
    its list of ACs with electors (an import may have added one)."""
    global _candidates_version
    _candidates_version += 1
    cache.delete(_ACS_KEY)


def voter_words_index(voters: Iterable[Voter]) -> int:
    """Link saved electors to the vocabulary words of their names; returns rows made.

    Uses ``name_key``/``relative_key`` (computed from the names when blank). Existing
    links are kept (the unique constraint makes re-indexing harmless); links of words no
    longer in a changed name are removed for the electors given. The electors must be
    saved (have ids).
    """
    voters = list(voters)
    if not voters:
        return 0
    wanted: list[tuple[Voter, str, bool]] = []
    for voter in voters:
        own = voter.name_key or phonetic.name_key(voter.name_en or voter.name)
        rel = voter.relative_key or phonetic.name_key(
            voter.relative_name_en or voter.relative_name
        )
        wanted.extend((voter, key, False) for key in dict.fromkeys(own.split()))
        wanted.extend((voter, key, True) for key in dict.fromkeys(rel.split()))
    with transaction.atomic():
        ids = word_ids_for(key for _, key, _ in wanted)
        rows = [
            VoterWord(
                voter_id=voter.pk,
                word_id=ids[key[:60]],
                ac_id=voter.ac_id,
                of_relative=of_relative,
            )
            for voter, key, of_relative in wanted
        ]
        keep: dict[int, set[tuple[int, bool]]] = defaultdict(set)
        for row in rows:
            keep[row.voter_id].add((row.word_id, row.of_relative))
        stale = [
            (word_id, ac_id, voter_id, of_relative)  # the primary key's order
            for word_id, ac_id, voter_id, of_relative in VoterWord.objects.filter(
                voter_id__in=list(keep)
            ).values_list("word_id", "ac_id", "voter_id", "of_relative")
            if (word_id, of_relative) not in keep[voter_id]
        ]
        if stale:
            VoterWord.objects.filter(pk__in=stale).delete()
        VoterWord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def vocabulary_index_refresh() -> int:
    """Index the vocabulary words not yet indexed; returns how many words it indexed.

    On PostgreSQL the GIN trigram index follows the table by itself: nothing to do. On
    other databases the trigrams of every NameWord newer than the newest indexed one
    are written to ``rolls_nametrigram`` (words are only ever added). The importer
    calls it after every import, so this process's cached search answers are dropped.
    """
    vocabulary_changed()
    if connection.vendor == "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(word_id), 0) FROM rolls_nametrigram")
        row = cursor.fetchone()
        last = int(row[0]) if row else 0
        words = list(
            NameWord.objects.filter(id__gt=last).order_by("id").values_list("id", "key")
        )
        rows: list[tuple[str, int, int]] = []
        for word_id, key in words:
            grams = phonetic.trigrams(key)
            rows.extend((gram, word_id, len(grams)) for gram in grams)
        cursor.executemany(
            "INSERT OR IGNORE INTO rolls_nametrigram (trigram, word_id, n) "
            "VALUES (%s, %s, %s)"
            if connection.vendor == "sqlite"
            else "INSERT INTO rolls_nametrigram (trigram, word_id, n) "
            "VALUES (%s, %s, %s)",
            rows,
        )
    return len(words)


# --------------------------------------------------------------------------------------
# Stage one: the vocabulary
# --------------------------------------------------------------------------------------


def edits1(key: str) -> set[str]:
    """Every string one edit (delete, transpose, substitute, insert) from ``key``."""
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in KEY_LETTERS}
    inserts = {a + c + b for a, b in splits for c in KEY_LETTERS}
    return (deletes | transposes | replaces | inserts) - {"", key}


def _trigram_words(key: str, threshold: float = TRIGRAM_THRESHOLD) -> dict[int, str]:
    """Vocabulary words sharing enough trigrams with ``key`` (similarity ≥
    ``threshold``).

    The portable path over ``rolls_nametrigram``; PostgreSQL asks pg_trgm in
    :func:`_vocabulary_rows_pg`.
    """
    grams = sorted(phonetic.trigrams(key))
    if not grams:
        return {}
    marks = ", ".join(["%s"] * len(grams))
    sql = (
        "SELECT t.word_id, w.key FROM ("
        " SELECT word_id, COUNT(*) AS shared, MAX(n) AS n FROM rolls_nametrigram"
        f" WHERE trigram IN ({marks}) GROUP BY word_id"
        ") t JOIN rolls_nameword w ON w.id = t.word_id"
        " WHERE t.shared * 1.0 / (%s + t.n - t.shared) >= %s"
        " ORDER BY t.shared * 1.0 / (%s + t.n - t.shared) DESC, w.key LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *grams,
                len(grams),
                threshold,
                len(grams),
                4 * WORDS_PER_QUERY_WORD,
            ],
        )
        return {int(i): str(k) for i, k in cursor.fetchall()}


def vocabulary_candidates(key: str) -> dict[int, tuple[str, float]]:
    """Stage one for one query key: ``{word id: (word key, similarity)}``, best first.

    The exact key, keys one edit away and trigram neighbours, ranked by
    :func:`~boothwise.rolls.phonetic.key_similarity`, at most
    :data:`WORDS_PER_QUERY_WORD`. See :func:`vocabulary_candidates_many`.
    """
    return vocabulary_candidates_many([key])[key]


def vocabulary_candidates_many(
    keys: Sequence[str],
) -> dict[str, dict[int, tuple[str, float]]]:
    """Stage one for every query key, as :func:`vocabulary_candidates`.

    Answers are kept in the cache for :data:`CANDIDATES_TTL` seconds (people type the
    same names again and again); :func:`word_ids_for` forgets them in its process when
    it adds words. The keys not in the cache are looked up together, in one round trip
    on PostgreSQL.
    """
    cache_keys = {
        key: f"{_CANDIDATES_PREFIX}{_candidates_version}:{key}" for key in keys
    }
    known: dict[str, dict[int, tuple[str, float]]] = cache.get_many(
        list(cache_keys.values())
    )
    answers = {key: known[ck] for key, ck in cache_keys.items() if ck in known}
    missing = [key for key in dict.fromkeys(keys) if key not in answers]
    if missing:
        found = _vocabulary_words(missing)
        computed = {key: _ranked_candidates(key, found[key]) for key in missing}
        cache.set_many(
            {cache_keys[key]: answer for key, answer in computed.items()},
            CANDIDATES_TTL,
        )
        answers.update(computed)
    return answers


#: pg_trgm's neighbours of a key (key, key, how many), best first.
_PG_TRIGRAM_WORDS = (
    "SELECT id, key FROM rolls_nameword WHERE key %% %s "
    "ORDER BY similarity(key, %s) DESC, key LIMIT %s"
)


def _low_trigram_words(key: str) -> dict[int, str]:
    """Vocabulary words at least :data:`LOW_TRIGRAM_THRESHOLD` similar to ``key``.

    On PostgreSQL pg_trgm's ``%`` reads its threshold from a setting, lowered for
    this one statement (``SET LOCAL`` alone would last the whole search).
    """
    if connection.vendor != "postgresql":
        return _trigram_words(key, LOW_TRIGRAM_THRESHOLD)
    rows = _pg_rows_with_settings(
        _PG_TRIGRAM_WORDS,
        [key, key, 4 * WORDS_PER_QUERY_WORD],
        {"pg_trgm.similarity_threshold": str(LOW_TRIGRAM_THRESHOLD)},
    )
    return {int(i): str(k) for i, k in rows}


def _pg_rows_with_settings(
    sql: str, params: list[Any], settings: dict[str, str]
) -> list[tuple[Any, ...]]:
    """The rows of one PostgreSQL statement run with ``settings`` changed for it
    alone, in one round trip.

    ``SET LOCAL`` before it and ``SET LOCAL … TO DEFAULT`` after it go in the same
    string, which PostgreSQL runs as one transaction even outside a transaction
    block. The settings are put back to their defaults (nothing here sets them for a
    session). The values are this module's own constants, never user input.
    """
    sets = "".join(f"SET LOCAL {name} = {value}; " for name, value in settings.items())
    resets = "".join(f"SET LOCAL {name} TO DEFAULT; " for name in settings)
    with connection.cursor() as cursor:
        cursor.execute(f"{sets}{sql}; {resets}", params)
        for _ in settings:
            cursor.nextset()
        return list(cursor.fetchall())


def _vocabulary_words(keys: list[str]) -> dict[str, dict[int, str]]:
    """Per key, the vocabulary words spelt as it, one edit away or trigram neighbours
    (unranked)."""
    found: dict[str, dict[int, str]] = {key: {} for key in keys}
    if connection.vendor == "postgresql":
        for n, i, k in _vocabulary_rows_pg(keys):
            found[keys[n]][i] = k
    else:
        for key in keys:
            variants = sorted(edits1(key) | {key})
            for i in range(0, len(variants), 400):
                found[key].update(
                    NameWord.objects.filter(key__in=variants[i : i + 400]).values_list(
                        "id", "key"
                    )
                )
            found[key].update(_trigram_words(key))
    for key, words in found.items():
        if not words:
            # Only a good guess is worth it: a poor one would require a wrong word,
            # where without it the other words find the elector.
            words.update(
                (i, k)
                for i, k in _low_trigram_words(key).items()
                if phonetic.key_similarity(key, k) >= LOW_SIMILARITY
            )
    return found


def _vocabulary_rows_pg(keys: list[str]) -> list[tuple[int, int, str]]:
    """(key's position, word id, word key) of every key's words, in one round trip.

    The variants one edit away are joined to the unique index; the trigram neighbours
    come from the GIN index. Sequential scans, merge and hash joins are off for this
    statement only: on a vocabulary of a few thousand words the planner reckons
    pg_trgm's ``%`` cheap and computes the similarity of every word (3–4 ms a word
    against 0.1 ms on the index), and reads the whole unique index to join the
    variants (1.2 ms against 0.3 ms for a probe per variant).
    """
    selects: list[str] = []
    params: list[Any] = []
    for n, key in enumerate(keys):
        selects.append(
            f"SELECT {n}, w.id, w.key FROM unnest(%s::varchar[]) AS v(key)"
            " JOIN rolls_nameword w ON w.key = v.key"
        )
        selects.append(f"SELECT {n}, t.* FROM ({_PG_TRIGRAM_WORDS}) t")
        params += [
            pg_array(sorted(edits1(key) | {key})),
            key,
            key,
            4 * WORDS_PER_QUERY_WORD,
        ]
    off = {f"enable_{plan}": "off" for plan in ("seqscan", "mergejoin", "hashjoin")}
    rows = _pg_rows_with_settings(" UNION ALL ".join(selects), params, off)
    return [(int(n), int(i), str(k)) for n, i, k in rows]


def _ranked_candidates(key: str, found: dict[int, str]) -> dict[int, tuple[str, float]]:
    scored = sorted(
        ((phonetic.key_similarity(key, k), k, i) for i, k in found.items()),
        key=lambda item: (-item[0], item[1]),
    )
    return {i: (k, s) for s, k, i in scored[:WORDS_PER_QUERY_WORD]}


# --------------------------------------------------------------------------------------
# Stage two: electors, ranked
# --------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    """One elector found, with a score in [0, 1] (higher is better)."""

    voter: Voter
    score: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of a match (`boothwise search --json`)."""
        v = self.voter
        return {
            "epic_no": v.epic_no,
            "name": v.name,
            "name_en": v.name_en,
            "relative_name": v.relative_name,
            "relative_name_en": v.relative_name_en,
            "relation_type": v.relation_type,
            "age": v.age,
            "gender": v.gender,
            "house_no": v.house_no,
            "ac_no": v.ac.number,
            "part_no": v.part.number,
            "section_no": v.section_no,
            "serial_no": v.serial_no,
            "score": round(self.score, 4),
        }


_similarity = memo(1 << 18)(phonetic.key_similarity)


def _greedy(rows: list[list[float]]) -> tuple[float, int]:
    """Best one-to-one alignment of query keys (rows) to a name's words (columns) of
    a similarity matrix: (sum of similarities, words used).

    Greedy, best cell first, which is optimal often enough for names of a few words
    and costs nothing.
    """
    if not rows or not rows[0]:
        return 0.0, 0
    if len(rows) == 1:  # most calls: one query word to a name
        return max(rows[0]), 1
    if len(rows) == 2:  # the best cell, then the other word's best elsewhere
        sim, qi, wi = max(
            (sim, qi, wi) for qi, row in enumerate(rows) for wi, sim in enumerate(row)
        )
        rest = [s for w, s in enumerate(rows[1 - qi]) if w != wi]
        return (sim + max(rest), 2) if rest else (sim, 1)
    cells = sorted(
        ((sim, qi, wi) for qi, row in enumerate(rows) for wi, sim in enumerate(row)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_w: set[int] = set()
    total = 0.0
    for sim, qi, wi in cells:
        if qi in used_q or wi in used_w:
            continue
        used_q.add(qi)
        used_w.add(wi)
        total += sim
    return total, len(used_w)


@memo(1 << 16)
def _name_score(keys: tuple[str, ...], name_key: str, relative_key: str) -> float:
    """How well the query keys match a name and its relative's name, in [0, 1].

    Every query word is aligned to a word of the name or, failing a good match there, of
    the relative's name (worth a little less). Matching all the words of the name, in
    the name's order, adds a small bonus, so "Rakesh Sankhla" beats "Rakesh Kumar
    Sankhla" for that query, and an elector named so beats one whose father is. Names
    repeat a great deal in a roll, so scores are cached by (query, name, relative);
    each word pair's similarity is computed once per name, whatever the split.
    """
    own = name_key.split()
    n = len(keys)
    to_name = [[_similarity(q, w) for w in own] for q in keys]
    to_relative = [[_similarity(q, w) for w in relative_key.split()] for q in keys]
    in_order = [k for k in own if k in keys] == [k for k in keys if k in own]
    best = 0.0
    # Try each split of the query: the first `k` words to the name, the rest to the
    # relative (the roll's order); k = n and k = 0 put the whole query on either.
    for k in range(n + 1):
        own_sum, own_used = _greedy(to_name[:k])
        rel_sum, _ = _greedy(to_relative[k:])
        score = (own_sum + 0.85 * rel_sum) / n
        if own:
            score += 0.04 * own_used / len(own)
        if k == n and in_order:
            score += 0.01
        best = max(best, score)
    return best / 1.05


class _Row(NamedTuple):
    """What ranking needs of an elector, read without making model instances (a
    named tuple: hundreds are made per search, and a tuple is made in C)."""

    id: int
    name_key: str
    relative_key: str
    age: int | None
    gender: str
    epic_no: str
    ac_id: int
    part_id: int
    serial_no: int


_ROW_FIELDS = _Row._fields


def _rank(parsed: ParsedQuery, row: _Row, epic_or_house: bool) -> float:
    score = 0.0
    if parsed.keys:
        score = _name_score(tuple(parsed.keys), row.name_key, row.relative_key)
        if epic_or_house:
            score += 0.1
    elif epic_or_house:
        score = 1.0 if row.epic_no in parsed.epics or not parsed.epics else 0.95
    elif parsed.age is not None:
        score = 0.5
    return score + _tie_breaks(parsed, row)


def _tie_breaks(parsed: ParsedQuery, row: _Row) -> float:
    """Age and gender: each worth less than any real difference in the name."""
    score = 0.0
    if parsed.age is not None and row.age is not None:
        score += 0.02 * max(0.0, 1.0 - abs(row.age - parsed.age) / 10.0)
    if parsed.gender and row.gender == parsed.gender:
        score += 0.01
    return score


def _scope(user_or_scope: AnyUser | Scope) -> Scope:
    if isinstance(user_or_scope, Scope):
        return user_or_scope
    return scope_for(user_or_scope, Action.VIEW_VOTERS)


def _voters(scope: Scope, ac_id: int | None) -> QuerySet[Voter]:
    """On-roll electors in ``scope`` (within the AC when given), unordered: what
    :func:`accounts.access.visible` gives for VIEW_VOTERS, from the scope already
    worked out (``visible`` would read the user's posts again).

    Unordered matters: the model's ordering joins AC, state and part to sort every
    elector at a house before the LIMIT.
    """
    base = Voter.objects.filter(status=Voter.Status.ON_ROLL).order_by()
    if ac_id is not None:
        base = base.filter(ac_id=ac_id)
    if scope.is_empty:
        return base.none()
    return base.filter(voter_scope_q(scope))


@functools.cache
def _hits_select(vendor: str) -> JoinedSelect[Voter]:
    """The electors found, whole, with their AC and part, by id (one array or JSON
    parameter, so that PostgreSQL prepares the statement once per connection)."""
    among = (
        "t.id = ANY(%s::bigint[])"
        if vendor == "postgresql"
        else "t.id IN (SELECT value FROM json_each(%s))"
    )
    return JoinedSelect(Voter, ["ac", "part"], among)


def _hits(ranked: list[tuple[float, _Row]]) -> list[SearchHit]:
    """The ranked rows as hits: each elector whole, for display.

    Every row was read through the scope (``_VoterRows``) in this search, so the
    electors are read again by id alone: compiling the scoped query with its joins
    took Django and the planner more time than a whole search by EPIC number.
    """
    if not ranked:
        return []
    ids = [row.id for _, row in ranked]
    param = pg_array(ids) if connection.vendor == "postgresql" else json.dumps(ids)
    by_id = {v.pk: v for v in _hits_select(connection.vendor).fetch([param])}
    return [SearchHit(by_id[row.id], score) for score, row in ranked if row.id in by_id]


def _query_words(parsed: ParsedQuery) -> list[list[int]]:
    """The vocabulary words stage two looks for: one group per query word.

    Where a query word has close candidates (similarity ≥ :data:`CLOSE`: the same key
    or a one-letter slip), only those are used, so that a common surname does not drag
    in every surname one edit away (Sharma/Verma); a query word with no close
    candidate uses all its candidates. The ids of words spelt exactly as a query word
    go to ``parsed.exact``.
    """
    groups: list[list[int]] = []
    parsed.similar = []
    parsed.exact = set()
    answers = vocabulary_candidates_many(parsed.keys)
    for key in parsed.keys:
        group = answers[key]
        close = {i for i, (_, sim) in group.items() if sim >= CLOSE}
        chosen = close or set(group)
        parsed.exact.update(i for i, (word, _) in group.items() if word == key)
        if chosen:
            groups.append([i for i in group if i in chosen])  # best first
        parsed.similar.append(
            {word: sim for i, (word, sim) in group.items() if i in chosen}
        )
    return groups


def _coarse(
    parsed: ParsedQuery, row: _Row, seen: dict[tuple[str, str], float]
) -> float:
    """A cheap first ranking: each query word's best stage-one similarity among the
    name's words (or, worth less, the relative's), plus the tie-breakers. ``seen``
    caches the name part per (name, relative) for one query."""
    names = (row.name_key, row.relative_key)
    score = seen.get(names, -1.0)
    if score < 0:
        score = _coarse_names(parsed, *names)
        seen[names] = score
    return score + _tie_breaks(parsed, row)


def _coarse_names(parsed: ParsedQuery, name_key: str, relative_key: str) -> float:
    own = name_key.split()
    rel = relative_key.split()
    score = 0.0
    for similar in parsed.similar:
        best_own = max((similar.get(w, 0.0) for w in own), default=0.0)
        best_rel = max((similar.get(w, 0.0) for w in rel), default=0.0)
        score += max(best_own, 0.85 * best_rel)
    return score


class _WordRows:
    """The voter-word rows one search may read, as SQL compiled once.

    Stage two asks the same scoped rows a handful of questions; building each as a
    queryset cost more CPU than PostgreSQL spent answering it. The scoped rows are
    compiled once (``voter_id``, ``word_id``, ``ac_id`` of
    :class:`~boothwise.rolls.models.VoterWord`, within the AC and the scope) and every
    question wraps them as a subquery in ``FROM``, which both databases flatten into
    the outer query, so the word indexes serve it as before.
    """

    def __init__(self, rows: QuerySet[VoterWord]) -> None:
        sql, params = rows.values(
            "voter_id", "word_id", "ac_id"
        ).query.sql_with_params()
        self.sql = f"({sql})"
        self.params: list[Any] = list(params)
        self.any = connection.vendor == "postgresql"

    def _words(self, alias: str, words: Sequence[int]) -> tuple[str, list[Any]]:
        """``alias.word_id`` among ``words``."""
        if len(words) == 1:
            return f"{alias}.word_id = %s", [words[0]]
        return _among(f"{alias}.word_id", words)

    def select(self, words: Sequence[int]) -> tuple[str, list[Any]]:
        """Electors with a word of ``words`` (a voter id per matching word)."""
        where, params = self._words("b", words)
        return (
            f"SELECT b.voter_id FROM {self.sql} b WHERE {where}",
            [*self.params, *params],
        )

    def voter_ids(self, words: Sequence[int], limit: int) -> list[int]:
        sql, params = self.select(words)
        return _ids(f"{sql} LIMIT %s", [*params, limit])

    def narrowed(
        self,
        word_id: int,
        filters: list[tuple[int, list[int]]],
        limit: int,
        budget: int | None = None,
    ) -> list[int]:
        """Electors with ``word_id`` and a word of every group in ``filters``.

        A group of known small size is scanned once and hashed, which beats a probe
        per row; a common group is probed per row on the primary key. With a
        ``budget``, only that many of ``word_id``'s rows are looked at; the probes
        then read the scoped rows too, as the planner no longer sees the scope's ACs
        through the bounded subquery. A common group is then probed per row
        (``OFFSET 0`` keeps PostgreSQL from merging with every elector of a common
        word across the state, 20 ms a scanned spelling) when that costs at most
        :data:`PER_ROW_PROBES` index descents, one per spelling and row looked at;
        a bigger one is left to the planner, which hashes it (24 spellings × 20,000
        rows took 0.6 s against 50 ms for the hash; 10 spellings × 3,000 rows 40 ms
        against 190 ms).
        """
        if budget is None:
            sql, params = self.select([word_id])
            probed, probed_params = "rolls_voterword", []
        else:
            where, word_params = self._words("b", [word_id])
            sql = (
                f"SELECT b.voter_id FROM (SELECT b.voter_id, b.ac_id FROM {self.sql} b"
                f" WHERE {where} LIMIT %s) b WHERE TRUE"
            )
            params = [*self.params, *word_params, budget]
            probed, probed_params = self.sql, self.params
        # Rows a per-row probe would look at: counted only where it decides.
        looked_at = budget or 0
        acs: tuple[int, int] | None = None
        if (
            budget is not None
            and self.any
            and any(size > DRIVER_CAP and len(group) > 1 for size, group in filters)
        ):
            looked_at, acs = self.looked_at(word_id, budget)
        for size, group in filters:
            if size <= DRIVER_CAP:
                inner, inner_params = self.select(group)
                sql += f" AND b.voter_id IN ({inner})"
                params += inner_params
            else:
                where, word_params = self._words("u", group)
                per_row = (
                    budget is not None
                    and self.any
                    and (len(group) == 1 or looked_at * len(group) <= PER_ROW_PROBES)
                )
                if not per_row and acs is not None:
                    # The hash holds the group's electors of the ACs looked at only:
                    # across a state, "Rajesh" and its 11 spellings with a bounded
                    # "Singh" hashed 5.5 lakh rows (150 ms) instead of 1.4 lakh.
                    where += " AND u.ac_id BETWEEN %s AND %s"
                    word_params = [*word_params, *acs]
                sql += (
                    f" AND EXISTS (SELECT 1 FROM {probed} u WHERE {where}"
                    f" AND u.ac_id = b.ac_id AND u.voter_id = b.voter_id"
                    f"{' OFFSET 0' if per_row else ''})"
                )
                params += [*probed_params, *word_params]
        return _ids(f"{sql} LIMIT %s", [*params, limit])

    def looked_at(self, word_id: int, cap: int) -> tuple[int, tuple[int, int] | None]:
        """Electors with ``word_id`` in scope, counted up to ``cap``, and the first and
        last AC among those counted (None when there are none).

        The count is the same bounded read as :meth:`narrowed`'s, so its ACs are
        those the bounded electors live in.
        """
        where, params = self._words("b", [word_id])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*), MIN(c.ac_id), MAX(c.ac_id) FROM (SELECT b.ac_id"
                f" FROM {self.sql} b WHERE {where} LIMIT %s) c",
                [*self.params, *params, cap],
            )
            row = cursor.fetchone()
        if not row or not row[0]:
            return 0, None
        return int(row[0]), (int(row[1]), int(row[2]))

    def cache_key(self, what: str, group: list[int]) -> str:
        """A cache key for something known of ``group`` within these rows."""
        digest = hashlib.sha1(f"{self.sql}|{self.params}|{group}".encode())
        return f"{_CANDIDATES_PREFIX}{what}:{digest.hexdigest()}"

    def sizes(self, groups: list[list[int]]) -> list[int]:
        """Each group's electors in scope, counted up to DRIVER_CAP + 1, in one query.

        Counts are kept in the cache as long as stage one's answers: a booth team
        types the same surnames all day, and a count only steers the plan (a stale
        one finds the same electors, perhaps a little slower).
        """
        keys = [
            self.cache_key(f"{_candidates_version}:size", group) for group in groups
        ]
        known: dict[str, int] = cache.get_many(keys)
        missing: list[str] = []
        selects: list[str] = []
        params: list[Any] = []
        for n, (group, key) in enumerate(zip(groups, keys, strict=True)):
            if key not in known:
                sql, group_params = self.select(group)
                missing.append(key)
                selects.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT %s) AS g{n})")
                params += [*group_params, DRIVER_CAP + 1]
        if missing:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {', '.join(selects)}", params)
                row = cursor.fetchone() or [0] * len(missing)
            counted = {key: int(n) for key, n in zip(missing, row, strict=True)}
            cache.set_many(counted, CANDIDATES_TTL)
            known.update(counted)
        return [known[key] for key in keys]


def _among(column: str, ids: Collection[int]) -> tuple[str, list[Any]]:
    """SQL for ``column`` among ``ids``: one array literal on PostgreSQL (see
    :func:`~boothwise.core.lookups.pg_array`), a list of placeholders on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [pg_array(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _ids(sql: str, params: list[Any]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(voter_id) for (voter_id,) in cursor.fetchall()]


def _word_matches(
    parsed: ParsedQuery,
    groups: list[list[int]],
    scope: Scope,
    voter_rows: _VoterRows,
    ac_id: int | None,
    limit: int,
) -> list[_Row]:
    """Stage two's SQL: electors with the query's words, rarest word first.

    Each query word's group of candidate words is counted in the scope (capped at
    :data:`DRIVER_CAP`, so a common word costs no more than a rare one). The rarest
    group drives: its electors that also have a word of every other group, found by
    primary-key probes per driver row (`_fill`: the driver read word by word,
    best-spelt first, and the other words first as typed, their near spellings only
    when that finds too few); it stops as soon as ``limit`` electors are named with
    every query word as typed, who rank above any near spelling. When that leaves
    nobody, the commonest of the other groups is dropped and the query tried again.
    Only the electors left are read, through ``voter_rows``, which applies the scope
    once more.
    """
    if not groups:
        return []
    rows = VoterWord.objects.all()
    if ac_id is not None:
        rows = rows.filter(ac_id=ac_id)
    if not scope.everything:
        if scope.unit_paths or scope.part_ids or scope.pages:
            rows = rows.filter(voter_scope_q(scope, prefix="voter__"))
        else:
            rows = rows.filter(ac_id__in=sorted(scope.ac_ids))
    words = _WordRows(rows)
    counts = words.sizes(groups)  # in query-word order
    estimates = _common_estimates(words, groups, counts)
    counted = sorted((count, i) for i, count in enumerate(counts))
    if len(estimates) > 1:
        # Common words all count as "more than the cap": a word spelt as typed
        # drives before a guess at a misspelt one, whose many near spellings would
        # each be scanned ("Abhiajy Vyas": 20 spellings, 180 ms, against one bounded
        # read of "Vyas"); then the planner's estimate, so that the rarer drives
        # ("Dadhich", not "Reena").
        counted.sort(
            key=lambda item: (
                item[0],
                groups[item[1]][0] not in parsed.exact,
                estimates.get(item[1], 0.0),
            )
        )
    order = [groups[i] for _, i in counted]
    if len(order) == 1 and counted[0][0] > DRIVER_CAP:
        # One common word ("Sharma"): every one of them matches as well as any
        # other, so read a few hundred, the best-spelt words first.
        ids: list[int] = []
        for word_id in order[0]:
            ids.extend(words.voter_ids([word_id], 2 * RERANK - len(ids)))
            if len(ids) >= 2 * RERANK:
                break
        return voter_rows(list(dict.fromkeys(ids)))
    fetched: dict[int, _Row] = {}

    def rows_of(ids: list[int]) -> list[_Row]:
        """These electors' rows in scope, each read once however often asked."""
        fetched.update(
            (row.id, row) for row in voter_rows([i for i in ids if i not in fetched])
        )
        return [fetched[i] for i in ids if i in fetched]

    keys = set(parsed.keys)

    def settled(ids: list[int]) -> bool:
        """Are ``limit`` of these electors named with every query word as typed (in
        their name or their relative's)? A near spelling would rank below them or
        barely above, so stage two can stop."""
        named = (f"{row.name_key} {row.relative_key}".split() for row in rows_of(ids))
        return sum(keys.issubset(name) for name in named) >= limit

    ids = []
    # Narrow by the other groups, rarest first; if a group leaves nobody (a word
    # misspelt past recognition), try again without the least rare of the rest.
    sizes = [n for n, _ in counted]
    for others in range(len(order) - 1, -1, -1):
        used = list(zip(sizes[1 : 1 + others], order[1 : 1 + others], strict=True))
        common = [group for size, group in used if size > DRIVER_CAP]
        if sizes[0] <= DRIVER_CAP and len(common) == 1:
            # A rare driver and one common word ("Sarita Sharma"): scan the common
            # word's electors, keeping those in the hashed driver (and any other
            # small group), until the cap. Probing the common word per driver row,
            # or hashing all of it, costs several times more.
            scanned = common[0]
            filters = [(sizes[0], order[0])]
            filters += [(size, group) for size, group in used if size <= DRIVER_CAP]
        else:
            scanned = order[0]
            filters = used
        # Electors with the other words as typed (each group's best spelling) come
        # first: one word a side lets PostgreSQL merge the two words' electors in
        # index order instead of probing a whole group for every row. Only when they
        # are too few to rank are the near spellings added.
        found: dict[int, None] = {}
        typed = [(size, group[:1]) for size, group in filters]
        check = settled if scanned[0] in parsed.exact else None
        # Near spellings are a guess: across ACs, look at a bounded share of each
        # one's electors. Two common words that rarely meet ("Saim Khan": Seema,
        # Sheikh × Khan) otherwise probe every Khan of the state, seconds for a
        # typo; and a slip in the scanned word ("Balaani Tripathi") merged each of
        # 14 spellings with every Tripathi of the state, 20 ms each. Within an AC
        # the planner hashes the smaller side and needs no bound.
        budget = NEAR_BUDGET if ac_id is None else None
        # A scanned word spelt as typed is read alone first. Its near spellings, each
        # a bounded read across a state ("Ravc Panwar": 7 spellings of Panwar, 20 ms
        # each), are read last, and only when it and the other words' spellings find
        # fewer electors than the hits asked for.
        first = scanned[:1] if check else scanned
        done = _fill(found, words, first, typed, settled=check, near_budget=budget)
        if typed != filters:
            # The other words' near spellings, for a slip in one of them: with the
            # scanned word as typed, or with all its spellings when the slip may
            # be in any word. A slip in the scanned word alone was read above.
            if check:
                near = scanned[:1]
            elif all(group[0] in parsed.exact for _, group in typed):
                near = []
            else:
                near = scanned
            if near and not done and len(found) < RERANK:
                _fill(found, words, near, filters, budget)
        if first != scanned and not done and len(found) < limit:
            _fill(found, words, scanned[1:], typed, budget)
        ids = list(found)
        if ids:
            if others and not done and len(ids) < RERANK:
                # Few full matches: electors with the rarest word alone rank below
                # them and fill the list (a relative, a namesake, a misspelling).
                ids = list(dict.fromkeys([*ids, *words.voter_ids(order[0], RERANK)]))
            break
    return rows_of(ids[:CANDIDATE_CAP])


def _fill(
    found: dict[int, None],
    words: _WordRows,
    scanned: list[int],
    filters: list[tuple[int, list[int]]],
    budget: int | None = None,
    settled: Callable[[list[int]], bool] | None = None,
    near_budget: int | None = None,
) -> bool:
    """Add to ``found``, up to the candidate cap, electors with a word of ``scanned``
    and a word of every group in ``filters``, looking at most at ``budget`` rows of
    each scanned word when given (``near_budget``: of each but the first, the near
    spellings). Stops, returning True, when ``settled`` says the electors of the
    first word of ``scanned`` are enough.

    ``scanned`` is read word by word, best-spelt first: the query's own spelling
    finds its full matches soonest ("Seema Tanwar" read every "Anwar" before "Tanwar"
    in index order, 1.8 lakh probes across a state for 400 electors).
    """
    for n, word_id in enumerate(scanned):
        if len(found) >= CANDIDATE_CAP:
            break
        wanted = CANDIDATE_CAP - len(found)
        bound = near_budget if n and budget is None else budget
        ids = words.narrowed(word_id, filters, wanted, bound)
        found.update(dict.fromkeys(ids))
        if n == 0 and settled is not None and settled(ids):
            return True
    return False


def _common_estimates(
    words: _WordRows, groups: list[list[int]], sizes: list[int]
) -> dict[int, float]:
    """PostgreSQL's estimate of the electors of each group past the counting cap.

    Counting a common word exactly costs milliseconds per hundred thousand; the
    planner's statistics know the common words (they are its most common values).
    """
    if connection.vendor != "postgresql":
        return {}
    common = [i for i, size in enumerate(sizes) if size > DRIVER_CAP]
    if len(common) < 2:
        return {}
    estimates: dict[int, float] = {}
    with connection.cursor() as cursor:
        for i in common:
            # Statistics change slowly: an estimate is kept as long as stage one.
            cache_key = words.cache_key("estimate", groups[i])
            estimate: float | None = cache.get(cache_key)
            if estimate is None:
                sql, params = words.select(groups[i])
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                row = cursor.fetchone()
                plan = row[0] if row else None
                if isinstance(plan, str):
                    plan = json.loads(plan)
                estimate = float(plan[0]["Plan"]["Plan Rows"]) if plan else 0.0
                cache.set(cache_key, estimate, CANDIDATES_TTL)
            estimates[i] = estimate
    return estimates


def acs_with_electors() -> list[int]:
    """Ids of the ACs that have electors (a loose scan of an index), cached.

    A house number is looked up on the (AC, house) index, which needs the AC; a search
    across the state asks only the ACs that have a roll, not all 4,000 of India.
    """
    found: list[int] | None = cache.get(_ACS_KEY)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH RECURSIVE acs(ac) AS ("
                " SELECT MIN(ac_id) FROM rolls_voter"
                " UNION ALL"
                " SELECT (SELECT MIN(ac_id) FROM rolls_voter WHERE ac_id > acs.ac)"
                " FROM acs WHERE acs.ac IS NOT NULL"
                ") SELECT ac FROM acs WHERE ac IS NOT NULL"
            )
            found = [int(ac) for (ac,) in cursor.fetchall()]
        cache.set(_ACS_KEY, found, CANDIDATES_TTL)
    return found


class _VoterRows:
    """The ranking fields of scoped electors by id, as SQL compiled once per search.

    The scoped electors (``voters``: AC, scope, on the roll) are compiled by Django
    once; every read wraps them as a subquery in ``FROM``, flattened by both
    databases, with the ids given as a list, so that the planner looks electors up by
    primary key instead of scanning the AC to hash-join a subquery. Rows are read
    straight from the cursor: for hundreds of rows Django's row iterators cost more
    than the query, and these plain columns need no conversion.
    """

    def __init__(self, voters: QuerySet[Voter]) -> None:
        try:
            sql, params = (
                voters.order_by().values_list(*_ROW_FIELDS).query.sql_with_params()
            )
        except EmptyResultSet:  # a scope that sees nobody
            self.sql: str | None = None
            self.params: list[Any] = []
        else:
            self.sql = f"SELECT * FROM ({sql}) v WHERE "
            self.params = list(params)

    def __call__(self, ids: Collection[int]) -> list[_Row]:
        if not ids or self.sql is None:
            return []
        where, params = _among("v.id", ids)
        with connection.cursor() as cursor:
            cursor.execute(self.sql + where, [*self.params, *params])
            return [_Row._make(values) for values in cursor.fetchall()]


def _at_houses(
    voters: QuerySet[Voter], acs: list[int], houses: list[str], parsed: ParsedQuery
) -> set[int]:
    """Ids of electors at any of ``houses`` (as typed or in lower case) in ``acs``, at
    most :data:`HOUSE_CAP`. When more live there ("12" is in every part of a
    state), those named with the query's words, if there are any."""
    if not houses:
        return set()
    spellings = sorted({h for house in houses for h in (house, house.lower())})
    housed = voters.filter(ac_id__in=acs, house_no__in=spellings)
    found = set(housed.values_list("id", flat=True)[:HOUSE_CAP])
    if parsed.keys and len(found) >= HOUSE_CAP:
        named = _named(housed, parsed)
        found = set(named.values_list("id", flat=True)[:HOUSE_CAP]) or found
    return found


def _named(voters: QuerySet[Voter], parsed: ParsedQuery) -> QuerySet[Voter]:
    """Of ``voters``, those whose name or relative's name has, for every query word,
    one of its close spellings (``parsed.similar``, filled by :func:`_query_words`).

    Matched on the stored name keys, with no index: only for electors already found
    by another index (at a house), to pick the right ones among too many.
    """
    words = Concat(Value(" "), "name_key", Value(" "), "relative_key", Value(" "))
    named = voters.annotate(search_words=words)
    for similar in parsed.similar:
        if similar:
            any_spelling = Q()
            for word in similar:
                any_spelling |= Q(search_words__contains=f" {word} ")
            named = named.filter(any_spelling)
    return named


def voters_search(
    *,
    user_or_scope: AnyUser | Scope,
    query: str,
    ac_id: int | None = None,
    limit: int = 5,
) -> list[SearchHit]:
    """The electors best matching ``query`` that the user may see, best first.

    ``user_or_scope`` is a user (scoped by :func:`accounts.access.scope_for` for
    VIEW_VOTERS) or a ready :class:`Scope` (``Scope(everything=True)`` for the system).
    """
    parsed = parse_query(query)
    scope = _scope(user_or_scope)
    if parsed.is_empty or scope.is_empty or limit <= 0:
        return []
    if connection.vendor != "postgresql":
        return _search(parsed, scope, ac_id, limit)
    with transaction.atomic(), connection.cursor() as cursor:
        # Many small index probes: starting parallel workers or compiling the plan
        # (JIT, ~6 ms) costs more than it saves, and with many people typing at
        # once takes cores from the others.
        cursor.execute(
            "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off"
        )
        return _search(parsed, scope, ac_id, limit)


def _search(
    parsed: ParsedQuery,
    scope: Scope,
    ac_id: int | None,
    limit: int,
) -> list[SearchHit]:
    voters = _voters(scope, ac_id)
    voter_rows = _VoterRows(voters)
    # Stage one, once: the house lookup and the ranking read ``parsed.similar``.
    groups = _query_words(parsed) if parsed.keys else []
    exact: set[int] = set()
    if parsed.epics:
        epic_q = Q(epic_no__in=parsed.epics)
        for epic in parsed.epics:
            if connection.vendor == "postgresql":
                epic_q |= Q(epic_no__startswith=epic)
            else:
                # A range, so that SQLite uses the index (its LIKE is case-blind).
                epic_q |= Q(epic_no__gte=epic, epic_no__lt=epic + "\uffff")
        exact |= set(voters.filter(epic_q).values_list("id", flat=True)[:CANDIDATE_CAP])
    sure_house = False
    maybe: set[int] = set()  # at a house that might be an age
    if parsed.houses or parsed.maybe_houses:
        # The (AC, house) index needs the AC: list the ACs in scope (or all).
        acs = (
            [ac_id]
            if ac_id is not None
            else sorted(scope.ac_ids)
            if scope.ac_ids and not (scope.unit_paths or scope.part_ids or scope.pages)
            else acs_with_electors()
        )
        at_house = _at_houses(voters, acs, parsed.houses, parsed)
        exact |= at_house
        sure_house = bool(at_house)
        maybe = _at_houses(voters, acs, parsed.maybe_houses, parsed) - at_house
    extra: set[int] = exact | maybe
    if not parsed.keys and parsed.age is not None and not exact:
        extra |= set(
            voters.filter(age=parsed.age).values_list("id", flat=True)[:CANDIDATE_CAP]
        )
    found: dict[int, _Row] = {}
    if parsed.keys and not sure_house:
        # (With a sure house, "12 sharma", its electors are few, or narrowed to those
        # named so: they are ranked by the name words instead of fetching every
        # Sharma of the AC.)
        found = {
            row.id: row
            for row in _word_matches(parsed, groups, scope, voter_rows, ac_id, limit)
        }
    missing = sorted(extra - set(found))
    if missing:
        found.update((row.id, row) for row in voter_rows(missing))
    if not found:
        return []
    rows = list(found.values())
    if parsed.keys and len(rows) > RESCORE:
        seen: dict[tuple[str, str], float] = {}
        # With the bonus the final rank gives an elector at a house the query may
        # name ("118 gupta": house 118, or age 118), so that those named so are not
        # cut behind as many namesakes found by the name alone.
        rows.sort(
            key=lambda row: -_coarse(parsed, row, seen) - 0.03 * (row.id in maybe)
        )
        rows = rows[:RESCORE] + [row for row in rows[RESCORE:] if row.id in exact]
    ranked = sorted(
        (
            (_rank(parsed, row, row.id in exact) + 0.03 * (row.id in maybe), row)
            for row in rows
        ),
        key=lambda item: (-item[0], item[1].ac_id, item[1].part_id, item[1].serial_no),
    )[:limit]
    return _hits(ranked)
