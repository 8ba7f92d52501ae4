"""The `boothwise` console command: Django's manage.py with friendlier command names.

`boothwise seed-demo` and `boothwise seed_demo` are the same command; hyphens read
better on a terminal, underscores are what Python module names allow.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
