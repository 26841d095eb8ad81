"""The browser runtime (renderers/html/static/formlang.js) reaches the Python validator's verdict.

One Node process serves the whole module (tests/js/runtime_server.js, JSON lines over a pipe).
It runs the shared expression vectors, and compares `validate(client_program(form, lang), data,
today)` with `form.validate(data, lang, today).to_json()` — errors, their order, messages and
the effective data — for every library form, the reference form and the test forms: the data
of their scenario tests, hand-made edge cases and Hypothesis submissions, in German and English.
Node is /usr/bin/node; without it these tests are skipped, except on CI (CI set), where they fail.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submissions import ALL_FORMS, REPO_ROOT, TODAY, DrawSource, RandomSource, form_id, submission

import formlang
from formlang import ir
from formlang import validate as validate_module
from formlang.client_exprs import OPS
from formlang.client_program import TESTS, client_program
from formlang.evaluate import Context
from formlang.pointers import escape, rank
from formlang.types import FieldKind

SERVER = Path(__file__).resolve().parent / "js" / "runtime_server.js"
RUNTIME = REPO_ROOT / "renderers" / "html" / "static" / "formlang.js"
VECTORS = json.loads((REPO_ROOT / "tests" / "vectors" / "expressions.json").read_text("utf-8"))
# A form for what the others leave out: a pattern with ".", decimal and money bounds, a condition
# on a decimal, large products, bounds on times and dates, a file size in fractions of a MB.
EXTRAS = REPO_ROOT / "tests" / "js" / "extras.form"  # given here, not a file
EXTRAS_SOURCE = """form extras version "1.0.0" {
  title "Extras"

  field code: text "Code" optional
    pattern "^a.c$"
  field betrag: decimal "Betrag" optional min 0.125 max 1250.5 step 0.25
  field geld: money "Geld" optional min 0.125 max 100000
  field hinweis: text "Hinweis" optional
    when betrag > 100
  field anzahl: integer "Anzahl" optional min -5 max 5000 step 5
  field datei: file "Datei" optional max_size 1.5 MB
  field zeit: time "Zeit" optional min 08:00 max 18:00
  field termin: datetime "Termin" optional min 2025-01-01T08:00 max 2030-01-01T00:00
  field tag: date "Tag" optional min 2020-01-01 max today() + 1 year
  alternative wahl "Wahl" optional {
    group a "A" {
      field x: text "X" optional
    }
    group b "B" {
      field y: text "Y" optional
    }
  }
  computed gross: integer "Groß" = anzahl * anzahl * anzahl
  computed teil: decimal "Teil" = betrag / 7
  rule betrag != 13 on betrag
    message "Nicht 13."
}
"""
EXTRA_CASES: list[Any] = [
    {"code": "a\rc"},
    {"code": "a\nc"},
    {"code": "a\u2028c"},
    {"code": "a😀c"},
    {"betrag": "\u0661\u0662\u0660\u0660", "hinweis": "x"},
    {"betrag": " 150 ", "hinweis": "x"},
    {"betrag": "1_500", "hinweis": "x"},
    {"betrag": "1e3", "hinweis": "x"},
    {"betrag": 13, "hinweis": "x"},
    {"betrag": "0.1", "geld": "99999.995"},
    {"anzahl": 4995, "betrag": "1000.25"},
    {"wahl": {"$choice": 5}},
    {"wahl": {"$choice": "b", "a": {"x": "1"}, "b": {"y": "2"}}},
    {"datei": {"name": "a.pdf", "media_type": "application/pdf", "size": 1572865}},
    {"zeit": "07:59:59", "termin": "2030-01-01T00:00:01", "tag": "2019-12-31"},
]
FORMS = [*ALL_FORMS, REPO_ROOT / "benchmarks" / "data" / "reference.form", EXTRAS]
LANGS = ("de", "en")


class Runtime:
    """The Node process: programs are sent once, then submissions one line at a time."""

    def __init__(self, node: str) -> None:
        self.process = subprocess.Popen(
            [node, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.sent: set[str] = set()

    def ask(self, request: dict[str, Any]) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def program(self, name: str, program: dict[str, Any]) -> None:
        if name not in self.sent:
            self.ask({"name": name, "program": program})
            self.sent.add(name)

    def validate(self, name: str, data: Any, today: dt.date) -> Any:
        return self.ask({"op": "validate", "name": name, "data": data, "today": today.isoformat()})

    def state(self, name: str, data: Any, today: dt.date) -> Any:
        return self.ask({"op": "state", "name": name, "data": data, "today": today.isoformat()})

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


@pytest.fixture(scope="module")
def runtime() -> Iterator[Runtime]:
    node = shutil.which("node") or "/usr/bin/node"
    if not Path(node).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "Node.js is needed to test the browser runtime (looked for node, /usr/bin/node)"
            )
        pytest.skip("Node.js is not installed: the browser runtime is not tested")
    process = Runtime(node)
    yield process
    process.close()


@pytest.fixture(autouse=True)
def no_schema_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime skips the schema's confirmation: so it must never change a Python verdict."""

    def fallback(self: Any, effective: dict[str, Any]) -> None:
        raise AssertionError(f"the schema refuses what validate's checks let pass: {effective}")

    monkeypatch.setattr(validate_module._Run, "schema_errors", fallback)


