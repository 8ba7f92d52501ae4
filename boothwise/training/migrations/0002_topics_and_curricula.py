"""Seed the party's curriculum: the topics the workshops teach and, per level, the
topics a person must attend to count as trained. The party can change both later (the
admin); this only gives a new installation a sensible start."""

from django.db import migrations

TOPICS = [
    ("election_strategy", "Election strategy", "चुनावी रणनीति"),
    ("booth_management", "Booth-level micro-management", "बूथ स्तर पर माइक्रो मैनेजमेंट"),
    ("voting_day", "Voting-day management", "वोटिंग डे मैनेजमेंट"),
    ("public_contact", "Public contact programme", "आमजन संपर्क कार्यक्रम"),
    ("roll_verification", "Electoral roll verification", "मतदाता सूची सत्यापन"),
    ("booth_committee", "Forming the booth committee", "बूथ समिति का गठन"),
    ("page_incharge", "The page in-charge's work", "पन्ना प्रमुख का कार्य"),
    ("communication", "Communication and social media", "संवाद एवं सोशल मीडिया"),
]

REQUIRED = {
    "state": ["election_strategy", "booth_management", "voting_day"],
    "district": ["election_strategy", "booth_management", "voting_day"],
    "block": ["booth_management", "voting_day", "roll_verification"],
}


def seed(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    Curriculum = apps.get_model("training", "Curriculum")
    topics = {}
    for position, (code, name, name_hi) in enumerate(TOPICS, start=1):
        topics[code], _ = Topic.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_hi": name_hi, "position": position * 10},
        )
    for level, codes in REQUIRED.items():
        curriculum, created = Curriculum.objects.get_or_create(level=level)
        if created:
            curriculum.required_topics.set([topics[code] for code in codes])


def unseed(apps, schema_editor):
    Curriculum = apps.get_model("training", "Curriculum")
    Topic = apps.get_model("training", "Topic")
    Curriculum.objects.filter(level__in=REQUIRED).delete()
    Topic.objects.filter(
        code__in=[code for code, _, _ in TOPICS], sessions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_workshops_invitations_attendance")]

    operations = [migrations.RunPython(seed, unseed)]
