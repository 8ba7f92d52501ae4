"""VoterWord keyed by (word, AC, elector, relation), with a BRIN index on the elector.

Loading a roll wrote every name word into two B-trees: the primary key led by the
elector and the search index led by the word. One B-tree led by the word now serves
search as the primary key, and an elector's words (wanted only for the few electors a
revision changes, or when electors are deleted) are found through a BRIN index on the
elector: an import appends an elector's words together, in elector order, so the BRIN
stays selective and costs almost nothing to maintain. A first import's name words load
about a third faster (bench/import_roll.py).

PostgreSQL only: SQLite cannot change a table's primary key in place, and its search
needs the word-led index it has, so on SQLite only Django's model state changes (its
table keeps the (elector, word, relation) key and the (word, AC, elector) index, which
serve the same queries).
"""

from django.db import migrations, models

FORWARD = (
    "ALTER TABLE rolls_voterword DROP CONSTRAINT rolls_voterword_pkey",
    "DROP INDEX voterword_word_ac_voter",
    "ALTER TABLE rolls_voterword ADD CONSTRAINT rolls_voterword_pkey "
    "PRIMARY KEY (word_id, ac_id, voter_id, of_relative)",
    "CREATE INDEX voterword_voter_brin ON rolls_voterword USING brin (voter_id)",
)
BACKWARD = (
    "DROP INDEX voterword_voter_brin",
    "ALTER TABLE rolls_voterword DROP CONSTRAINT rolls_voterword_pkey",
    "ALTER TABLE rolls_voterword ADD CONSTRAINT rolls_voterword_pkey "
    "PRIMARY KEY (voter_id, word_id, of_relative)",
    "CREATE INDEX voterword_word_ac_voter ON rolls_voterword (word_id, ac_id, voter_id)",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("rolls", "0007_voter_no_fk_constraints"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="voterword",
                    name="voterword_word_ac_voter",
                ),
                migrations.AlterField(
                    model_name="voterword",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "word_id",
                        "ac_id",
                        "voter_id",
                        "of_relative",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
            ],
        ),
    ]
