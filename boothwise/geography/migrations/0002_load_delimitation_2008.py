"""Load every state, PC and AC of India from the ECI Delimitation Order 2008.

Source: datameet/india-election-data (see boothwise/geography/data/SOURCES.md).
Idempotent: rows already present are left alone.
"""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "ac_pc_delimitation_2008.csv"
SMALL_WORDS = {"And", "Of", "The"}

# Hindi names of states and union territories (as of the 2008 order).
STATE_NAMES_HI = {
    "AN": "अंडमान और निकोबार द्वीपसमूह", "AP": "आंध्र प्रदेश", "AR": "अरुणाचल प्रदेश",
    "AS": "असम", "BR": "बिहार", "CH": "चंडीगढ़", "CG": "छत्तीसगढ़",
    "DN": "दादरा और नगर हवेली", "DD": "दमन और दीव", "DL": "दिल्ली", "GA": "गोवा",
    "GJ": "गुजरात", "HR": "हरियाणा", "HP": "हिमाचल प्रदेश", "JK": "जम्मू और कश्मीर",
    "JH": "झारखंड", "KA": "कर्नाटक", "KL": "केरल", "LD": "लक्षद्वीप",
    "MP": "मध्य प्रदेश", "MH": "महाराष्ट्र", "MN": "मणिपुर", "ML": "मेघालय",
    "MZ": "मिज़ोरम", "NL": "नागालैंड", "OR": "ओडिशा", "PY": "पुदुचेरी", "PB": "पंजाब",
    "RJ": "राजस्थान", "SK": "सिक्किम", "TN": "तमिलनाडु", "TR": "त्रिपुरा",
    "OD": "ओडिशा", "UP": "उत्तर प्रदेश", "UK": "उत्तराखंड", "UT": "उत्तराखंड", "WB": "पश्चिम बंगाल",
}


def title(name):
    words = [w.capitalize() for w in name.strip().split()]
    return " ".join(w.lower() if i and w in SMALL_WORDS else w for i, w in enumerate(words))


def load(apps, schema_editor):
    State = apps.get_model("geography", "State")
    PC = apps.get_model("geography", "ParliamentaryConstituency")
    AC = apps.get_model("geography", "AssemblyConstituency")
    with CSV_PATH.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    states = {s.code: s for s in State.objects.all()}
    for row in rows:
        if row["ST_CODE"] not in states:
            states[row["ST_CODE"]] = State.objects.create(
                code=row["ST_CODE"],
                abbr=row["ST_ABBR"],
                name=title(row["ST_NAME"]),
                name_hi=STATE_NAMES_HI.get(row["ST_ABBR"], ""),
            )
    pcs = {(p.state_id, p.number): p for p in PC.objects.all()}
    new_pcs = {}
    for row in rows:
        key = (states[row["ST_CODE"]].id, int(row["PC_CODE"]))
        if key not in pcs and key not in new_pcs:
            new_pcs[key] = PC(
                state_id=key[0],
                number=key[1],
                name=title(row["PC_NAME"]),
                reserved=row["PC_TYPE"].strip(),
            )
    PC.objects.bulk_create(new_pcs.values())
    pcs = {(p.state_id, p.number): p for p in PC.objects.all()}
    existing = set(AC.objects.values_list("state_id", "number"))
    new_acs = []
    for row in rows:
        state_id = states[row["ST_CODE"]].id
        if (state_id, int(row["AC_CODE"])) in existing:
            continue
        new_acs.append(
            AC(
                state_id=state_id,
                pc=pcs[(state_id, int(row["PC_CODE"]))],
                number=int(row["AC_CODE"]),
                name=title(row["AC_NAME"]),
                reserved=row["AC_TYPE"].strip(),
            )
        )
    AC.objects.bulk_create(new_acs, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