# ---- the expression vectors ---------------------------------------------------------------------


@functools.cache
def _vector_form(expr: str, kind: str) -> formlang.form.Form:
    base = VECTORS["form"].rstrip()
    return formlang.parse(f"{base[:-1]}  computed result: {kind} = {expr}\n}}\n", path="v.form")


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=[v["name"] for v in VECTORS["vectors"]])
def test_vector(runtime: Runtime, vector: dict[str, Any]) -> None:
    form = _vector_form(vector["expr"], vector["type"])
    name = f"vector {vector['type']} {vector['expr']}"
    runtime.program(name, client_program(form.ir, "de"))
    today = dt.date.fromisoformat(vector["today"])
    result = runtime.validate(name, vector["data"], today)
    actual, expected = result["data"].get("result"), vector["expected"]
    assert (actual, type(actual).__name__) == (expected, type(expected).__name__)
    assert result == form.validate(vector["data"], "de", today).to_json()


def test_evaluate_gives_json_values(runtime: Runtime) -> None:
    form = _vector_form("round(m / 3, 2)", "money")
    expr = client_program(form.ir, "de")["nodes"][-1]["x"]
    got = runtime.ask({"op": "evaluate", "expr": expr, "data": {"m": "10"}, "today": "2024-02-29"})
    assert got == "3.33"
    when = {"op": OPS.index("+"), "args": [{"op": OPS.index("today")}, {"duration": [1, 0]}]}
    assert runtime.ask({"op": "evaluate", "expr": when, "today": "2024-01-31"}) == "2024-02-29"


# ---- the same verdict -----------------------------------------------------------------------------


@functools.cache
def _load(path: Path) -> formlang.form.Form:
    if path == EXTRAS:
        return formlang.parse(EXTRAS_SOURCE, path=str(path))
    return formlang.load(path)


@functools.cache
def _full_path(path: Path) -> validate_module.Validator:
    """The validator without its fast path for clean submissions, which should give the same
    verdict but accepts a date "0000-01-01" that the full path refuses (jsonschema-rs's format
    "date" allows the year 0; reported)."""
    validator = validate_module.Validator(_load(path).ir)
    validator._fast = None
    return validator


def _compare(runtime: Runtime, path: Path, data: Any, today: dt.date, lang: str) -> None:
    form = _load(path)
    name = f"{form_id(path)}/{lang}"
    runtime.program(name, client_program(form.ir, lang))
    data = json.loads(json.dumps(data, default=_plain))  # what a browser can send: JSON
    assert _a_page_can_send(data), "the runtime's contract: data as a page makes it"
    expected = _full_path(path).validate(copy.deepcopy(data), lang, today).to_json()
    actual = runtime.validate(name, data, today)
    order = form.validator.order
    actual, expected = _ordered(actual, order), _ordered(expected, order)
    if actual != expected:
        diff = [
            (a, e) for a, e in zip(actual["errors"], expected["errors"], strict=False) if a != e
        ]
        pytest.fail(
            f"{form_id(path)} {lang} {today}\nsubmission: {json.dumps(data)[:1500]}\n"
            f"first differences (runtime, python): {diff[:2]}\nerrors: "
            f"{len(actual['errors'])} vs {len(expected['errors'])}\n"
            f"data: {actual['data'] == expected['data']} {str(actual['data'])[:1500]}\n"
            f"{str(expected['data'])[:1500]}"
        )


