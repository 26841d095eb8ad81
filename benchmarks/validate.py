"""Benchmark: submissions/s of `form.validate` next to plain jsonschema and bare jsonschema-rs.

Usage: .venv/bin/python benchmarks/validate.py [--seconds 1.0] [--samples 7]

The reference form (benchmarks/data/reference.form, 58 fields: person and
address modules, a partner shown under a condition, a repeat of household
members with row conditions and a row rule, eight other conditions,
patterns, dates, IBAN, a cross-field rule) is compiled once. One valid and
one invalid canonical submission are validated repeatedly by:
- `form.validate` (effective data, every check, rules, localized messages),
- `jsonschema.Draft202012Validator` with format checking, on the compiled schema,
- bare `jsonschema_rs` `is_valid` on the same compiled schema.
Each figure is the median of `--samples` timed batches. Goals (issue 3): at
least 50× plain jsonschema on valid documents; no more than 2× the cost of
bare jsonschema-rs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2025, 6, 1)

PERSON = {
    "familienname": "Muster",
    "vornamen": "Erika",
    "geburtsdatum": "1980-02-28",
    "geburtsort": "Dresden",
    "geschlecht": "w",
}
ADDRESS = {"strasse": "Hauptstraße", "hausnummer": "12a", "plz": "01067", "ort": "Dresden"}
MEMBER = {
    "familienname": "Muster",
    "vornamen": "Max",
    "geburtsdatum": "2015-07-01",
    "verwandtschaft": "kind",
    "einkommen": "0",
    "schwerbehindert": True,
    "grad": 50,
}

VALID: dict[str, Any] = {
    "person": PERSON,
    "anschrift": ADDRESS,
    "telefon": "0351 123456",
    "email": "erika@example.de",
    "familienstand": "verheiratet",
    "heirat_am": "2010-05-01",
    "partner": {**PERSON, "vornamen": "Hans", "geschlecht": "m"},
    "steuer_id": "86095742719",
    "personen": 4,
    "mitglieder": [
        MEMBER,
        {**MEMBER, "vornamen": "Mia", "schwerbehindert": False, "grad": None} | {},
        {**MEMBER, "vornamen": "Ida", "geburtsdatum": "2018-01-01"},
    ],
    "art": "miete",
    "miete": "650.00",
    "nebenkosten": "120.50",
    "flaeche": "72.5",
    "zimmer": 3,
    "baujahr": 1972,
    "einzug": "2015-01-01",
    "heizung": "zentral",
    "vermieter": "Wohnungsbau GmbH",
    "vermieter_anschrift": ADDRESS,
    "lohn": "2450.00",
    "kindergeld": "500.00",
    "selbststaendig": False,
    "vermoegen": False,
    "wohngeld_vorher": True,
    "aktenzeichen": "WG-12345",
    "inhaber": "Erika Muster",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "einverstanden": True,
}
VALID["mitglieder"][1].pop("grad")

INVALID: dict[str, Any] = {
    **VALID,
    "email": "erika@",
    "iban": "DE89370400440532013001",
    "zimmer": 0,
    "einzug": "2099-01-01",
    "personen": 2,
    "anschrift": {**ADDRESS, "plz": "1067"},
}
del INVALID["inhaber"]


def per_second(func: Callable[[], object], seconds: float, samples: int) -> float:
    """Median calls per second over `samples` batches of about `seconds` each."""
    batch = 1
    while True:  # find a batch size that takes about `seconds`
        start = time.perf_counter()
        for _ in range(batch):
            func()
        if time.perf_counter() - start >= seconds / 4 or batch > 1_000_000:
            break
        batch *= 2
    batch = max(1, int(batch * seconds / max(time.perf_counter() - start, 1e-9) / 4))
    rates = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            func()
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()

    import jsonschema
    import jsonschema_rs

    import formlang

    form = formlang.load(HERE / "data" / "reference.form")
    schema = form.schema()
    good, bad = form.validate(VALID, today=TODAY), form.validate(INVALID, today=TODAY)
    assert good.ok, [e.message for e in good.errors]
    assert not bad.ok and len(bad.errors) >= 5, [e.message for e in bad.errors]
    reference = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    fast = jsonschema_rs.validator_for(schema, validate_formats=True)
    assert reference.is_valid(good.data) and fast.is_valid(good.data)

    rows = []
    for name, doc in (("valid", VALID), ("invalid", INVALID)):
        ours = per_second(lambda d=doc: form.validate(d, today=TODAY), args.seconds, args.samples)
        ref = per_second(lambda d=doc: reference.is_valid(d), args.seconds, args.samples)
        rs = per_second(lambda d=doc: fast.is_valid(d), args.seconds, args.samples)
        rows.append((name, ours, ref, rs))
    print(
        "| submission | form.validate /s | jsonschema /s | jsonschema-rs /s "
        "| vs jsonschema | cost vs jsonschema-rs |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, ours, ref, rs in rows:
        print(
            f"| {name} | {ours:,.0f} | {ref:,.0f} | {rs:,.0f} | {ours / ref:.0f}× "
            f"| {rs / ours:.1f}× |"
        )
    valid = rows[0]
    print(
        f"\ngoals on valid documents: ≥ 50× jsonschema: "
        f"{'met' if valid[1] / valid[2] >= 50 else 'NOT met'}; ≤ 2× the cost of "
        f"jsonschema-rs: {'met' if valid[3] / valid[1] <= 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
