"""Roll services for views and commands: import a roll file and read its report.

Callers check access before calling, as for every service (accounts/access.py).
"""

from __future__ import annotations

from typing import Any

from boothwise.rolls.importer import ImportStats, RollFileError, roll_import
from boothwise.rolls.models import RollImport

__all__ = ["ImportStats", "RollFileError", "roll_import", "roll_import_report"]


def roll_import_report(
    ri: RollImport, stats: ImportStats | None = None, *, rejected_limit: int = 0
) -> dict[str, Any]:
    """The report of one import as plain data (JSON output, result pages).

    ``rejected_limit`` caps the rejected rows listed (0 lists them all).
    """
    rejected = ri.rejected_rows.order_by("line")
    if rejected_limit:
        rejected = rejected[:rejected_limit]
    report: dict[str, Any] = {
        "id": ri.pk,
        "file": ri.file_name,
        "status": ri.status,
        "message": ri.message,
        "warning_text": ri.warning_text(),
        "rows": ri.rows_total,
        "rows_done": ri.rows_done,
        "created": ri.created,
        "updated": ri.updated,
        "unchanged": ri.unchanged,
        "deleted": ri.deleted,
        "rejected": ri.rejected,
        "parts_created": ri.parts_created,
        "changes": {
            kind: ri.changes.filter(kind=kind).count()
            for kind in ("added", "changed", "deleted")
        },
        "rejected_rows": [
            {"line": r.line, "code": r.raw.get("code", ""), "reason": r.reason}
            for r in rejected
        ],
    }
    report["warnings"] = stats.as_dict() if stats is not None else ri.warnings
    return report
