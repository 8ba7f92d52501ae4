#!/usr/bin/env python
"""Django's command-line utility; `boothwise` (installed with the package) is the same."""

from __future__ import annotations

from boothwise.__main__ import main

if __name__ == "__main__":
    main()
