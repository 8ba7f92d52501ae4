"""Declare the (AC, house) and EPIC indexes on the model, and recreate them.

Migration 0002 made them with raw SQL, so Django did not know them: 0003's table
changes dropped the EPIC pattern index on PostgreSQL and, on SQLite (which rebuilds a
table to alter it), the (AC, house) index too. Declared in ``Voter.Meta.indexes`` they
survive any later change. On PostgreSQL the EPIC index uses ``varchar_pattern_ops`` so
it serves prefixes as well as equality; elsewhere it is a plain index (search uses a
range for prefixes there).
"""

from django.db import migrations, models


def create(apps, schema_editor):
    pattern = (
        " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    )
    for sql in (
        "DROP INDEX IF EXISTS rolls_voter_epic",
        "CREATE INDEX IF NOT EXISTS rolls_voter_ac_house "
        "ON rolls_voter (ac_id, house_no)",
        "CREATE INDEX IF NOT EXISTS rolls_voter_epic_pattern "
        f"ON rolls_voter (epic_no{pattern})",
    ):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS rolls_voter_epic_pattern")


class Migration(migrations.Migration):
    dependencies = [
        ("rolls", "0003_lean_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="voter",
                    index=models.Index(
                        fields=["ac", "house_no"], name="rolls_voter_ac_house"
                    ),
                ),
                migrations.AddIndex(
                    model_name="voter",
                    index=models.Index(
                        fields=["epic_no"],
                        name="rolls_voter_epic_pattern",
                        opclasses=["varchar_pattern_ops"],
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
