"""Reading tabular uploads (CSV text, header rows) the same way for every importer.

Each importer passes its own exception class, so its callers keep catching the error
they know (StationFileError, RollFileError); the messages are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _


def decode_csv_text(data: bytes, error: type[Exception]) -> str:
    """The text of an uploaded CSV file, or `error` saying why it is not one."""
    if not data.strip():
        raise error(_("The file is empty."))
    if b"\x00" in data:
        raise error(_("This is not a CSV text file (it contains binary data)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as decode_error:
        line = data[: decode_error.start].count(b"\n") + 1
        raise error(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)d). "
                'Save it as "CSV UTF-8" and import it again.'
            )
            % {"byte": data[decode_error.start], "line": line}
        ) from decode_error


def check_header(
    header: list[str],
    *,
    required: Sequence[str],
    allowed: Sequence[str],
    error: type[Exception],
) -> list[str]:
    """The header lower-cased, without the empty columns spreadsheets add at the right.

    Raises `error` naming missing, unexpected and repeated columns.
    """
    header = [h.strip().lower() for h in header]
    while header and not header[-1]:
        header.pop()
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in allowed]
    repeated = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(
            _("unexpected columns: %(cols)s")
            % {"cols": ", ".join(h or "(blank)" for h in unknown)}
        )
    if repeated:
        problems.append(_("repeated columns: %(cols)s") % {"cols": ", ".join(repeated)})
    if problems:
        raise error(
            _(
                "The header row is wrong (%(problems)s). "
                "Expected the columns: %(expected)s."
            )
            % {"problems": "; ".join(problems), "expected": ", ".join(allowed)}
        )
    return header
