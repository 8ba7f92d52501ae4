"""Indexes for name search (boothwise.rolls.search), per database.

PostgreSQL: the pg_trgm extension and a GIN trigram index over the vocabulary of word
keys, a pattern index for EPIC prefixes, and (AC, house number) for house lookups.

SQLite (and any other database): a trigram table over the vocabulary,
``rolls_nametrigram(trigram, word_id, n)`` with ``n`` the word's trigram count, filled by
``boothwise.rolls.search.vocabulary_index_refresh()``, plus the (AC, house number) index.

The table and indexes are plain SQL, not models: they belong to the search module alone.
"""

from django.db import migrations

POSTGRES_FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS rolls_nameword_key_trgm "
    "ON rolls_nameword USING gin (key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS rolls_voter_epic_pattern "
    "ON rolls_voter (epic_no varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS rolls_voter_ac_house ON rolls_voter (ac_id, house_no)",
)
POSTGRES_BACKWARD = (
    "DROP INDEX IF EXISTS rolls_voter_ac_house",
    "DROP INDEX IF EXISTS rolls_voter_epic_pattern",
    "DROP INDEX IF EXISTS rolls_nameword_key_trgm",
)
PORTABLE_FORWARD = (
    "CREATE TABLE IF NOT EXISTS rolls_nametrigram ("
    " trigram varchar(3) NOT NULL,"
    " word_id bigint NOT NULL REFERENCES rolls_nameword (id) ON DELETE CASCADE,"
    " n smallint NOT NULL,"
    " PRIMARY KEY (trigram, word_id))",
    "CREATE INDEX IF NOT EXISTS rolls_nametrigram_word ON rolls_nametrigram (word_id)",
    "CREATE INDEX IF NOT EXISTS rolls_voter_ac_house ON rolls_voter (ac_id, house_no)",
)
PORTABLE_BACKWARD = (
    "DROP INDEX IF EXISTS rolls_voter_ac_house",
    "DROP TABLE IF EXISTS rolls_nametrigram",
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        postgres, portable = statements_by_vendor
        vendor = schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            for sql in postgres if vendor == "postgresql" else portable:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("rolls", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run((POSTGRES_FORWARD, PORTABLE_FORWARD)),
            _run((POSTGRES_BACKWARD, PORTABLE_BACKWARD)),
        ),
    ]
