"""Benchmark: importing the largest FIM file of the corpus (1.6 MB, XDatenfelder 3.0).

Usage: .venv/bin/python benchmarks/import_fim.py [--runs 7] [--file PATH]

Times `formlang.fim_import.import_fim` on `S05000001291_xdf3.xml` (Stoffe /
ChemVerbotsV: 66 field uses, 20 group uses, 19 rules, ~16,000 `<relation>`
elements) with the corpus code lists, end to end: reading the XML, mapping,
the rule translation, writing, the check of the output by the compiler (once
per round; a second round only if a condition had to be taken back) and the
formatter. The output goes to a temporary folder, as with `-o`, so the
module file is written too. Next to it, in the same run, the baseline:
`lxml.etree.parse` of the same file with the same parser settings, which is
the least any importer must do. Goal (issue 7): under 2 seconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT = CORPUS / "fim" / "xdf3" / "S05000001291_xdf3.xml"


def median_ms(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--file", type=Path, default=DEFAULT)
    args = parser.parse_args()

    from lxml import etree

    from formlang.fim_import import import_fim

    data = args.file.read_bytes()
    lists = [CORPUS / "codelists", CORPUS / "fim" / "xdf2" / "codelists"]

    def baseline() -> None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        etree.fromstring(data, parser)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "import.form"

        def full() -> None:
            result = import_fim(data, out=out, codelists=lists, name=str(args.file))
            assert not result.errors, result.errors

        full()  # warm: imports of the compiler, the grammar, lxml
        imported = median_ms(full, args.runs)
    base = median_ms(baseline, args.runs)
    size = len(data) / 1_000_000
    print(f"{args.file.name} ({size:.1f} MB), median of {args.runs} runs")
    print("| step | median (ms) | baseline: lxml.etree.parse (ms) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| import_fim, end to end | {imported:.0f} | {base:.1f} | {imported / base:.0f}× |")
    print(f"\ngoal: under 2 s: {'met' if imported < 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
