"""An EPIC index where migration 0002's PostgreSQL pattern index does not exist.

0003 dropped the plain EPIC index because PostgreSQL's ``varchar_pattern_ops`` index
serves equality too; SQLite has no such index, so it gets a plain one (its range
queries serve EPIC prefixes, see ``search.voters_search``).
"""

from django.db import migrations


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("rolls", "0003_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(
            _run(
                "CREATE INDEX IF NOT EXISTS rolls_voter_epic ON rolls_voter (epic_no)"
            ),
            _run("DROP INDEX IF EXISTS rolls_voter_epic"),
        ),
    ]
