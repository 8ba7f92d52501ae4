"""Fail if the Hindi catalogue is incomplete, stale or not compiled.

1. Every message is translated and none is fuzzy.
2. With gettext installed, `makemessages` finds no message missing from the catalogue.
3. The committed .mo file matches the .po file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/hi/LC_MESSAGES/django.po"


def missing_from_sources() -> set[str]:
    """Messages in the code that the catalogue lacks (needs xgettext).

    makemessages writes into any `locale/` folder under its working directory, so it
    runs on a copy of the sources, never touching the committed catalogue.
    """
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for folder in ("boothwise", "templates"):
            shutil.copytree(
                ROOT / folder,
                work / folder,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        copy = work / "locale/hi/LC_MESSAGES/django.po"
        copy.parent.mkdir(parents=True)
        shutil.copy(PO, copy)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "makemessages",
                "--locale=hi",
                "--no-location",
            ],
            cwd=work,
            check=True,
            capture_output=True,
            env={**os.environ, "BOOTHWISE_LOCALE_DIR": str(work / "locale")},
        )
        fresh = polib.pofile(str(copy))
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    return {
        e.msgid for e in fresh if not e.obsolete and (e.msgctxt, e.msgid) not in known
    }


def main() -> int:
    catalogue = polib.pofile(str(PO))
    problems = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    if shutil.which("xgettext"):
        problems += [
            f"missing from django.po: {m!r}" for m in sorted(missing_from_sources())
        ]
    else:
        print("note: xgettext not installed; skipped the check for new messages")
    mo = PO.with_suffix(".mo")
    if not mo.exists() or polib.mofile(str(mo)).to_binary() != catalogue.to_binary():
        problems.append("django.mo is not compiled from django.po: run `make messages`")
    for problem in problems:
        print(problem)
    print(
        f"{len(catalogue.translated_entries())} Hindi messages, {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
