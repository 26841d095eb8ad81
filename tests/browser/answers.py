"""A complete, valid application for each library form, as a citizen would fill it in today.

Dates are relative to today (some fields are bounded by `today()`); files are uploaded
from small generated files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

PDF = b"%PDF-1.4\n"  # what the browser tests upload for a file field

PERSON = {
    "familienname": "Muster",
    "vornamen": "Erika",
    "geburtsdatum": "1980-02-28",
    "geburtsort": "Dresden",
    "geschlecht": "w",
}
ADDRESS = {"strasse": "Hauptstraße", "hausnummer": "1", "plz": "01067", "ort": "Dresden"}


def answers(form_id: str, today: dt.date) -> dict[str, Any]:
    soon = (today + dt.timedelta(days=7)).isoformat()
    if form_id == "hundesteuer":
        return {
            "halter": PERSON,
            "anschrift": ADDRESS,
            "kontakt": {"email": "erika@example.de"},
            "hunde": [
                {
                    "name": "Bello",
                    "rasse": "dackel",
                    "geboren": "2021-03-01",
                    "seit": "2021-06-01",
                    "gefaehrlich": False,
                },
                {
                    "name": "Rex",
                    "rasse": "andere",
                    "rasse_andere": "Pudel",
                    "geboren": "2020-05-04",
                    "seit": "2020-08-01",
                    "gefaehrlich": False,
                },
            ],
            "lastschrift": True,
            "konto": {"kontoinhaber": "Erika Muster", "iban": "DE89370400440532013000"},
            "datenschutz": {"einwilligung": True},
        }
    if form_id == "gewerbeanmeldung":
        return {
            "inhaber": PERSON,
            "wohnanschrift": ADDRESS,
            "email": "erika@example.de",
            "anmeldegrund": "neu",
            "rechtsform": "gbr",
            "taetigkeit": "Handel mit Fahrrädern",
            "beginn": soon,
            "vollzeit": 2,
            "gesellschafter": [
                {"person": PERSON, "anteil": "50"},
                {"person": {**PERSON, "vornamen": "Max", "geschlecht": "m"}, "anteil": "50"},
            ],
        }
    if form_id == "bewohnerparken":
        return {
            "art": "neu",
            "dauer": "m12",
            "beginn": soon,
            "antragsteller": PERSON,
            "anschrift": ADDRESS,
            "kontakt": {"telefon": "0351 1234567"},
            "kennzeichen": "DD-AB 1234",
            "halter_selbst": True,
            "fahrzeugschein": {
                "name": "fahrzeugschein.pdf",
                "media_type": "application/pdf",
                "size": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
            },
            "abgleich": True,
            "datenschutz": {"einwilligung": True},
        }
    raise KeyError(f"no answers for {form_id}: add them to tests/browser/answers.py")
