"""The docs that promise completeness stay complete."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from boothwise.accounts.permissions import ROLE_ACTIONS, Action
from boothwise.organisation.models import PostType

DOCS = Path(settings.BASE_DIR) / "docs"


class ConfigurationDocTests(SimpleTestCase):
    def test_every_environment_variable_read_in_settings_is_documented(self):
        source = (Path(settings.BASE_DIR) / "boothwise/settings.py").read_text()
        names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
        self.assertGreater(len(names), 5)
        documented = set(
            re.findall(
                r"^## `([A-Z_]+)`", (DOCS / "configuration.md").read_text(), re.M
            )
        )
        self.assertEqual(names - documented, set(), "undocumented variables")
        self.assertEqual(documented - names, set(), "documented but not read")


class PermissionsDocTests(SimpleTestCase):
    def test_permissions_doc_matrix_equals_the_code(self):
        text = (DOCS / "permissions.md").read_text()
        start = text.index("<!-- matrix -->")
        rows = [
            line
            for line in text[start:].splitlines()
            if line.startswith("| `") and line.count("|") > 3
        ]
        header = next(
            line for line in text[start:].splitlines() if line.startswith("| post")
        )
        actions = [c.strip().strip("`") for c in header.split("|")[2:-1]]
        self.assertEqual(sorted(actions), sorted(a.value for a in Action))
        documented = {}
        for row in rows:
            cells = [c.strip() for c in row.split("|")[1:-1]]
            post = cells[0].strip("`")
            documented[post] = {
                a for a, c in zip(actions, cells[1:], strict=True) if c == "✔"
            }
        self.assertEqual(set(documented), {p.value for p in PostType})
        for post_type, granted in ROLE_ACTIONS.items():
            with self.subTest(post=post_type.value):
                self.assertEqual(
                    documented[post_type.value], {a.value for a in granted}
                )
