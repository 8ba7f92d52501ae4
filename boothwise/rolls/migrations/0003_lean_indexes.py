"""Fewer indexes on the big roll tables, and VoterWord keyed by (voter, word, relative).

A state's roll is crores of electors and about five VoterWord rows each, so every index
is paid for on every import: the FK indexes covered by (part, serial) and (ac, house)
go, the plain EPIC index goes (the pattern index of 0002 also serves equality), and
VoterWord is rebuilt with a composite primary key and one covering search index. The
words are rebuilt from the stored name keys.
"""

import django.db.models.deletion
from django.db import migrations, models


def rebuild_words(apps, schema_editor):
    Voter = apps.get_model("rolls", "Voter")
    NameWord = apps.get_model("rolls", "NameWord")
    VoterWord = apps.get_model("rolls", "VoterWord")
    ids = dict(NameWord.objects.values_list("key", "id"))
    batch = []
    for voter_id, ac_id, name_key, relative_key in Voter.objects.values_list(
        "id", "ac_id", "name_key", "relative_key"
    ).iterator(chunk_size=5000):
        for of_relative, key in ((False, name_key), (True, relative_key)):
            for word in dict.fromkeys(key.split()):
                if word not in ids:
                    ids[word] = NameWord.objects.get_or_create(key=word)[0].pk
                batch.append(
                    VoterWord(
                        voter_id=voter_id,
                        word_id=ids[word],
                        ac_id=ac_id,
                        of_relative=of_relative,
                    )
                )
        if len(batch) >= 5000:
            VoterWord.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    VoterWord.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("geography", "0002_load_delimitation_2008"),
        ("rolls", "0002_search_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="VoterWord"),
        migrations.RemoveIndex(model_name="voter", name="voter_ac_part_serial"),
        migrations.AlterField(
            model_name="household",
            name="ac",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geography.assemblyconstituency",
            ),
        ),
        migrations.AlterField(
            model_name="household",
            name="part",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="geography.part",
            ),
        ),
        migrations.AlterField(
            model_name="voter",
            name="ac",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geography.assemblyconstituency",
            ),
        ),
        migrations.AlterField(
            model_name="voter",
            name="epic_no",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="EPIC number"
            ),
        ),
        migrations.AlterField(
            model_name="voter",
            name="household",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="voters",
                to="rolls.household",
            ),
        ),
        migrations.AlterField(
            model_name="voter",
            name="last_import",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="rolls.rollimport",
            ),
        ),
        migrations.AlterField(
            model_name="voter",
            name="part",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="voters",
                to="geography.part",
            ),
        ),
        migrations.CreateModel(
            name="VoterWord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "voter_id",
                        "word_id",
                        "of_relative",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "voter",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="words",
                        to="rolls.voter",
                    ),
                ),
                (
                    "word",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="rolls.nameword",
                    ),
                ),
                (
                    "ac",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="geography.assemblyconstituency",
                    ),
                ),
                ("of_relative", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["word", "ac", "voter"], name="voterword_word_ac_voter"
                    )
                ],
            },
        ),
        migrations.RunPython(rebuild_words, migrations.RunPython.noop),
    ]