def _a_page_can_send(data: Any) -> bool:
    """Whether `data` has the shape of what a page builds from its inputs: an object, no deeper
    than the validator reads (64 levels), with no more values than it reads (100,000). What has
    another shape (not_an_object, too_deep, too_large) the runtime leaves to the server:
    test_what_no_page_sends_is_left_to_the_server."""
    count, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > validate_module.MAX_DEPTH:
            return False
        if isinstance(value, dict | list):
            count += len(value)
            stack.extend(
                (v, depth + 1) for v in (value.values() if isinstance(value, dict) else value)
            )
    return isinstance(data, dict) and count <= validate_module.MAX_VALUES


def _plain(value: Any) -> Any:
    """A scenario's decimal in JSON: its canonical spelling, a string."""
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(value)


def _ordered(result: dict[str, Any], order: dict[str, int]) -> dict[str, Any]:
    """Errors at one place keep their order, except unknown keys side by side (Python lists them
    in the order of a set): those by name."""
    errors = sorted(result["errors"], key=lambda e: (rank(e["path"], order), e["path"]))
    return {**result, "errors": errors}


def _scenarios() -> list[Any]:
    out = []
    for path in FORMS:
        for scenario in _load(path).ir.tests:
            out.append(pytest.param(path, scenario.name, id=f"{form_id(path)}:{scenario.name}"))
    return out


