"""One Latin phonetic key for a person's name, whether written in Devanagari or Latin.

The roll prints ``राकेश सांखला``; a field worker types ``Rakesh Sankhla``, ``rakes sankla``
or ``Rakesh Sankla``. Search works on keys, not on spellings: every name is reduced, at
import and at query time, to a short lowercase ASCII key that is the same for the usual
ways of writing it. ``name_key`` does this word by word and joins the word keys with one
space, so the keys of a vocabulary of distinct words can be indexed by trigrams.

The reduction has two stages.

1. **Devanagari to Latin** (:func:`transliterate`): Unicode normalisation, removal of
   ZWJ/ZWNJ and nukta, then letter-by-letter transliteration in the spelling Hindi
   speakers use in English (``श`` → ``sh``, ``ई`` → ``ii``), with inherent-schwa deletion
   (``राकेश`` → ``raakesh``, ``कमला`` → ``kamlaa``) and the anusvara rendered by the
   consonant that follows it (``सिंह`` → ``singh``, ``शंभू`` → ``shambhuu``).
2. **Latin to key** (:func:`latin_word_key`): the same rules for both scripts. They fold
   away what Latin spellings of Indian names do not agree on: aspiration, vowel length,
   sibilants, the vowel spellings ``ee``/``i``, ``oo``/``u``, ``au``/``ou``/``o``,
   ``ai``/``e``, doubled letters, ``w``/``v``, ``z``/``j``, ``q``/``k``, ``x``/``ks``,
   nasals before stops, a medial or final short ``a`` that one writer keeps and another
   drops (``Kamala``/``Kamla``, ``Krishna``/``Krishan``, ``Rama``/``Ram``), and a few
   abbreviations (``Md``/``Mohd``/``Mohammed``).

What is deliberately **not** folded, because it separates common names: ``n``/``s``
(``सुनील``/``सुशील``), ``r``/``d`` (so ``ड़`` follows the brief and becomes ``d``: ``खड़गे``
keys as ``kadge`` while the English ``Kharge`` keys as ``karge``; ranking, not the key,
brings these together), ``b``/``v``, and the vowels ``a``/``i``/``u``/``e``/``o`` among
themselves (``गीता``/``गीतिका``). A consequence that is accepted and documented: a final
``a`` is dropped, so ``राम`` and ``रमा`` (and ``Ram``/``Rama``) share the key ``ram``;
relative's name, age and gender break such ties in the second search stage.

Everything here is pure standard library and deterministic; keys are cached per word
because names repeat a great deal in a roll.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

from boothwise.core.memo import memo

__all__ = [
    "consonant_skeleton",
    "key_similarity",
    "latin_word_key",
    "name_key",
    "transliterate",
    "transliterate_word",
    "trigrams",
    "word_keys",
]

# --------------------------------------------------------------------------------------
# Devanagari tables
# --------------------------------------------------------------------------------------

#: Consonants in the spelling Indians use in English. Retroflex and dental series map to
#: the same Latin letters (ट/त → t) because English spellings never distinguish them.
_CONSONANTS: dict[str, str] = {
    "क": "k",
    "ख": "kh",
    "ग": "g",
    "घ": "gh",
    "ङ": "n",
    "च": "ch",
    "छ": "chh",
    "ज": "j",
    "झ": "jh",
    "ञ": "n",
    "ट": "t",
    "ठ": "th",
    "ड": "d",
    "ढ": "dh",
    "ण": "n",
    "त": "t",
    "थ": "th",
    "द": "d",
    "ध": "dh",
    "न": "n",
    "ऩ": "n",
    "प": "p",
    "फ": "ph",
    "ब": "b",
    "भ": "bh",
    "म": "m",
    "य": "y",
    "र": "r",
    "ऱ": "r",
    "ल": "l",
    "ळ": "l",
    "ऴ": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
}

#: Dependent vowel signs (matras). Long vowels are doubled (``ii``, ``uu``, ``aa``) so the
#: readable transliteration keeps them; the key folds length away later.
_MATRAS: dict[str, str] = {
    "\u093e": "aa",  # ा
    "\u093f": "i",  # ि
    "\u0940": "ii",  # ी
    "\u0941": "u",  # ु
    "\u0942": "uu",  # ू
    "\u0943": "ri",  # ृ
    "\u0944": "rii",  # ॄ
    "\u0962": "li",  # ॢ
    "\u0963": "lii",  # ॣ
    "\u0945": "e",  # ॅ (candra e)
    "\u0946": "e",  # ॆ (short e)
    "\u0947": "e",  # े
    "\u0948": "ai",  # ै
    "\u0949": "o",  # ॉ (candra o, as in English loans: डॉक्टर)
    "\u094a": "o",  # ॊ (short o)
    "\u094b": "o",  # ो
    "\u094c": "au",  # ौ
    "\u094f": "au",  # ॏ
}

#: Independent vowel letters.
_VOWELS: dict[str, str] = {
    "अ": "a",
    "आ": "aa",
    "इ": "i",
    "ई": "ii",
    "उ": "u",
    "ऊ": "uu",
    "ऋ": "ri",
    "ॠ": "rii",
    "ऌ": "li",
    "ॡ": "lii",
    "ऍ": "e",
    "ऎ": "e",
    "ए": "e",
    "ऐ": "ai",
    "ऑ": "o",
    "ऒ": "o",
    "ओ": "o",
    "औ": "au",
    "ॲ": "e",
}

_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_ANUSVARA = "\u0902"
_CHANDRABINDU = "\u0901"
_VISARGA = "\u0903"
_AVAGRAHA = "\u093d"
_OM = "\u0950"
#: Zero-width (non-)joiners change only the glyph (half forms, explicit virama), never the
#: name, so they are removed before anything else. The soft hyphen and BOM likewise.
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u00ad\ufeff\u200b"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc`"), None)

_GLIDES = frozenset({"y", "r", "v", "l"})
_VELARS = frozenset({"k", "kh", "g", "gh"})
_LABIALS = frozenset({"p", "ph", "b", "bh", "m"})


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f" or "\ua8e0" <= ch <= "\ua8ff"


class _Unit:
    """One written syllable: an optional consonant and its vowel.

    ``vowel`` is ``"a"`` for the inherent schwa, ``""`` after a virama (a half consonant
    in a cluster) and the matra's value otherwise. ``nasal`` records an anusvara or
    chandrabindu written on the syllable.
    """

    __slots__ = ("cons", "inherent", "letter", "nasal", "vowel")

    def __init__(self, cons: str, vowel: str, *, letter: str = "") -> None:
        self.cons = cons
        self.vowel = vowel
        self.inherent = bool(cons) and vowel == "a"
        self.nasal = False
        self.letter = letter


def _parse(word: str) -> list[_Unit]:
    units: list[_Unit] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in _CONSONANTS:
            unit = _Unit(_CONSONANTS[ch], "a", letter=ch)
            i += 1
            if i < n and word[i] == _VIRAMA:
                unit.vowel, unit.inherent = "", False
                i += 1
            elif i < n and word[i] in _MATRAS:
                unit.vowel, unit.inherent = _MATRAS[word[i]], False
                i += 1
            units.append(unit)
        elif ch in _VOWELS:
            value = _VOWELS[ch]
            i += 1
            # "अ" + matra (अा, अो) is a common mis-typing of आ / ओ: read it as meant.
            if ch == "अ" and i < n and word[i] in _MATRAS:
                value = _MATRAS[word[i]]
                i += 1
            units.append(_Unit("", value, letter=ch))
        elif ch in (_ANUSVARA, _CHANDRABINDU):
            if units:
                units[-1].nasal = True
            i += 1
        elif ch == _OM:
            units.append(_Unit("", "o", letter=ch))
            units[-1].nasal = True
            i += 1
        else:
            # Visarga, avagraha, a stray matra or virama, digits: nothing to pronounce.
            i += 1
    # ज्ञ is pronounced "gy" in Hindi (ज्ञान → gyaan, प्रज्ञा → pragyaa).
    for left, right in zip(units, units[1:], strict=False):
        if left.letter == "ज" and left.vowel == "" and right.letter == "ञ":
            left.cons, right.cons = "g", "y"
    return units


def _delete_schwas(units: list[_Unit]) -> None:
    """Drop the inherent ``a`` where Hindi does not pronounce it.

    * Word-final: ``राकेश`` → ``raakesh`` (not ``raakesha``), unless the word is a single
      consonant or the consonant ends a cluster (``चन्द्र`` → ``chandra``, ``कृष्ण`` →
      ``krishna``), where Hindi speakers and English spellings keep the vowel.
    * Medial, in the context V C _ C V (Ohala's rule), scanning right to left so that two
      neighbouring schwas are never both dropped: ``कमला`` → ``kamlaa``, ``राजकुमार`` →
      ``raajkumaar``, ``गहलोत`` → ``gahlot``, ``सांखला`` → ``saankhlaa``; also before a
      consonant + ``y``/``r``/``v``/``l`` onset, the seam of compound names
      (``घनश्याम`` → ``ghanshyaam``, ``रामप्रसाद`` → ``raamprasaad``). A syllable with an
      anusvara keeps its vowel, and the first syllable is never touched.
    """
    if not units:
        return
    last = len(units) - 1
    tail = units[last]
    if (
        tail.inherent
        and last > 0
        and not tail.nasal
        and not (units[last - 1].cons and units[last - 1].vowel == "")
    ):
        tail.vowel = ""
    for i in range(last - 1, 0, -1):
        unit = units[i]
        if not unit.inherent or unit.nasal or unit.vowel != "a":
            continue
        nxt, prev = units[i + 1], units[i - 1]
        if not prev.vowel or not nxt.cons:
            continue
        if nxt.vowel:
            unit.vowel = ""
        elif i + 2 < len(units) and units[i + 2].cons in _GLIDES and units[i + 2].vowel:
            # Before a consonant + glide onset, at the seam of a compound name:
            # घनश्याम → ghanshyaam, रामप्रसाद → raamprasaad.
            unit.vowel = ""


def _render(units: list[_Unit]) -> str:
    """Write the units out; an anusvara takes the place of the following consonant.

    Before a velar or ``ह`` it is ``ng`` (``गंगा`` → ``gangaa``, ``सिंह`` → ``singh``), before
    a labial ``m`` (``शंभू`` → ``shambhuu``), elsewhere and at the end ``n``.
    """
    out: list[str] = []
    for i, unit in enumerate(units):
        out.append(unit.cons)
        out.append(unit.vowel)
        if unit.nasal:
            nxt = units[i + 1].cons if i + 1 < len(units) else ""
            if nxt in _VELARS or nxt == "h":
                out.append("ng")
            elif nxt in _LABIALS:
                out.append("m")
            else:
                out.append("n")
    return "".join(out)


def _normalise(text: str) -> str:
    """NFC, without invisible joiners, nukta and apostrophes.

    NFC (not NFKC alone) matters: the precomposed nukta letters U+0958–U+095F are
    composition exclusions, so NFC splits ``क़`` into ``क`` + nukta and the nukta can then be
    dropped (``क़``→``क``, ``ज़``→``ज``, ``ड़``→``ड``, ``फ़``→``फ``). NFKC is applied first to
    fold compatibility forms (full-width Latin, ligatures).
    """
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE).translate(_APOSTROPHES)
    return text.replace(_NUKTA, "")


@lru_cache(maxsize=65536)
def transliterate_word(word: str) -> str:
    """Readable Latin for one Devanagari word (already normalised)."""
    units = _parse(word)
    _delete_schwas(units)
    return _render(units)


_WORD_RE = re.compile(r"[\u0900-\u097f\ua8e0-\ua8ff]+|[a-z]+")


def _tokens(text: str) -> list[str]:
    """Split into words: runs of Devanagari or of Latin letters; all else separates."""
    text = _normalise(text)
    # Latin: lowercase and strip diacritics (IAST ā, ṣ, ṇ; accented letters).
    folded = []
    for ch in text:
        if _is_devanagari(ch):
            folded.append(ch)
            continue
        decomposed = unicodedata.normalize("NFKD", ch.lower())
        folded.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return _WORD_RE.findall("".join(folded))


def transliterate(text: str) -> str:
    """Readable Latin of a name, word by word (Latin words pass through lowercased)."""
    return " ".join(
        transliterate_word(tok) if _is_devanagari(tok[0]) else tok
        for tok in _tokens(text)
    )


# --------------------------------------------------------------------------------------
# Latin to key
# --------------------------------------------------------------------------------------

#: Whole-word spellings that letter rules cannot reach: abbreviations and the many
#: spellings of Muhammad. They are mapped to one spelling before the rules run.
_WORD_TABLE: dict[str, str] = {
    "md": "mohammad",
    "mohd": "mohammad",
    "mohmad": "mohammad",
    "mohamad": "mohammad",
    "mohamed": "mohammad",
    "mohammed": "mohammad",
    "mohammad": "mohammad",
    "muhamad": "mohammad",
    "muhammad": "mohammad",
    "muhammed": "mohammad",
    "mahammad": "mohammad",
    "mohammod": "mohammad",
}

#: Letter rewrites, applied in this order. Each pair is (pattern, replacement).
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # x is "ks" (Laxmi = Lakshmi after sh→s); q is a k (क़ loses its nukta too).
        (r"x", "ks"),
        (r"ck", "k"),
        (r"q", "k"),
        # z and j: ज़ loses its nukta, and Aziz/Ajij, Zakir/Jakir are the same names.
        (r"z", "j"),
        # "ow" before a consonant or at the end is the vowel of चौधरी (Chowdhary).
        (r"ow(?![aeiou])", "o"),
        (r"w", "v"),
        # ph and f are one sound in Hindi names (फूल: Phool/Fool; फ़ loses its nukta).
        (r"ph", "f"),
        # च/छ: ch, chh and IAST c.
        (r"chh|ch|cch", "c"),
        # श/ष/स all become s: Shyam/Syam, Lakshmi/Laksmi.
        (r"sh", "s"),
        # Aspirates lose their h: kh→k, gh→g, jh→j, th→t, dh→d, bh→b (and ṭh/ḍh alike).
        (r"([kgcjtdbp])h", r"\1"),
        # Vowel length and its spellings: ee/ii → i, oo/uu → u, aa → a.
        (r"ee|ii|ie(?=[^aeiou]|$)", "i"),
        (r"oo|uu", "u"),
        (r"aa", "a"),
        # Diphthongs as written: au/ou/o (Gaurav/Gourav), ai/ei/e (Jaiswal/Jeswal).
        (r"au|ou", "o"),
        (r"y$", "i"),
        (r"ey$", "e"),
        (r"ai|ei", "e"),
        # "iya"/"ia" (Priya/Pria, Soniya/Sonia): the y glide after i is not written by all.
        (r"iy(?=[aeiou])", "i"),
        # e before h + consonant is how many write the a of गहलोत, मेहता, रहमान.
        (r"eh(?=[^aeiouh])", "ah"),
        # Nasal before a labial written m (Shambhu/Shanbhu, Sampat/Sanpat) → n;
        # "ng" before another consonant is just n (सांखला → saangkhlaa vs Sankhla).
        (r"m(?=[pbf])", "n"),
        (r"ng(?=[^aeiouy])", "n"),
    )
)

_DOUBLE = re.compile(r"(.)\1+")
_VOWEL_SET = frozenset("aeiou")
#: Clusters into which Hindi speakers insert an a at the end of a word, so that both
#: spellings occur: Krishna/Krishan (after sh→s: "sn"), Dharm/Dharam, Ratn/Ratan,
#: Padm/Padam, Brahm/Braham, Karm/Karam.
_EPENTHESIS = frozenset({"sn", "rm", "tn", "dm", "hm"})


def _drop_medial_a(word: str) -> str:
    """Delete a short ``a`` in V C+ _ C V (or _ C glide V), right to left, never twice
    in a row.

    This is the schwa rule again, on the Latin side, so that a writer who keeps the vowel
    (Kamala, Jagadish, Anamika) and one who drops it (Kamla, Jagdish) meet. Because it runs
    on both scripts' keys, it can only merge spellings, never split one.
    """
    chars = list(word)
    i = len(chars) - 3
    while i >= 1:
        onset = (
            chars[i + 1] not in _VOWEL_SET
            and chars[i + 2] in _VOWEL_SET
            or i + 3 < len(chars)
            and chars[i + 1] not in _VOWEL_SET
            and chars[i + 2] in _GLIDES
            and chars[i + 3] in _VOWEL_SET
        )
        if chars[i] == "a" and onset and chars[i - 1] not in _VOWEL_SET:
            j = i - 1
            while j >= 0 and chars[j] not in _VOWEL_SET:
                j -= 1
            if j >= 0:
                del chars[i]
                i -= 2
                continue
        i -= 1
    return "".join(chars)


@lru_cache(maxsize=262144)
def latin_word_key(word: str) -> str:
    """The key of one lowercase ASCII word (Latin input, or a transliterated word).

    Steps, in order:

    1. whole-word table (Md, Mohd, Mohammed … → mohammad);
    2. letter rewrites (see ``_REWRITES``: x, q, z, w, ph, ch, sh, aspirates, vowel
       length, diphthongs, final y, ``iya``, ``eh``, nasals);
    3. doubled letters collapse (Pooja's oo has gone already; Abbas → abas, Mohammad →
       mohamad, Shukla stays);
    4. medial ``a`` deletion (Kamala → kamla);
    5. final epenthetic ``a`` (Krishan → krisn, like Krishna);
    6. a final ``h`` after a vowel is silent (Shah, Abdullah), then a final ``a`` after a
       consonant goes (Rama/Ram, Kumar/Kumaar are unaffected, Sunita → sunit) as long as a
       vowel remains.
    """
    word = _WORD_TABLE.get(word, word)
    for pattern, replacement in _REWRITES:
        word = pattern.sub(replacement, word)
    word = _DOUBLE.sub(r"\1", word)
    word = _drop_medial_a(word)
    if (
        len(word) >= 4
        and word[-2] == "a"
        and word[-3] not in _VOWEL_SET
        and word[-1] not in _VOWEL_SET
        and word[-3] + word[-1] in _EPENTHESIS
        and any(c in _VOWEL_SET for c in word[:-3])
    ):
        word = word[:-2] + word[-1]
    if len(word) >= 3 and word[-1] == "h" and word[-2] in _VOWEL_SET:
        word = word[:-1]
    if (
        len(word) >= 3
        and word[-1] == "a"
        and word[-2] not in _VOWEL_SET
        and any(c in _VOWEL_SET for c in word[:-1])
    ):
        word = word[:-1]
    return word


def _token_key(token: str) -> str:
    if _is_devanagari(token[0]):
        return latin_word_key(transliterate_word(token))
    return latin_word_key(token)


def word_keys(text: str) -> list[str]:
    """The key of every word of ``text``, in order, empty keys left out."""
    keys = (_token_key(tok) for tok in _tokens(text))
    return [key for key in keys if key]


def name_key(text: str) -> str:
    """The phonetic key of a whole name: its word keys joined by single spaces.

    ``name_key("राकेश सांखला") == name_key("Rakesh Sankhla") == "rakes sankl"``.
    Empty or punctuation-only input gives ``""``.
    """
    return " ".join(word_keys(text))


# --------------------------------------------------------------------------------------
# Matching helpers
# --------------------------------------------------------------------------------------


def trigrams(key: str) -> set[str]:
    """Padded word trigrams of a key, as PostgreSQL's pg_trgm makes them.

    Each word is padded with two spaces in front and one behind (``"ram"`` → ``"  r"``,
    ``" ra"``, ``"ram"``, ``"am "``), so the SQLite path and pg_trgm agree on what a
    trigram is and short words still have some.
    """
    grams: set[str] = set()
    for word in key.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def consonant_skeleton(key: str) -> str:
    """The key with every vowel after the first letter removed, word by word.

    Typos and unusual spellings hit vowels most (``Aaferen`` for ``Afreen``); the
    consonant frame of a name survives them, so ranking also compares skeletons and an
    index of skeletons can find a name whose key a typo moved two edits away.
    """
    return " ".join(
        word[0] + "".join(c for c in word[1:] if c not in _VOWEL_SET)
        for word in key.split()
    )


def _edit_similarity(a: str, b: str) -> float:
    """One minus the optimal string alignment distance (edits with adjacent
    transpositions) over the longer length; 1.0 for two empty strings."""
    return OSA.normalized_similarity(a, b)


def key_similarity(a: str, b: str) -> float:
    """Similarity of two keys in [0, 1], for ranking candidates.

    A blend of three views, weights tuned on the tuning part of the bench set:

    * 0.5 × one minus the edit distance (with adjacent transpositions, the commonest
      typo) over the longer length;
    * 0.2 × the share of common padded trigrams (Jaccard), so that a shared beginning
      and end count for more than a shared middle;
    * 0.3 × the edit similarity of the consonant skeletons (:func:`consonant_skeleton`),
      which forgives vowel typos.

    Equal keys score 1.0; an empty key scores 0.0 against any other.
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    ta, sa = _views(a)
    tb, sb = _views(b)
    jaccard = len(ta & tb) / len(ta | tb)
    skeleton = _edit_similarity(sa, sb)
    score = 0.5 * _edit_similarity(a, b) + 0.2 * jaccard + 0.3 * skeleton
    return max(0.0, min(1.0, score))


@memo(1 << 16)
def _views(key: str) -> tuple[frozenset[str], str]:
    """A key's trigrams and consonant skeleton, remembered: ranking compares the same
    few query words with hundreds of names, and a name's words with many queries."""
    return frozenset(trigrams(key)), consonant_skeleton(key)
