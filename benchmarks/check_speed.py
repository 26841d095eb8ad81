"""Benchmark: parse + check time of a generated 2,000-field form, and the cold start.

Usage: .venv/bin/python benchmarks/check_speed.py [--fields 2000] [--runs 15]

Prints medians next to baselines measured in the same run (the machines are
shared and noisy, so compare ratios):
- check of the 2,000-field form (parse, resolve, type-check, logic checks)
  next to the bare Lark parse of the same text;
- a cold `formlang check` of a 50-field form (a new process each time,
  bytecode compiled, the parser cache warm) next to a bare `python -c pass`
  and a process that only imports lark and click.
Goals (issue 2): 2,000 fields checked in under 0.5 s; cold check of a
50-field form in under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def generate(fields: int) -> str:
    """A form of `fields` fields in groups of 10, with choices, conditions and rules."""
    lines = ['form generated version "1.0.0" {', '  title "Erzeugtes Formular"']
    groups = max(1, fields // 10)
    for g in range(groups):
        lines.append(f'  page p{g} "Seite {g}" {{')
        lines.append(f'    group g{g} "Gruppe {g}" {{')
        lines.append(f'      field art: choice "Art {g}" {{')
        lines.append('        a "Erste Art"')
        lines.append('        b "Zweite Art"')
        lines.append("      }")
        lines.append(f'      field name: text "Name {g}" max_length 80')
        lines.append(f'      field datum: date "Datum {g}" max today()')
        lines.append(f'      field anzahl: integer "Anzahl {g}" min 0 max 99')
        lines.append(f'      field betrag: money "Betrag {g}" optional')
        lines.append(f'      field grund: textarea "Grund {g}" when art == "b"')
        lines.append(f'      field plz: postal_code "PLZ {g}" optional')
        lines.append(f'      field email: email "E-Mail {g}" optional')
        lines.append(f'      field ok: boolean "Bestätigt {g}"')
        lines.append(f'      field telefon: phone "Telefon {g}" optional')
        lines.append("    }")
        lines.append(f'    rule g{g}.anzahl <= 50 or g{g}.art == "a" on g{g}.anzahl')
        lines.append('      message "Höchstens 50."')
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def median_ms(func: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def bench_check(fields: int, runs: int) -> tuple[float, float, int]:
    import formlang
    from formlang.parser import _parser

    text = generate(fields)
    parser = _parser()
    formlang.parse(text, "generated.form")  # warm: imports, regex compilation

    def bare() -> object:
        return parser.parse(text)  # type: ignore[attr-defined]

    def full() -> object:
        return formlang.parse(text, "generated.form")

    return median_ms(full, runs), median_ms(bare, runs), text.count("field ")


def bench_cold(runs: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        form = Path(tmp) / "fifty.form"
        form.write_text(generate(50), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "formlang")],
            check=True,
            env=env,
            capture_output=True,
        )
        cli = [str(VENV_BIN / "formlang"), "check", str(form)]
        subprocess.run(cli, check=True, env=env, capture_output=True)  # warm the parser cache

        def run(cmd: list[str]) -> Callable[[], object]:
            return lambda: subprocess.run(cmd, check=True, env=env, capture_output=True)

        check = median_ms(run(cli), runs)
        bare = median_ms(run([sys.executable, "-c", "pass"]), runs)
        imports = median_ms(run([sys.executable, "-c", "import lark, click"]), runs)
    return check, bare, imports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    full, bare, count = bench_check(args.fields, args.runs)
    cold, python, imports = bench_cold(args.runs)
    print("| measurement | median (ms) | baseline (ms) | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| check of a {count}-field form (parse + resolve + checks) | {full:.0f} "
        f"| {bare:.0f} (bare Lark parse) | {full / bare:.1f}× |"
    )
    print(
        f"| cold `formlang check` of a 50-field form | {cold:.0f} "
        f"| {python:.0f} (`python -c pass`) | {cold / python:.1f}× |"
    )
    print(f"| | | {imports:.0f} (`import lark, click`) | {cold / imports:.1f}× |")
    print(
        f"\ngoals: {count} fields < 500 ms: {'met' if full < 500 else 'NOT met'}; "
        f"cold check < 150 ms: {'met' if cold < 150 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
