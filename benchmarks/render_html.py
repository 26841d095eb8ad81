"""Benchmark: warm render time of a 100-field form as an HTML page.

Usage: .venv/bin/python benchmarks/render_html.py [--fields 100] [--runs 201]

The form is `check_speed.generate(100)`: 10 pages of a group of 10 fields (a
choice, text, a date, an integer, money, a conditional textarea, a postal code,
an e-mail address, a yes/no question, a phone number) and a rule each. Timed
warm (templates compiled, the rule program built once, as in a service):
- `form.render_html()`: the blank page;
- `form.render_html(data, errors)`: the page shown again with values and the
  errors of a submission (errors everywhere);
next to a baseline in the same run: a bare Jinja2 template that writes 100
labelled `<input>`s and nothing else. Goal (issue 4): under 5 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_speed import generate, median_ms  # noqa: E402

BASELINE = """<form>{% for f in fields %}
<div class="field"><label for="{{ f.id }}">{{ f.label }}</label>
<input id="{{ f.id }}" name="{{ f.name }}" value="{{ f.value }}"></div>{% endfor %}
</form>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=100)
    parser.add_argument("--runs", type=int, default=201)
    args = parser.parse_args()

    import jinja2

    import formlang

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.form"
        path.write_text(generate(args.fields), encoding="utf-8")
        form = formlang.load(path)
    fields = sum(1 for e in form.ir.children for _ in e.children[0].children)  # type: ignore[union-attr]
    data = {f"g{g}": {"art": "b", "anzahl": "viele"} for g in range(args.fields // 10)}
    result = form.validate(data)
    html = form.render_html(data=data, errors=result)  # warm: templates, program
    assert html.count('class="fl-error-message" id=') >= fields
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(BASELINE)
    plain = [
        {"id": f"f{i}", "label": f"Feld {i}", "name": f"f{i}", "value": ""} for i in range(fields)
    ]

    blank = median_ms(lambda: form.render_html(), args.runs)
    shown = median_ms(lambda: form.render_html(data=data, errors=result), args.runs)
    base = median_ms(lambda: template.render(fields=plain), args.runs)
    print(f"{fields} fields, median of {args.runs} warm renders")
    print("| render | median (ms) | baseline: bare Jinja2, 100 inputs (ms) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| blank page | {blank:.2f} | {base:.2f} | {blank / base:.1f}× |")
    print(f"| with values and errors | {shown:.2f} | {base:.2f} | {shown / base:.1f}× |")
    print(f"\ngoal: under 5 ms: {'met' if max(blank, shown) < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