@pytest.mark.parametrize(("path", "name"), _scenarios())
@pytest.mark.parametrize("lang", LANGS)
def test_scenario_data(runtime: Runtime, path: Path, name: str, lang: str) -> None:
    scenario = next(s for s in _load(path).ir.tests if s.name == name)
    for today in (scenario.today or TODAY, dt.date(2024, 2, 29)):
        _compare(runtime, path, scenario.given, today, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("today", [TODAY, dt.date(2024, 12, 31)])
def test_extra_cases(runtime: Runtime, lang: str, today: dt.date) -> None:
    for data in EXTRA_CASES:
        _compare(runtime, EXTRAS, data, today, lang)


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_edge_cases(runtime: Runtime, path: Path) -> None:
    cases = edge_cases(_load(path).ir)
    assert len(cases) > 15
    for index, data in enumerate(cases):
        if not lenient_temporal(_load(path).ir, data):
            _compare(runtime, path, data, TODAY, LANGS[index % 2])


@pytest.mark.parametrize("path", FORMS, ids=form_id)
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(data=st.data())
def test_generated_submissions(runtime: Runtime, path: Path, data: st.DataObject) -> None:
    form = _load(path)
    mode = data.draw(st.sampled_from(["mixed", "valid", "lenient"]))
    made = submission(form.ir, DrawSource(data), mode)
    if lenient_temporal(form.ir, made):
        return  # a known difference on Python's side: see lenient_temporal
    today = data.draw(st.sampled_from([TODAY, dt.date(2024, 2, 29), dt.date(2026, 12, 31)]))
    _compare(runtime, path, made, today, data.draw(st.sampled_from(LANGS)))


def test_what_no_page_sends_is_left_to_the_server() -> None:
    """The runtime takes data as a page makes it from its inputs (docs/browser-runtime.md, "What
    the browser leaves to the server"). Any other shape the Python validator refuses before it
    reads a value, and its verdict is the one that counts; `_a_page_can_send` draws the same line,
    and the program carries no message for those codes."""
    form = _load(FORMS[0])
    hostile = ("not_an_object", "too_deep", "too_large")
    deepest, most = validate_module.MAX_DEPTH, validate_module.MAX_VALUES
    shapes: list[tuple[Any, str]] = [(value, "not_an_object") for value in (None, [], "x", 5, True)]
    shapes += [(_deep(deepest + 1), "too_deep"), ({"x": list(range(most))}, "too_large")]
    for data, code in shapes:
        assert not _a_page_can_send(data)
        result = form.validate(data, "de", TODAY).to_json()
        assert (result["ok"], [(e["path"], e["code"]) for e in result["errors"]]) == (
            False,
            [("", code)],
        )
    for data in ({}, _deep(deepest), {"x": list(range(most - 1))}):
        assert _a_page_can_send(data)
        assert not {e.code for e in form.validate(data, "de", TODAY).errors} & set(hostile)
    assert not set(hostile) & set(client_program(form.ir, "de")["messages"])


# ---- state(): visibility and computed values -----------------------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_state(runtime: Runtime, path: Path) -> None:
    form = _load(path)
    name = f"{form_id(path)}/de"
    runtime.program(name, client_program(form.ir, "de"))
    samples = [json.loads(json.dumps(s.given, default=_plain)) for s in form.ir.tests]
    samples += [submission(form.ir, RandomSource(seed), "valid") for seed in range(30)]
    for data in samples:
        if lenient_temporal(form.ir, data):
            continue
        effective = form.validate(copy.deepcopy(data), "de", TODAY).data
        visible: dict[str, bool] = {}
        computed: dict[str, Any] = {}
        _python_state(
            form.validator.nodes, effective, Context(effective, TODAY), "", visible, computed
        )
        assert runtime.state(name, data, TODAY) == {"visible": visible, "computed": computed}
    assert samples


def _python_state(
    nodes: list[Any],
    data: Any,
    ctx: Context,
    at: str,
    visible: dict[str, bool],
    computed: dict[str, Any],
) -> None:
    """What the validator's check of the effective data sees: each shown element's condition."""
    for node in nodes:
        here = f"{at}/{escape(node.name)}"
        shown = node.when is None or node.when(ctx) is True
        value = data.get(node.name)
        if node.when is not None:
            visible[here] = shown
        if node.kind == "computed":
            computed[here] = value
        elif not shown:
            continue
        elif node.kind == "group" and (value is None or isinstance(value, dict)):
            _python_state(node.children, value or {}, ctx, here, visible, computed)
        elif node.kind == "alternative" and isinstance(value, dict):
            for branch in node.children:
                if isinstance(value.get(branch.name), dict):
                    inner = value[branch.name]
                    _python_state(
                        branch.children,
                        inner,
                        ctx,
                        f"{here}/{escape(branch.name)}",
                        visible,
                        computed,
                    )
        elif node.kind == "repeat" and _rows_checked(node, value):
            for index, row in enumerate(value):
                row_ctx = Context(data=ctx.data, today=ctx.today, rows=(*ctx.rows, row))
                _python_state(node.children, row, row_ctx, f"{here}/{index}", visible, computed)


def _rows_checked(node: Any, value: Any) -> bool:
    """Whether the validator looks into the rows: a list of objects, not too many."""
    rows = value if isinstance(value, list) else [None]
    return all(isinstance(r, dict) for r in rows) and len(rows) <= (node.element.max or 1000)


# ---- the client program ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_the_program_is_compact_json(path: Path) -> None:
    form = _load(path)
    for lang in form.languages:
        program = client_program(form.ir, lang)
        text = json.dumps(program, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(text) == program
        assert all(
            None not in item.values() for item in [*_all_nodes(program["nodes"]), *program["rules"]]
        )
        kinds = {e.kind for e in ir.walk(form.ir.children) if isinstance(e, ir.Field)}
        assert ("iban_countries" in program["patterns"]) == (FieldKind.IBAN in kinds)
        assert ("bic_countries" in program["patterns"]) == (FieldKind.BIC in kinds)


def test_the_program_needs_no_template_engine() -> None:
    code = "import sys, formlang.client_program; print('jinja2' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == "False"


def _all_nodes(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield node
        yield from _all_nodes(node.get("c", []))


def test_the_runtime_runs_as_a_classic_script_and_defines_no_global(runtime: Runtime) -> None:
    """As a page loads it (no `module`, no document here): it runs and leaves no names behind."""
    assert runtime.ask({"op": "classic"}) == {"globals": []}


@pytest.mark.parametrize(("table", "names"), [("F", OPS), ("TESTS", TESTS)])
def test_the_runtime_numbers_its_tables_as_python_does(table: str, names: tuple[str, ...]) -> None:
    """The program names operators and tests by number: formlang.js lists them in the same
    order, each entry marked /* number name */."""
    source = RUNTIME.read_text(encoding="utf-8")
    body = source[source.index(f"const {table} = [") :]
    body = body[: body.index("\n  ]")]
    assert re.findall(r"/\* (\d+) (\S+) \*/", body) == [(str(i), n) for i, n in enumerate(names)]


def test_the_page_wiring_names_what_the_templates_render() -> None:
    """The script reads the page's selectors, classes and attributes from `ui` in the page's data
    block: each attribute and class it names is one the templates write or the theme styles."""
    from formlang.html_render import program_json

    html = REPO_ROOT / "renderers" / "html"
    known = "".join(p.read_text(encoding="utf-8") for p in (html / "templates").glob("*.j2"))
    known += (html / "static" / "formlang.css").read_text(encoding="utf-8")
    block = json.loads(program_json(_load(FORMS[0]).ir, "de"))
    names = set(re.findall(r"(?<![\w-])(?:data-fl-[a-z-]+|fl-[a-z_-]+)", json.dumps(block["ui"])))
    assert {"data-fl-path", "data-fl-error-summary", "fl-error-message", "fl-js"} <= names
    assert sorted(n for n in names if n not in known) == []
    source = RUNTIME.read_text(encoding="utf-8")
    assert set(re.findall(r"\bU\.(\w+)", source)) == set(block["ui"])  # each key it reads, no other


# ---- the size of the runtime ----------------------------------------------------------------------

# Minified with terser (-c -m): the runtime is sent with every page. Issue 4's goal, under
# 15,000 bytes, is met (14,828): the budget is the goal. docs/browser-runtime.md records the
# sizes and what made it smaller.
MINIFIED_BUDGET = 15_000
TERSER = REPO_ROOT / "node_modules" / "terser" / "bin" / "terser"


def test_the_runtime_stays_within_its_size_budget() -> None:
    node = shutil.which("node") or "/usr/bin/node"
    missing = [str(p) for p in (Path(node), TERSER) if not p.exists()]
    if missing:
        reason = f"terser and Node.js are needed to measure the browser runtime (missing: {missing}"
        reason += "; npm ci installs terser)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    minified = subprocess.run(
        [node, str(TERSER), str(RUNTIME), "-c", "-m"], capture_output=True, check=True
    ).stdout
    assert len(minified) < MINIFIED_BUDGET, (
        f"formlang.js is {len(minified)} bytes minified, over its budget of {MINIFIED_BUDGET}"
    )


# ---- hand-made submissions --------------------------------------------------------------------------------

TRICKY: dict[FieldKind, list[Any]] = {
    FieldKind.TEXT: ["", "   ", "\u00a0", "\x1c", "a\ud800", "x" * 1001, 5, ["x"], "a\r\nb", "ä😀"],
    FieldKind.INTEGER: [1.5, 2.0, 10**6, "12", True, 2**53, -(2**53), 1e20, 1e300, -1, 0],
    FieldKind.DECIMAL: ["12.345", "12,50", 12.5, 3, "1e5", ".5", "1.", "+1", " 12 ", "١٢", "1_0"],
    FieldKind.MONEY: ["12.345", "12.50", "0.10", "-0", 1e21, 0.1, "Infinity", "NaN", False, "5"],
    FieldKind.DATE: [
        "31.12.2024",
        "2024-02-30",
        "2024-02-29",
        "0000-01-01",
        "9999-12-31",
        "2025-06-01",
    ],
    FieldKind.TIME: ["8:30", "08:30", "23:59:59", "24:00", "07:59", "18:00:01"],
    FieldKind.DATETIME: ["2025-06-01T08:30", "2024-02-30T08:00", "2024-12-31T23:59:59", "x"],
    FieldKind.BOOLEAN: ["true", 1, 0, None, False, True],
    FieldKind.CONSENT: [False, "ja", True, None],
    FieldKind.CHOICE: ["zzz", "", 5, None],
    FieldKind.MULTICHOICE: [[], "a", [1], ["zzz"]],
    FieldKind.EMAIL: ["a@b.de", "A@B", "ä@ö.de", "a@b..de", "x" * 250 + "@b.de"],
    FieldKind.PHONE: ["+49 351 1", "12", "abc"],
    FieldKind.URL: ["https://x.de", "ftp://x"],
    FieldKind.POSTAL_CODE: ["01067", "1067", 1067],
    FieldKind.IBAN: [
        "DE89370400440532013000",
        "DE89370400440532013001",
        "de89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "XX89370400440532013000",
        "GB82WEST12345698765432",
        "GB82WEST1234569876543",
        "NO9386011117947",
        "DE00370400440532013000",
        "DE99370400440532013000",
        "NO93860111179470",
    ],
    FieldKind.BIC: ["COBADEFFXXX", "AAAAZZAA", "DEUTDEFF", "DEUTDEF", "AAAAXKAA", "COBADEFF1"],
    FieldKind.TAX_ID: ["86095742719", "86095742710", "11111111111", "12345678903", "06095742719"],
    FieldKind.FILE: [
        {"name": "a.pdf", "media_type": "application/pdf", "size": 1024},
        {"name": "a.png", "media_type": "image/png", "size": 1536 * 1024},
        {"name": "a.txt", "media_type": "text/plain", "size": 5},
        {"name": "a.pdf", "media_type": "application/pdf", "size": 5.0, "ref": ""},
        {"name": "😀" * 255, "media_type": "application/pdf", "size": 0, "sha256": "a" * 64},
    ],
}
TRICKY[FieldKind.TEXTAREA] = TRICKY[FieldKind.TEXT]


def edge_cases(form: ir.Form) -> list[Any]:
    """Submissions at the edges: each field given tricky values, hidden and computed values
    sent, repeats too short and too long, alternatives ambiguous, unknown keys, nested as deep as
    the validator reads. (Not an object, too deep, too large: no page sends them.)"""
    base = submission(form, RandomSource(7), "valid")
    cases: list[Any] = [{}, {"zz": 1, "1": 2, "a~/b": 3}, base, _deep(validate_module.MAX_DEPTH)]
    cases += [submission(form, RandomSource(seed), "lenient") for seed in range(3)]
    seen: dict[FieldKind, int] = {}
    for where, element in _places(form.children, ()):
        if isinstance(element, ir.Field):
            seen[element.kind] = seen.get(element.kind, 0) + 1
            if seen[element.kind] > 3:
                continue
            values = TRICKY.get(element.kind, []) + list(
                (element.codelist.values if element.codelist else ())[:2]
            )
            if element.kind is FieldKind.MULTICHOICE and element.codelist:
                values += [list(element.codelist.values[:1]) * 2, list(element.codelist.values)]
            cases += [_put(base, where, value) for value in values]
        elif isinstance(element, ir.Computed):
            cases += [_put(base, where, "1"), _put(base, where, None)]
        elif isinstance(element, ir.Repeat):
            rows = [{} for _ in range((element.max or 3) + 1)]
            cases += [_put(base, where, rows), _put(base, where, []), _put(base, where, [None])]
            cases += [_put(base, where, {"a": 1}), _put(base, where, [{"zz": 1}])]
            # a row sent without its list, nested repeats and all: rules must not read it
            row = {c.name: [{}] for c in element.children if isinstance(c, ir.Repeat)}
            cases += [_put(base, where, row)] if row else []
        elif isinstance(element, ir.Alternative):
            names = [b.name for b in element.branches]
            both = {n: {"zz": 1} for n in names}
            cases += [_put(base, where, both), _put(base, where, {"$choice": names[-1], **both})]
            cases += [_put(base, where, {"$choice": "zzz"}), _put(base, where, {"$choice": 5})]
            cases += [
                _put(base, where, {}),
                _put(base, where, "x"),
                _put(base, where, {names[0]: 5}),
            ]
        elif isinstance(element, ir.Group):
            cases += [_put(base, where, "x"), _put(base, where, {"$choice": 1, "zz": None})]
    return cases


def _places(
    elements: tuple[ir.Element, ...], at: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Each data element with where it goes in a submission (a repeat's first row)."""
    for element in elements:
        if isinstance(element, ir.Page):
            yield from _places(element.children, at)
            continue
        if isinstance(element, ir.Info):
            continue
        here = (*at, element.name)
        yield here, element
        if isinstance(element, ir.Group):
            yield from _places(element.children, here)
        elif isinstance(element, ir.Repeat):
            yield from _places(element.children, (*here, 0))
        elif isinstance(element, ir.Alternative):
            for branch in element.branches:
                yield from _places(branch.children, (*here, branch.name))


def _put(data: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    here: Any = out
    for step, following in itertools.pairwise(where):
        empty: Any = [{}] if isinstance(following, int) else {}
        if isinstance(here, list):
            while len(here) <= step:
                here.append({})
            here = here[step]
        else:
            if not isinstance(here.get(step), type(empty)) or not here.get(step):
                here[step] = empty
            here = here[step]
    here[where[-1]] = value
    return out


def _deep(levels: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for _ in range(levels):
        data = {"a": data}
    return data


def lenient_temporal(form: ir.Form, data: Any) -> bool:
    """Whether `data` has a value in a date, time or date-time field that Python's
    `fromisoformat` reads although it is not the canonical spelling ("2025-06-01 08:30",
    "20250601", "08:30Z"). The field check refuses it, but conditions and formulas read it as a
    date: the browser runtime reads only the canonical spellings (reported as a difference)."""
    parsers = {
        FieldKind.DATE: (dt.date.fromisoformat, r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        FieldKind.TIME: (dt.time.fromisoformat, r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"),
        FieldKind.DATETIME: (
            dt.datetime.fromisoformat,
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?",
        ),
    }
    for value, kind in _field_values(form.children, data):
        if kind in parsers and isinstance(value, str):
            parse, canonical = parsers[kind]
            try:
                parse(value)
            except ValueError:
                continue
            if not re.fullmatch(canonical, value, re.ASCII):
                return True
    return False


def _field_values(elements: tuple[ir.Element, ...], data: Any) -> Iterator[tuple[Any, FieldKind]]:
    if not isinstance(data, dict):
        return
    for element in elements:
        if isinstance(element, ir.Page):
            yield from _field_values(element.children, data)
        elif isinstance(element, ir.Field) and element.name in data:
            yield data[element.name], element.kind
        elif isinstance(element, ir.Group):
            yield from _field_values(element.children, data.get(element.name))
        elif isinstance(element, ir.Repeat) and isinstance(data.get(element.name), list):
            for row in data[element.name]:
                yield from _field_values(element.children, row)
        elif isinstance(element, ir.Alternative) and isinstance(data.get(element.name), dict):
            for branch in element.branches:
                yield from _field_values(branch.children, data[element.name].get(branch.name))


INPUTS = json.loads(
    (Path(__file__).resolve().parent / "vectors" / "inputs.json").read_text(encoding="utf-8")
)


def test_typed_inputs_are_read_as_python_reads_them(runtime: Runtime) -> None:
    """tests/vectors/inputs.json: the page's reading of an input equals html_input.read_value."""
    from formlang.html_input import read_value

    for vector in INPUTS["vectors"]:
        request = {"op": "read_value", **{k: vector[k] for k in ("kind", "text", "lang")}}
        expected = read_value(FieldKind(vector["kind"]), vector["text"], vector["lang"])
        assert expected == vector["value"]
        assert runtime.ask(request) == vector["value"], vector
