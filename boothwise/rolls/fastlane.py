"""The import's fast lane: plainly clean rows of first rolls, checked and staged by
column (polars) instead of row by row.

The importer's row-by-row path (``_Importer._validate`` then ``_stage_fresh``) spends
some 30 µs of Python on each elector, which made a first import of a whole AC wait on
Python rather than on PostgreSQL. Most rows of a roll are plainly clean: every field
already trimmed (no space at either end or two in a row), text in NFC, codes the
importer knows. For those rows of parts that had no roll before, this module does the
same checks and writes the same COPY lines with column operations; every other row
(anything unusual, a part with an earlier roll, a serial seen before) takes the
row-by-row path, which alone knows the reasons to reject. The outcome (electors,
households, name words, rejections and their reasons, warning counts) is the same
either way, which the tests check by importing dirty files both ways.

Order matters for one rule only: a serial number repeated in a part keeps its first
line. The fast rows of a batch are registered as present before the other rows are
checked; an odd row on an earlier line that claims the same serial takes it back
(``_Importer.bumped``), and the fast row is then rejected as the repeat it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# One polars thread unless the environment says otherwise: during an import the
# database's two writers want the cores, and on frames of one batch polars' own
# threads cost more CPU in handing work around than they save (a first import of
# 5 lakh electors took about a tenth less CPU in this process, and less time, on the
# 2-core machine). Read when polars starts, so set before it is imported.
os.environ.setdefault("POLARS_MAX_THREADS", "1")

import polars as pl  # noqa: E402

from boothwise.rolls.importer import (
    COLUMNS,
    EPIC_MAX,
    GENDERS,
    HOUSE_MAX,
    NAME_MAX,
    NO_EPIC,
    NO_HOUSE,
    RELATIONS,
    SECTION_MAX,
    Batch,
    _line_records,
)
from boothwise.rolls.models import AGE_MAX, AGE_MIN

if TYPE_CHECKING:
    from boothwise.rolls.importer import Record, _Importer, _Staged

# Rows with any of these take the row-by-row path: control characters (the two
# languages disagree on a few of them as white space, and COPY would need escapes),
# backslashes (COPY escapes), white space other than the space, and spaces that
# cleaning would remove (at either end of a field, or two in a row). The fast lane's
# rows thus need no cleaning of white space.
_UNPLAIN = r"[\x00-\x1f\x7f\\]|[^\S ]|(?:^|,) | (?:,|$)|  "
_DIGITS = r"^[0-9]+$"
# House numbers and EPIC numbers whose upper-casing cannot differ between Python and
# polars: ASCII and Devanagari only.
_PLAIN = r"^[\x20-\x7e\u0900-\u097f]*$"
# Text of these characters alone is in NFC already (nothing in it decomposes,
# reorders or composes): ASCII, Devanagari less the nukta, the letters with a nukta
# (NFC decomposes them) and the Vedic tone marks, and the two joiners.
_NFC_SAFE = (
    r"^[\x20-\x7e\u0900-\u093b\u093d-\u0950\u0955-\u0957\u0960-\u097f"
    r"\u200c\u200d]*$"
)
_TEXT = ("name", "relative_name", "name_en", "relative_name_en", "house_no")


# Lines of a plain CSV file are read in pieces of about this many bytes (a polars
# string holds at most 4 GB).
PIECE = 1 << 26
# Python's str.strip() strips these besides what a regular expression's \s matches.
_BLANK = r"^[\s,\x1c-\x1f]*$"


@dataclass
class PlainLines:
    """The data rows of a plain CSV file: one physical line each, with no quotes, so
    that splitting a line at its commas is what the csv module reads (the importer's
    `Records`, and batches of line texts for the fast lane).

    Reading the lines with polars leaves out the csv module's pass over every row,
    and a second pass to count them.
    """

    header: list[str]
    frame: pl.DataFrame  # line (the file's line number), text; blank lines left out

    @property
    def total(self) -> int:
        return self.frame.height

    def __call__(self) -> Iterator[Record]:
        return _line_records(self.frame)

    def batches(self, size: int) -> Iterator[Batch]:
        for offset in range(0, self.frame.height, size):
            yield Batch(lines=self.frame.slice(offset, size))


def plain_lines(data: bytes) -> PlainLines | None:
    """The file's lines, if splitting them at commas reads them as the csv module
    would: UTF-8 text (a byte-order mark is allowed) with no NUL bytes, no quotes,
    no lone carriage returns (an old Mac line end), a header on the first line, and
    no line longer than the csv module's field limit. Anything else is left to the
    csv module, which also words the errors.

    The bytes are split and checked by polars without a Python string of the whole
    file (decoding one took as long as all the rest of the reading).
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data or b'"' in data:
        return None
    crlf = b"\r" in data  # a search, much faster than the counts it may spare
    if crlf and data.count(b"\r") != data.count(b"\r\n"):
        return None
    pieces, start = [], 0
    while start < len(data):
        end = len(data)
        if end - start > PIECE:
            end = data.rfind(b"\n", start, start + PIECE)
            if end < 0:  # a line this long is for the csv module to judge
                return None
        pieces.append(data[start:end])  # without the newline that ends the piece
        start = end + 1
    try:
        text = pl.Series("text", pieces, dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:  # not UTF-8
        return None
    split = text.str.split("\n").explode()
    if crlf:
        split = split.str.strip_suffix("\r")
    lines = (
        split.to_frame()
        .with_row_index("line", offset=1)
        .with_columns(pl.col("line").cast(pl.Int64))
    )
    if lines.is_empty():
        return None
    # The csv module's limit is in characters; a line is never longer in characters
    # than in bytes, which are quicker to measure.
    limit = csv.field_size_limit()
    text = lines["text"]
    too_long = _longest(text.str.len_bytes()) > limit
    if too_long and _longest(text.str.len_chars()) > limit:
        return None
    first: str = lines["text"][0]
    if not first.strip():
        return None
    rows = lines.slice(1).filter(~pl.col("text").str.contains(_BLANK))
    return PlainLines(header=first.split(","), frame=rows)


def _longest(lengths: pl.Series) -> int:
    longest: int | None = lengths.max()  # type: ignore[assignment]
    return longest or 0


@dataclass
class FastRows:
    """The rows of one batch that the fast lane took: checked, cleaned and placed."""

    frame: pl.DataFrame
    batch: Batch  # the whole batch (the raw fields of a rejected row)


def take(
    imp: _Importer, header: list[str], batch: Batch
) -> tuple[FastRows | None, list[Record]]:
    """Split a batch into the fast lane's rows and the records of the rest (in file
    order).

    The fast rows are registered as present in their parts; nothing else of the
    importer's state changes until `settle`.
    """
    width = len(header)
    imp._set_header(header)
    assert imp.columns is not None
    if batch.lines is not None:
        df = _frame_of_lines(imp, batch.lines, width)
    else:
        df = _frame_of_records(imp, batch.records, width)
    df = df.filter(~pl.col("text").str.contains(_UNPLAIN))
    if df.height < 100 or not _may_be_fresh(imp, df):
        return None, batch.records
    acs = {number: ac.pk for number, ac in imp.acs.items()}
    parts = _mapped(df["part_no"], imp._part_number)
    genders = _mapped(df["gender"], lambda t: imp._lookup(GENDERS, t) if t else "")
    relations = _mapped(
        df["relation_type"], lambda t: imp._lookup(RELATIONS, t) if t else ""
    )
    digits = pl.col("age").str.contains(_DIGITS)
    age = pl.when(digits).then(pl.col("age").cast(pl.Int64, strict=False))
    df = df.with_columns(
        ac_id=pl.when(pl.col("ac_no").str.contains(_DIGITS)).then(
            pl.col("ac_no")
            .cast(pl.Int64, strict=False)
            .replace_strict(acs, default=None, return_dtype=pl.Int64)
        ),
        part=pl.col("part_no").replace_strict(
            parts, default=None, return_dtype=pl.String
        ),
        serial=pl.when(pl.col("serial_no").str.contains(_DIGITS)).then(
            pl.col("serial_no").cast(pl.Int64, strict=False)
        ),
        section=pl.when(pl.col("section_no").str.contains(_DIGITS)).then(
            pl.col("section_no").cast(pl.Int64, strict=False)
        ),
        epic=pl.col("epic_no")
        .str.replace_all(" ", "", literal=True)
        .str.to_uppercase(),
        age_in=pl.when(age.is_between(AGE_MIN, AGE_MAX)).then(age),
        age_dropped=digits & ~age.is_between(AGE_MIN, AGE_MAX),
        sex=pl.col("gender").replace_strict(
            genders, default=None, return_dtype=pl.String
        ),
        relation=pl.col("relation_type").replace_strict(
            relations, default=None, return_dtype=pl.String
        ),
    )
    df = df.with_columns(
        epic=pl.when(pl.col("epic").is_in(list(NO_EPIC)))
        .then(pl.lit(""))
        .otherwise(pl.col("epic"))
    )
    longest = pl.max_horizontal(
        [pl.col(c).str.len_chars() for c in _TEXT if c != "house_no"]
    )
    # Normalising is costly: only rows with a character outside _NFC_SAFE need it.
    maybe = df.filter(~pl.col("text").str.contains(_NFC_SAFE))
    unnormal = maybe.filter(
        ~pl.all_horizontal([pl.col(c) == pl.col(c).str.normalize("NFC") for c in _TEXT])
    )["line"]
    nfc = ~pl.col("line").is_in(unnormal.to_list())
    clean = (
        pl.col("ac_id").is_not_null()
        & pl.col("part").is_not_null()
        & pl.col("serial").is_between(1, 2_000_000_000)
        & ((pl.col("section_no") == "") | (pl.col("section") <= SECTION_MAX))
        & (pl.col("name") != "")
        & (longest <= NAME_MAX)
        & (pl.col("house_no").str.len_chars() <= HOUSE_MAX)
        & (pl.col("epic").str.len_chars() <= EPIC_MAX)
        & pl.col("house_no").str.contains(_PLAIN)
        & pl.col("epic").str.contains(_PLAIN)
        & ((pl.col("age") == "") | digits)
        & pl.col("sex").is_not_null()
        & pl.col("relation").is_not_null()
        & nfc
        & pl.struct("ac_id", "part", "serial").is_first_distinct()
    )
    df = df.filter(clean.fill_null(False))
    if df.is_empty():
        return None, batch.records
    # A serial met in an earlier batch (or by an earlier run of a resumed import)
    # leaves the row to the row-by-row path, which rejects it with the first line.
    present = imp.present
    met = [key for key in df.select("ac_id", "part").unique().rows() if key in present]
    if met:
        parts_met = pl.DataFrame(
            met, schema={"ac_id": pl.Int64, "part": pl.String}, orient="row"
        )
        seen = [
            line
            for a, p, serial, line in df.join(
                parts_met, on=["ac_id", "part"], how="semi"
            )
            .select("ac_id", "part", "serial", "line")
            .iter_rows()
            if serial in present[(a, p)]
        ]
        df = df.filter(~pl.col("line").is_in(seen))
    if df.is_empty():
        return None, batch.records
    # Parts: missing ones are created (as the row-by-row path would); parts that had
    # a roll need comparing, which is the row-by-row path's work.
    by_id = {ac.pk: ac for ac in imp.acs.values()}
    pairs = df.select("ac_id", "part").unique().rows()
    missing = {(by_id[a], p) for a, p in pairs if (a, p) not in imp.parts}
    if missing:
        imp._create_parts(missing)
    part_ids = {(a, p): imp.parts[(a, p)].pk for a, p in pairs}
    imp._learn_had_roll(set(part_ids.values()))
    fresh = {key: pk for key, pk in part_ids.items() if not imp.had_roll[pk]}
    if not fresh:
        return None, batch.records
    places = pl.DataFrame(
        {
            "ac_id": [a for a, _p in fresh],
            "part": [p for _a, p in fresh],
            "part_id": list(fresh.values()),
        },
        schema={"ac_id": pl.Int64, "part": pl.String, "part_id": pl.Int64},
    )
    df = df.join(places, on=["ac_id", "part"], how="inner", maintain_order="left")
    for a, p, serials, lines in (
        df.group_by("ac_id", "part", maintain_order=True)
        .agg("serial", "line")
        .iter_rows()
    ):
        imp.present.setdefault((a, p), {}).update(zip(serials, lines, strict=True))
    return FastRows(frame=df, batch=batch), batch.without(set(df["line"]))


def _frame_of_lines(imp: _Importer, lines: pl.DataFrame, width: int) -> pl.DataFrame:
    """The batch's lines of `width` fields, a column per field of COLUMNS."""
    assert imp.columns is not None
    fields = pl.col("text").str.split(",")
    return (
        lines.with_columns(fields.alias("fields"))
        .filter(pl.col("fields").list.len() == width)
        .select(
            "line",
            "text",
            *(
                (pl.col("fields").list.get(i) if i < width else pl.lit("")).alias(name)
                for name, i in zip(COLUMNS, imp.columns, strict=True)
            ),
        )
    )


def _frame_of_records(
    imp: _Importer, records: list[Record], width: int
) -> pl.DataFrame:
    """The batch's records of `width` fields, a column per field of COLUMNS."""
    assert imp.columns is not None
    even = [r for r in records if len(r[1]) == width]
    schema = {"line": pl.Int64, **dict.fromkeys(COLUMNS, pl.String)}
    if not even:
        return pl.DataFrame(schema={**schema, "text": pl.String})
    lines, rows = zip(*even, strict=True)
    by_index = list(zip(*rows, strict=True))  # the fields, column by column
    columns: dict[str, Any] = {"line": lines}
    for name, index in zip(COLUMNS, imp.columns, strict=True):
        columns[name] = by_index[index] if index < width else [""] * len(even)
    return pl.DataFrame(columns, schema=schema).with_columns(
        text=pl.concat_str(COLUMNS, separator=",")
    )


def _may_be_fresh(imp: _Importer, df: pl.DataFrame) -> bool:
    """False when every row names a part that had a roll before this import (a
    re-import or a revision: the row-by-row path compares those)."""
    part_ids = set()
    for ac_no, part_no in df.select("ac_no", "part_no").unique().iter_rows():
        ac = imp._ac(ac_no.strip())
        number = imp._part_number(part_no.strip())
        part = imp.parts.get((ac.pk, number)) if ac is not None and number else None
        if part is None:
            return True
        part_ids.add(part.pk)
    imp._learn_had_roll(part_ids)
    return not all(imp.had_roll[pk] for pk in part_ids)


def _mapped(column: pl.Series, convert: Callable[[str], str | None]) -> dict[str, Any]:
    """Each distinct value of a column → ``convert(value)`` (few distinct values)."""
    return {value: convert(value) for value in column.unique().to_list()}


def settle(imp: _Importer, fast: FastRows, rejected: list[Any]) -> FastRows | None:
    """After the other rows of the batch were checked: reject the fast rows whose
    serial an earlier line took back, and count the kept rows' warnings."""

    df = fast.frame
    if imp.bumped:
        lines = [line for line in df["line"].to_list() if line in imp.bumped]
        if lines:
            gone = df.filter(pl.col("line").is_in(lines))
            for line, a, p, serial in gone.select(
                "line", "ac_id", "part", "serial"
            ).iter_rows():
                first = imp.present[(a, p)][serial]
                imp._reject_duplicate(
                    rejected,
                    imp.header or [],
                    line,
                    fast.batch.fields(line),
                    serial,
                    p,
                    first,
                )
            df = df.filter(~pl.col("line").is_in(lines))
        imp.bumped.clear()
    if df.is_empty():
        return None
    stats = imp.stats
    stats.ages_dropped += int(df["age_dropped"].sum())
    epics = df.filter(pl.col("epic") != "")["epic"]
    stats.missing_epics += df.height - epics.len()
    distinct = set(epics.unique().to_list())
    stats.repeated_epics += epics.len() - len(distinct - imp.epics)
    imp.epics |= distinct
    imp.acs_seen.update(df["ac_id"].unique().to_list())
    fast.frame = df
    return fast


def stage(imp: _Importer, fast: FastRows, staged: _Staged) -> None:
    """COPY lines for the fast rows' electors, new households and name words."""
    df = fast.frame  # in file order: every step keeps the order of the lines
    hk = pl.col("house_no").str.replace_all(r"\s", "").str.to_uppercase()
    hk = hk.str.slice(0, HOUSE_MAX)
    df = df.with_columns(
        house_key=pl.when(hk.is_in(list(NO_HOUSE))).then(pl.lit("")).otherwise(hk)
    )
    # Households: reuse the part's known ones, reserve ids for new ones (first line's
    # spelling of the house number, as the row-by-row path).
    imp._load_fresh_households(set(df["part_id"].unique().to_list()))
    households = imp.fresh_households
    homes = df.filter(pl.col("house_key") != "").unique(
        subset=["part_id", "section", "house_key"], keep="first", maintain_order=True
    )
    keys = homes.select("part_id", "section", "house_key").rows()
    new = [i for i, key in enumerate(keys) if key not in households]
    if new:
        ids = imp._reserve("rolls_household", len(new))
        for i, pk in zip(new, ids, strict=True):
            households[keys[i]] = pk
        created = homes[new].with_columns(id=pl.Series(ids, dtype=pl.Int64))
        staged.fresh_households.append(
            _copy_lines(
                created.select(
                    "id", "ac_id", "part_id", "section", "house_no", "house_key"
                )
            )
        )
    home_ids = pl.DataFrame(
        {
            "part_id": [k[0] for k in keys],
            "section": [k[1] for k in keys],
            "house_key": [k[2] for k in keys],
            "household_id": [households[k] for k in keys],
        },
        schema={
            "part_id": pl.Int64,
            "section": pl.Int64,
            "house_key": pl.String,
            "household_id": pl.Int64,
        },
    )
    df = df.join(
        home_ids,
        on=["part_id", "section", "house_key"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    df = df.with_columns(
        id=pl.Series(imp._reserve("rolls_voter", df.height), dtype=pl.Int64),
        last_import_id=pl.lit(imp.ri.pk, dtype=pl.Int64),
        status=pl.lit("on_roll"),
    )
    # Name words: each distinct spelling pair once (cached across batches).
    pairs, pair_words = _words(imp, df)
    df = df.join(
        pairs.rename({"spelled": "name", "spelled_en": "name_en"}),
        on=["name", "name_en"],
        how="left",
        maintain_order="left",
    ).join(
        pairs.rename(
            {
                "spelled": "relative_name",
                "spelled_en": "relative_name_en",
                "pair": "relative_pair",
                "key": "relative_key",
            }
        ),
        on=["relative_name", "relative_name_en"],
        how="left",
        maintain_order="left",
    )
    staged.fresh_voters.append(
        _copy_lines(
            df.select(
                "id",
                "ac_id",
                "part_id",
                "serial",
                "household_id",
                pl.col("key").alias("name_key"),
                "relative_key",
                "last_import_id",
                "section",
                "epic",
                "name",
                "name_en",
                "relation",
                "relative_name",
                "relative_name_en",
                "house_no",
                "age_in",
                "sex",
                "status",
            )
        )
    )
    staged.fresh_count += df.height
    words = pl.concat(
        [
            df.select(
                pl.col("id").alias("voter_id"),
                pl.col(column).alias("pair"),
                "ac_id",
                pl.lit(flag).alias("of_relative"),
            )
            .join(pair_words, on="pair", maintain_order="left")
            .select("voter_id", "word_id", "ac_id", "of_relative")
            for column, flag in (("pair", "f"), ("relative_pair", "t"))
        ]
    )
    # In the order of the table's only B-tree (word first): neighbouring rows land on
    # the same index pages, which made loading them about a third faster.
    staged.fresh_words.append(_copy_lines(words.sort("word_id", maintain_order=True)))


def _words(imp: _Importer, df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The distinct spelling pairs of the batch's names and relatives' names: a frame
    (spelled, spelled_en, pair number, key text) and the word ids of each pair number,
    one row per word (frames of flat columns build far faster than lists).

    As the row-by-row path's ``_pair_words``: the key text is the keys of the
    Devanagari spelling's words, and the word ids those of both spellings' keys, in
    order, each once. Worked out on frames word by word: on a real roll nearly every
    full name is new, and a Python loop over the names cost more than the rest of the
    import's Python together; only the batch's distinct words meet Python.
    """
    pairs = (
        pl.concat(
            [
                df.select(spelled="name", spelled_en="name_en"),
                df.select(spelled="relative_name", spelled_en="relative_name_en"),
            ]
        )
        .unique()
        .with_columns(pair=pl.int_range(pl.len(), dtype=pl.Int64))
    )
    spelled = pl.concat(
        [
            pairs.select("pair", word=pl.col(column).str.split(" "))
            .explode("word")
            .with_columns(side=pl.lit(side, dtype=pl.Int8))
            for side, column in enumerate(("spelled", "spelled_en"))
        ]
    ).with_row_index("position")  # a pair's words stay in their order
    spelled = spelled.filter(pl.col("word") != "")
    keyed = spelled.join(
        _word_keys(imp, spelled.get_column("word")), on="word", how="inner"
    ).sort("position", "number")
    # The keys gathered as lists and joined after: joining strings inside the
    # aggregation cost four times as much.
    own = (
        keyed.filter(pl.col("side") == 0)
        .group_by("pair", maintain_order=True)
        .agg("key")
        .with_columns(pl.col("key").list.join(" ").str.slice(0, NAME_MAX))
    )
    return (
        pairs.join(own, on="pair", how="left")
        .with_columns(pl.col("key").fill_null(""))
        .select("spelled", "spelled_en", "pair", "key"),
        keyed.select("pair", "word_id").unique(maintain_order=True),
    )


_WORD_KEYS = {
    "word": pl.String,
    "number": pl.Int64,
    "key": pl.String,
    "word_id": pl.Int64,
}


def _word_keys(imp: _Importer, words: pl.Series) -> pl.DataFrame:
    """Every word the import has met, a row per key: (word, number, key, word id).

    Kept as a frame on the importer and extended with the words of each batch not
    met before: a roll's words repeat from batch to batch, and working out each
    batch's eight thousand distinct words in Python again cost a first import more
    than anything else of its own.
    """
    known: pl.DataFrame | None = imp.word_frame
    new = words.unique().to_frame("word")
    if known is not None:
        new = new.join(known, on="word", how="anti")
    # (A word with no key is never in the frame: its keys come again from the
    # importer's own cache, `_keys`.)
    keys_of = {word: imp._keys(word) for word in new.get_column("word").to_list()}
    imp._word_ids({key for keys in keys_of.values() for key in keys})
    found = [
        (word, n, key, imp.word_ids[key])
        for word, keys in keys_of.items()
        for n, key in enumerate(keys)
    ]
    if found or known is None:
        frame = pl.DataFrame(
            list(zip(*found, strict=True)) if found else [[], [], [], []],
            schema=_WORD_KEYS,
            orient="col",
        )
        known = frame if known is None else pl.concat([known, frame], rechunk=True)
        imp.word_frame = known
    return known


def _copy_lines(frame: pl.DataFrame) -> bytes:
    """A frame as COPY text lines in UTF-8 (the fast lane's values need no
    escaping)."""
    out = io.BytesIO()
    frame.write_csv(
        out,
        separator="\t",
        include_header=False,
        quote_style="never",
        null_value="\\N",
    )
    return out.getvalue()
