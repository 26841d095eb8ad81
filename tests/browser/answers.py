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
PERSONALIEN = {
    **PERSON,
    "geburtsstaat": "000",
    "staatsangehoerigkeit": "000",
}
UPLOAD = {
    "media_type": "application/pdf",
    "size": len(PDF),
    "sha256": hashlib.sha256(PDF).hexdigest(),
}


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
            "fahrzeugschein": {"name": "fahrzeugschein.pdf", **UPLOAD},
            "abgleich": True,
            "datenschutz": {"einwilligung": True},
        }
    if form_id == "gewerbeabmeldung":
        return {
            "inhaberart": "juristische_person",
            "betrieb_inhaber": {
                "name": "Muster Rad GmbH",
                "rechtsform": "221100",
                "register": {
                    "register": "HRB",
                    "gericht": "Amtsgericht Dresden",
                    "nummer": "12345",
                },
            },
            "zahl_vertreter": 1,
            "person": PERSONALIEN,
            "wohnanschrift": {
                "staat": "129",
                "strasse": "Rue de la Paix",
                "hausnummer": "12",
                "plz_ausland": "75002",
                "ort": "Paris",
            },
            "kontakt": {"telefon": "0351 1234567"},
            "niederlassung": "zweig",
            "betriebsstaette": {**ADDRESS, "strasse": "Marktplatz", "hausnummer": "3"},
            "hauptniederlassung": {"staat": "000", **ADDRESS, "ort": "Leipzig", "plz": "04109"},
            "betriebsleitung": {"familienname": "Muster", "vornamen": "Max"},
            "taetigkeit": "Einzelhandel mit Fahrrädern",
            "aufgabe_am": today.isoformat(),
            "grund": "aufgabe",
            "vollzeit": 2,
            "teilzeit": 1,
            "richtigkeit": True,
            "datenschutz": {"einwilligung": True},
        }
    if form_id == "wohnungsanmeldung":
        married = {"datum": "2010-08-14", "ort": "Leipzig", "staat": "000"}
        return {
            "einzug": (today - dt.timedelta(days=3)).isoformat(),
            "neue_wohnung": {
                "gemeinde": "14612000",
                "strasse": "Hauptstraße",
                "hausnummer": "1",
                "zusatz": "3. OG links",
                "plz": "01067",
            },
            "status": "alleinige",
            "zuzug_ausland": False,
            "bisherige_wohnung": {**ADDRESS, "plz": "04107", "ort": "Leipzig"},
            "bisherige_beibehalten": "nein",
            "personen": [
                {
                    "person": PERSONALIEN,
                    "religion": "ev",
                    "familienstand": "VH",
                    "eheschliessung": married,
                    "ausweisart": "09",
                    "ausweis": {
                        "seriennummer": "L01X00T47",
                        "behoerde": "Stadt Leipzig",
                        "ausgestellt": (today - dt.timedelta(days=400)).isoformat(),
                        "gueltig_bis": (today + dt.timedelta(days=3000)).isoformat(),
                    },
                },
                {
                    "person": {**PERSONALIEN, "vornamen": "Paul", "geschlecht": "m"}
                    | {"geburtsdatum": (today - dt.timedelta(days=3650)).isoformat()},
                    "religion": "keine",
                    "familienstand": "LD",
                    "vertretung": [
                        {
                            "art": "eltern",
                            "familienname": "Muster",
                            "vornamen": "Erika",
                            "andere_anschrift": False,
                        }
                    ],
                },
            ],
            "wohnungsgeber_ist": "eigentuemer",
            "geber": {
                "name": "Wohnbau Dresden GmbH",
                "anschrift": {"staat": "000", **ADDRESS},
                "weg": "datei",
                "bestaetigung": {"name": "wohnungsgeberbestaetigung.pdf", **UPLOAD},
            },
            "kontakt": {"email": "erika@example.de"},
            "widerspruch": ["parteien", "adressbuch"],
            "richtigkeit": True,
            "datenschutz": {"einwilligung": True},
        }
    if form_id == "kitaplatz":
        return {
            "kind": {
                "familienname": "Muster",
                "vornamen": "Lina",
                "geboren": True,
                "geburtsdatum": (today - dt.timedelta(days=400)).isoformat(),
                "geschlecht": "w",
                "foerderbedarf": False,
            },
            "wohngemeinde": "14612000",
            "wohnanschrift": ADDRESS,
            "betreuungsart": "krippe",
            "beginn": (today + dt.timedelta(days=200)).isoformat(),
            "stunden": "9",
            "wuensche": [
                {"einrichtung": "Kita Sonnenschein", "geschwisterkind": False},
                {"einrichtung": "Kita Pusteblume", "geschwisterkind": True},
            ],
            "sorgeberechtigte": [
                {
                    "person": {
                        "art": "eltern",
                        "familienname": "Muster",
                        "vornamen": "Erika",
                        "andere_anschrift": False,
                        "email": "erika@example.de",
                    },
                    "taetigkeit": "erwerbstaetig",
                }
            ],
            "alleinerziehend": True,
            "geschwister": 1,
            "weitergabe": True,
            "richtigkeit": True,
            "datenschutz": {"einwilligung": True},
        }
    raise KeyError(f"no answers for {form_id}: add them to tests/browser/answers.py")
