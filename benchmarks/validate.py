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
The three are timed in turns, batch after batch (`--samples` rounds of
batches of about `--seconds`); each rate is the median over the rounds,
each ratio the median of the ratios within a round. Goals (issue 3): at
least 50× plain jsonschema on valid documents; no more than 2× the cost of
bare jsonschema-rs. `--parts` adds where the time of a valid document goes:
the fast path's generated code alone, and jsonschema-rs on the reduced
schema the fast path applies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
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


def _batch(func: Callable[[], object], seconds: float) -> int:
    """How many calls take about `seconds`."""
    batch = 1
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            func()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4 or batch > 1_000_000:
            return max(1, int(batch * seconds / max(elapsed, 1e-9)))
        batch *= 2


def interleaved(
    funcs: dict[str, Callable[[], object]], seconds: float, samples: int
) -> dict[str, list[float]]:
    """Calls per second of each function in `samples` rounds; in each round every function
    runs one batch of about `seconds`, one after the other, so that a change in the load of
    the machine falls on all of them alike."""
    batches = {name: _batch(func, seconds) for name, func in funcs.items()}
    rates: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(samples):
        for name, func in funcs.items():
            start = time.perf_counter()
            for _ in range(batches[name]):
                func()
            rates[name].append(batches[name] / (time.perf_counter() - start))
    return rates


def _ratio(above: list[float], below: list[float]) -> float:
    """The median over the rounds of the ratio within each round."""
    return statistics.median(a / b for a, b in zip(above, below, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--parts", action="store_true", help="time the parts of a valid run")
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
        rates = interleaved(
            {
                "ours": functools.partial(form.validate, doc, today=TODAY),
                "jsonschema": functools.partial(reference.is_valid, doc),
                "jsonschema-rs": functools.partial(fast.is_valid, doc),
            },
            args.seconds,
            args.samples,
        )
        rows.append((name, rates["ours"], rates["jsonschema"], rates["jsonschema-rs"]))
    print(
        "| submission | form.validate /s | jsonschema /s | jsonschema-rs /s "
        "| vs jsonschema | cost vs jsonschema-rs |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    median = statistics.median
    for name, ours, ref, rs in rows:
        print(
            f"| {name} | {median(ours):,.0f} | {median(ref):,.0f} | {median(rs):,.0f} "
            f"| {_ratio(ours, ref):.0f}× | {_ratio(rs, ours):.1f}× |"
        )
    if args.parts:
        _parts(form, fast, args.seconds, args.samples)
    _, ours, ref, rs = rows[0]
    print(
        f"\ngoals on valid documents: ≥ 50× jsonschema: "
        f"{'met' if _ratio(ours, ref) >= 50 else 'NOT met'}; ≤ 2× the cost of "
        f"jsonschema-rs: {'met' if _ratio(rs, ours) <= 2 else 'NOT met'}"
    )


def _parts(form: Any, bare: Any, seconds: float, samples: int) -> None:
    """µs per valid document: the whole call, the generated walk alone, each engine."""
    import jsonschema_rs

    from formlang.fastschema import lean

    run = form.validator._fast.run
    namespace = run.__globals__
    engine = namespace["_is_valid"]
    reduced = jsonschema_rs.validator_for(lean(form.schema()), validate_formats=True)
    namespace["_is_valid"] = lambda data: True
    try:
        walk = interleaved({"walk": lambda: run(VALID, TODAY)}, seconds, samples)["walk"]
    finally:
        namespace["_is_valid"] = engine
    rates = interleaved(
        {
            "form.validate": lambda: form.validate(VALID, today=TODAY),
            "jsonschema-rs, reduced schema (as the fast path)": lambda: reduced.is_valid(VALID),
            "jsonschema-rs, compiled schema (the baseline)": lambda: bare.is_valid(VALID),
        },
        seconds,
        samples,
    )
    parts = {"generated walk, conditions and rules (no engine)": walk, **rates}
    print("\n| valid document | µs |\n|---|---:|")
    for name, rate in parts.items():
        print(f"| {name} | {1e6 / statistics.median(rate):.1f} |")


if __name__ == "__main__":
    main()
