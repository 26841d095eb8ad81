/* formlang browser runtime: the verdict of formlang's Python validator, in the browser.
 *
 * In a page it starts on every form[data-fl-form] and defines no global name; in Node,
 * require() returns the API:
 * formlang.validate(program, data, today) -> {ok, errors, data}, as Form.validate(...).to_json()
 * formlang.state(program, data, today) -> {visible: {pointer: bool}, computed: {pointer: value}}
 * formlang.evaluate(expr, {data, today, rows}) -> the value of one program expression, as JSON
 * formlang.today() -> today in Europe/Berlin, "YYYY-MM-DD"
 * `program` is formlang.client_program.client_program(form, lang); `data` an object as a page
 * makes it from its inputs (what no page sends, not an object, too deep or too large, is the
 * server's to refuse); `today` is "YYYY-MM-DD" (default: today in Europe/Berlin).
 * docs/browser-runtime.md describes them.
 *
 * Values while evaluating: Dec (a number, exact: m × 10**e with a BigInt m; 28 significant
 * digits in arithmetic, like Python's default decimal context), Tm (a date, a time or both:
 * milliseconds since 1970-01-01, no time zone), Du (a duration: months and days), strings,
 * booleans, null (empty or unknown), and tuples: arrays marked `t`, the lists the evaluator
 * makes, unlike the lists of a submission.
 *
 * The file is sent with every page, so it has a budget in bytes minified with terser
 * (tests/test_js_runtime.py; docs/browser-runtime.md has the sizes). So what is the same for
 * every submission is worked out in Python (formlang/client_program.py: the walk of a
 * reference, the codes and wording of fixed limits, the order of the elements, the patterns of
 * IBANs and BICs by country), the page brings its own wiring (selectors, classes, attributes and
 * formats: `ui` from formlang/html_render.py), and the code is written for the minifier: arrow
 * functions whose locals are default parameters (`(a, b, x = f(a)) => …`, one expression
 * instead of `{ const …; return … }`; never on a callback that is given more arguments), shared
 * helpers, no long string twice (DATE, TIME, DATETIME), constructors as plain functions.
 */
(() => {
  const isArr = Array.isArray;
  const keys = Object.keys;
  const isInt = Number.isInteger;
  const own = Object.hasOwn;
  const isObj = v => v != null && Object.getPrototypeOf(v) == Object.prototype; // a JSON object
  const get = (o, k) => (isObj(o) && own(o, k) ? o[k] : null);
  const str = v => typeof v == 'string';
  const bool = v => typeof v == 'boolean';
  const isNum = v => typeof v == 'number';
  const tp = a => ((a.t = 1), a); // a tuple
  const fail = () => { throw 0 };
  const tryNull = f => { try { return f() } catch { return null } };
  // what Python's str.strip() removes: JavaScript's \s without U+FEFF, and U+001C-U+001F, U+0085
  const W = '(?:[^\\S\\ufeff]|[\\x1c-\\x1f\\x85])';
  const BLANK = RegExp(`^${W}*$`, 'u');
  const TRIM = RegExp(`^${W}+|${W}+$`, 'gu');
  const empty = v => v == null || (str(v) ? BLANK.test(v) : isArr(v) ? !v.length : isObj(v) && !keys(v).length);
  const RX = new Map();
  const re = p => RX.get(p) || RX.set(p, RegExp(`^(?:${p})$`, 'u')).get(p);
  const pad = x => ('' + x).padStart(2, '0');
  const parts = p => p.split('/').slice(1); // of a JSON pointer (names are identifiers: no ~)
  const DIGITS = /^\d+$/;

  // ---- numbers: Python's int and Decimal, both exact ----
  const Dec = function (m, e = 0, i) { this.m = BigInt(m); this.e = e; this.i = i }; // m × 10**e; i: an int
  const dec = (m, e) => new Dec(m, e);
  const int = m => new Dec(m, 0, 1);
  const isD = v => v instanceof Dec;
  const num = v => isD(v) || fail();
  const p10 = k => 10n ** BigInt(k);
  const abs = m => (m < 0 ? -m : m);
  const len = m => ('' + abs(m)).length;
  // n/d × 10**x (d > 0) to a multiple of 10**E, half up (half even if `even`)
  const rd = (n, d, x, E, even, a = abs(n) * p10(x > E ? x - E : 0), b = d * p10(x > E ? 0 : E - x), q = a / b, r = 2n * (a % b)) =>
    dec((n < 0 ? -1n : 1n) * (q + BigInt(r > b || (r == b && (!even || q % 2n)))), E);
  // n/d × 10**x to 28 significant digits (half even, as Python's decimal context), canonical:
  // no trailing zeros, no exponent (evaluate.canonical)
  const r28 = (n, d = 1n, x = 0, L = len(n) - len(d), a = abs(n), adj = L + x - !(L < 0 ? a * p10(-L) >= d : a >= d * p10(L))) =>
    adj > 999999 ? fail() : canon(rd(n, d, x, adj - 27, 1));
  const canon = ({ m, e }) => {
    if (e > 0) (m *= p10(e)), (e = 0);
    while (e < 0 && !(m % 10n)) (m /= 10n), e++;
    return dec(m, e);
  };
  const align = (a, b, e = Math.min(a.e, b.e)) => [a.m * p10(a.e - e), b.m * p10(b.e - e), e];
  // two numbers, else it throws; two ints: exact, as Python's int
  const arith = (o, a, b, [x, y, e] = num(a) && num(b) && align(a, b), z = o == '*' ? x * y : o == '+' ? x + y : x - y) =>
    a.i && b.i ? int(z) : r28(z, 1n, o == '*' ? 2 * e : e);
  // Python's Decimal(text): white space around, underscores, any Unicode decimal digit
  const ND = /\p{Nd}/u;
  const pyDec = s => {
    s = s.replace(TRIM, '').replace(/_/g, '').replace(/\p{Nd}/gu, c => {
      let p = c.codePointAt(0), z = p;
      while (ND.test(String.fromCodePoint(z - 1))) z--;
      return (p - z) % 10;
    });
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s), f = (m && m[3]) || '', e = m && (m[4] || 0) - f.length;
    return m && m[2] + f && Math.abs(e) < 1e6 ? canon(dec(m[1] + '0' + m[2] + f, e)) : null;
  };
  const fix = ({ m, e }, s = ('' + abs(m * p10(e > 0 ? e : 0))).padStart(1 - e, '0')) => // format(Decimal, "f")
    (m < 0 ? '-' : '') + (e < 0 ? s.slice(0, e) + '.' + s.slice(e) : s);

  // ---- dates, times, durations ----
  const DATE = 'date', TIME = 'time', DATETIME = 'datetime'; // the kinds of a Tm
  const Tm = function (k, t) { this.k = k; this.t = t }; // k: date, time, datetime; t: ms since 1970, no time zone
  const Du = function (m, d) { this.m = m; this.d = d };
  const isT = v => v instanceof Tm;
  const isU = v => v instanceof Du;
  const DAY = 864e5;
  const dayAt = (y, m, d) => new Date(0).setUTCFullYear(y, m - 1, d); // a month or day beyond its end runs over
  // every Tm lies in the years 1 to 9999, where toISOString() writes "YYYY-MM-DDTHH:MM:SS.sssZ"
  const isoAt = t => new Date(t).toISOString();
  const ymd = t => isoAt(t).slice(0, 10).split('-').map(Number);
  const TM = /^(?:(\d{4})-(\d\d)-(\d\d))?(T)?(?:(\d\d):(\d\d)(?::(\d\d))?)?$/;
  // the canonical spellings only: 2024-02-29, 08:30[:05], 2024-02-29T08:30[:05]; a day that does
  // not exist (2023-02-29) is written back as another
  const parseT = (k, v, [, y, mo, d, T, h, mi, s = 0] = (str(v) && TM.exec(v)) || [1], t = (y ? dayAt(y, mo, d) : 0) + (h ? ((h * 60 + +mi) * 60 + +s) * 1e3 : 0)) =>
    !(k == DATE ? y && !T && !h : k == TIME ? !y && !T && h : y && T && h) || (y && (y < 1 || isoAt(t).slice(0, 10) != v.slice(0, 10))) || h > 23 || mi > 59 || s > 59 ? null : new Tm(k, t);
  // 2024-02-29, 08:30 (seconds when not zero, or `full`), 2024-02-29T08:30
  const iso = (v, full, x = isoAt(v.t), e = full || v.t % 6e4 ? 19 : 16) => (v.k == TIME ? x.slice(11, e) : x.slice(0, v.k == DATE ? 10 : e));
  const inRange = t => (isoAt(t) > '0001' && isoAt(t)[4] == '-' ? t : fail()); // years 1 to 9999
  // evaluate.shift: the months first (to a month's last day at most), then the days
  const shift = (v, du, [y, m, d] = v.k == TIME ? fail() : ymd(v.t), [Y, N] = ymd(inRange(dayAt(y, m + du.m, 1)))) =>
    new Tm(v.k, inRange(dayAt(Y, N, Math.min(d, ymd(dayAt(Y, N + 1, 0))[2])) + du.d * DAY) + v.t - dayAt(y, m, d));
  // now in Europe/Berlin, "2024-02-29T08:30:05" (Swedish writes it as ISO does, with a space)
  const berlin = () => new Date().toLocaleString('sv', { timeZone: 'Europe/Berlin' }).replace(' ', 'T');
  const day = t => (isT(t) ? t : parseT(DATE, t) || parseT(DATE, berlin().slice(0, 10)));

  // ---- comparing ----
  const sgn = x => (x > 0) - (x < 0);
  const order = (a, b) => // -1, 0 or 1; null: not ordered (1 month against 30 days); throws: not comparable
    isD(a) && isD(b) ? sgn((([x, y]) => x - y)(align(a, b)))
      : isT(a) && isT(b) && a.k == b.k ? sgn(a.t - b.t)
        : isU(a) && isU(b) ? (a.m != b.m && a.d != b.d ? null : sgn(a.m - b.m || a.d - b.d)) : fail();
  const eq = (a, b) => // tuples as sets (a multiple choice and a list of codes)
    isArr(a) && a.t && isArr(b) && b.t ? a.every(x => has(b, x)) && b.every(y => has(a, y)) : a === b || tryNull(() => order(a, b)) === 0;
  const has = (list, x) => list.some(y => eq(x, y));

  // ---- operators and functions, by number ({"op": 21}): formlang/client_program.py OPS lists
  // them in this order (tests/test_js_runtime.py checks it). Python writes a != b as not(a == b),
  // a > b as b < a, a >= b as not(a < b), `not in` as not(in), and age() with year(), month()
  // and day() ----
  const neg = v => (isU(v) ? new Du(-v.m, -v.d) : num(v) && v.i ? int(-v.m) : r28(-v.m, 1n, v.e));
  const add = (a, b) =>
    isT(a) && isU(b) ? shift(a, b)
      : isU(a) && isT(b) ? shift(b, a)
        : isU(a) && isU(b) ? new Du(a.m + b.m, a.d + b.d)
          : str(a) && str(b) ? a + b : arith('+', a, b);
  const values = v => (v || []).filter(x => x != null);
  const count = v => int(isArr(v) ? v.filter(x => isObj(x) || !empty(x)).length : +!empty(v));
  const part = i => v => v && int(i < 3 ? ymd(v.t)[i] : new Date(v.t).getUTCDay() || 7);
  // min(list) of its known values, min(a, b, …) unknown if one is
  const extreme = w => (...a) => (a[1] === undefined ? (a = values(a[0])) : a).includes(null) ? null : a.length ? a.reduce((m, x) => (order(x, m) * w > 0 ? x : m)) : null;
  const AND = 0, OR = 1, TODAY = 2, NOW = 3, STRICT = 19; // ev() knows the first four itself
  const F = [
    /* 0 and */, /* 1 or */, /* 2 today */, /* 3 now */,
    /* 4 in */ (a, b) => (b == null ? (str(a) ? false : null) : a == null ? null : has(b, a) || (b.includes(null) ? null : false)),
    /* 5 empty */ empty, // x == null
    /* 6 year */ part(0),
    /* 7 month */ part(1),
    /* 8 day */ part(2),
    /* 9 weekday */ part(3),
    /* 10 is_empty */ v => (isArr(v) && v.t ? !count(v).m : empty(v)),
    /* 11 matches */ (t, p) => (t == null ? null : re(p).test('' + t)),
    /* 12 count */ count,
    /* 13 sum */ v => values(v).reduce((s, x) => arith('+', s, x), new Dec(0, 0, values(v).every(x => x.i))),
    /* 14 min */ extreme(-1),
    /* 15 max */ extreme(1),
    /* 16 any */ v => (v || []).includes(true),
    /* 17 all */ v => values(v).every(x => x === true),
    /* 18 if */ (c, a, b) => (c === true ? a : b),
    // strict from here: null (unknown) in, null out; so is an error of arithmetic or of types
    /* 19 == */ eq,
    /* 20 < */ (a, b) => (order(a, b) ?? fail()) < 0,
    /* 21 + */ add,
    /* 22 - */ (a, b) => (isU(b) ? add(a, neg(b)) : arith('-', a, b)),
    /* 23 * */ (a, b) => arith('*', a, b),
    /* 24 / */ (a, b, q = b.m ? r28(b.m < 0 ? -a.m : a.m, abs(b.m), a.e - b.e) : fail(), r = rd(q.m, 1n, q.e, -10)) => (len(r.m) > 28 ? fail() : canon(r)), // to 10 places, half up
    /* 25 not */ v => !v,
    /* 26 neg */ neg,
    /* 27 days_between */ (a, b) => int(Math.floor((b.t - a.t) / DAY)),
    /* 28 len */ t => int([...('' + t)].length), // code points, as Python counts
    /* 29 round */ (v, k = dec(0), r = rd(v.m, 1n, v.e, -Number(k.m))) => (len(r.m) > 28 ? fail() : v.i && !k.m ? int(r.m) : canon(r)),
    /* 30 abs */ v => (v.i ? int(abs(v.m)) : r28(abs(v.m), 1n, v.e)),
  ].map((f, i) => (i < STRICT ? f : (...a) => (a.includes(null) ? null : tryNull(() => f(...a)))));
  const only = test => v => (test(v) ? v : null);
  const R = { // submitted JSON -> a value, by a reference's "type"; anything malformed is unknown
    decimal: v => (str(v) || isNum(v) ? pyDec('' + v) : null),
    integer: v => (isInt(v) || typeof v == 'bigint' ? int(v) : null),
    text: only(str),
    boolean: only(bool),
    codes: v => (isArr(v) ? tp([...v]) : null),
    branch: v => (isObj(v) && keys(v).length == 1 ? keys(v)[0] : null), // the chosen branch
  };
  for (const k of [DATE, TIME, DATETIME]) R[k] = v => parseT(k, v);
  const flat = v => tp(v.flatMap(x => (isArr(x) ? x : x == null ? [] : [x])));

  const ev = (x, c) => {
    if (x == null || typeof x != 'object') return isNum(x) ? int(x) : x;
    if (isArr(x)) return tp(x.map(v => ev(v, c)));
    const { op, args } = x, f = R[x.type];
    if (x.ref) { // evaluate._ref: from the data or a current row; null: the rows fan out
      let v = x.bound ? c.r[x.bound - 1] : c.d, many = 0;
      for (const k of x.ref) {
        if (k != null) v = many ? tp(v.map(r => get(r, k))) : get(v, k);
        else (v = many ? flat(v) : tp(isArr(v) ? [...v] : [])), (many = 1);
      }
      return !f || v == null ? v : x.list && isArr(v) ? tp(v.map(f)) : f(v);
    }
    if (op <= OR) { // and, or: three-valued
      const w = op == AND, a = ev(args[0], c), b = a === !w || ev(args[1], c);
      return a === !w || b === !w ? !w : a == null || b == null ? null : w;
    }
    if (op == TODAY) return c.t;
    if (op == NOW) { // on the real today the time now, on another day its midnight
      const now = berlin();
      return now.startsWith(iso(c.t)) ? parseT(DATETIME, now) : new Tm(DATETIME, c.t.t);
    }
    if (op != null) { // a call typed integer gives an int for a whole number, one typed decimal a Decimal
      const v = F[op](...args.map(v => ev(v, c)));
      return !isD(v) || x.int == null ? v : x.int ? (v.e ? v : int(v.m)) : dec(v.m, v.e);
    }
    const [k, v] = Object.entries(x)[0];
    return k == 'duration' ? new Du(...v) : R[k](v);
  };
  // a value as the effective data writes it: numbers of an integer field or value as JSON numbers
  // (BigInt beyond 2**53), other numbers as decimal strings
  const plain = (v, t) => (isD(v) ? (t == 'integer' && !v.e ? (v.m == Number(v.m) ? Number(v.m) : v.m) : fix(v))
    : isT(v) ? iso(v) : isU(v) ? [0, v.m, v.d] : isArr(v) ? v.map(x => plain(x, t)) : v);
  const ctx = (d, t, r = []) => ({ d, t, r }); // the data, today, the current rows
  const yes = (x, c) => x === undefined || ev(x, c) === true;

  // ---- checking one value (formlang/values.py) ----
  const STOP = 1; // a check whose failure ends the checking; above: run only when none failed
  const TESTS = [ // of a field's value, by number: formlang/client_program.py TESTS
    /* 0 integer */ isInt,
    /* 1 bounds */ (v, _, P, bounds) => bounds(dec(v)) || true, // an integer's; they report themselves
    /* 2 at_most */ (v, most) => v <= most,
    /* 3 at_least */ (v, least) => v >= least,
    // a JSON number or a decimal string, as a decimal string; a date or a time; with bounds
    /* 4 decimal */ (v, kind, P, bounds, s = str(v) ? v : isNum(v) ? fix(pyDec('' + v)) : '') => re(P.patterns[kind]).test(s) && (bounds(pyDec(s)), s),
    /* 5 temporal */ (v, kind, P, bounds, x = parseT(kind, v)) => x && (bounds(x), true),
    /* 6 text */ v => str(v) && !/\p{Cs}/u.test(v), // a lone surrogate is no text
    /* 7 spelled */ (v, kind, P) => re(P.patterns[kind]).test(v), // its kind's spelling; an IBAN's or BIC's country
    /* 8 pattern */ (v, p) => re(p).test(v),
    /* 9 string */ str,
    /* 10 strings */ v => isArr(v) && v.every(str),
    /* 11 boolean */ bool,
    /* 12 true */ v => v === true,
    /* 13 file */ (v, _, P) => isObj(v) && ['name', 'media_type', 'size'].every(k => own(v, k)) && keys(v).every(k => // P.file: the pattern of each text
      k == 'size' ? isInt(v[k]) && v[k] >= 0 : own(P.file, k) && str(v[k]) && re(P.file[k]).test(v[k])),
    /* 14 codes */ (v, codes) => [v].flat().every(x => codes.includes(x)),
    /* 15 unique */ v => new Set(v).size == v.length,
    /* 16 fewest */ (v, least) => v.length >= least,
    /* 17 most */ (v, most) => v.length <= most,
    /* 18 size */ (v, most) => v.size <= most,
    /* 19 media */ (v, p) => re(p).test(v.media_type),
    // schwifty.IBAN's check digits (ISO 7064 mod 97-10), after the pattern of its country
    /* 20 iban */ v => BigInt((v.slice(4) + v.slice(0, 4)).replace(/[A-Z]/g, x => parseInt(x, 36))) % 97n == 1,
    // stdnum.de.idnr: one digit twice or thrice in the first ten, ISO 7064 mod 11,10
    /* 21 tax_id */ (v, k = [...'0123456789'].map(d => v.slice(0, 10).split(d).length - 1).filter(x => x > 1)) =>
      k.length == 1 && k[0] < 4 && [...v].reduce((s, d) => ((((s || 10) * 2) % 11) + +d) % 10, 5) == 1,
  ];

  // ---- the validator (formlang/validate.py), with the effective data (formlang/effective.py).
  // Names are identifiers: only an unknown key needs escaping in a pointer. ----
  const FIELD = 0, COMPUTED = 1, GROUP = 2, REPEAT = 3, ALTERNATIVE = 4; // a node's `k`
  // messages.format_limit
  const limitText = (v, de, [y, m, d] = isT(v) ? ymd(v.t) : []) =>
    isT(v) ? (v.k == TIME ? iso(v).slice(0, 5) : v.k == DATETIME ? iso(v, 1).replace('T', ' ') : de ? pad(d) + '.' + pad(m) + '.' + y : iso(v))
      : !isD(v) ? '' + v : de ? fix(v).replace('.', ',').replace(/\d+/, i => i.replace(/\B(?=(\d{3})+$)/g, '.')) : fix(v);
  const ruleRows = (data, scope) => // pointers.rule_rows: [rows, data, pointer]
    scope.reduce((all, name, i) => all.flatMap(([rows, cur, p], _, __, v = get(cur, name), here = p + '/' + name) =>
      i + 1 < scope.length && !isArr(v) ? [[rows, v, here]] : (isArr(v) ? v : []).flatMap((row, j) => (isObj(row) ? [[[...rows, row], row, here + '/' + j]] : []))), [[[], data, '']]);

  const run = (P, data, t, S) => { // S: collects visibility and computed values for state()
    t = day(t);
    const places = new Map(P.order), found = [], invalid = [];
    // pointers.rank, flat: [1, place, 0, row, …] as a string of UTF-16 code units (rows and places
    // stay below 65,536), which sorts as the list does
    const rank = (ptr, names = []) => String.fromCharCode(...parts(ptr).flatMap(p => (DIGITS.test(p) && names[0] != null ? [0, +p] : (names.push(p), [1, places.get(names.join('.')) ?? places.size]))));
    // n: a node, a rule, or {f, u} for an unknown key; a limit of money to the cent
    const problem = (path, code, n = {}, x, text, severity = 'error', name = n.u || '', label = n.l ?? name, vals = { label, name, limit: x == null ? '' : limitText(n.t == 'money' && isD(x) ? rd(x.m, 1n, x.e, -2, 1) : x, P.de) }) =>
      found.push([rank(path), {
        path, field: n.f || '', label, code, message: text || P.messages[code].replace(/\{(\w+)\}/g, (_, k) => vals[k]),
        severity, location: n.s ? n.s.replace(/^\d+/, i => P.files[i]) : null,
      }]);
    const warn = (path, code, n) => problem(path, code, n, null, null, 'warning');
    const result = (data, errors = found.sort(([a], [b]) => (a > b) - (a < b)).map(e => e[1])) =>
      ({ ok: !errors.some(e => e.severity == 'error'), errors, data });
    // `data` is an object as a page makes it: what no page sends (not an object, too deep, too
    // large: validate._too_much) is left to the server, which refuses it before it reads it

    // the effective data: what is shown and given, defaults, computed values; in the last
    // round (`fin`), the warnings and errors of what is left out. undefined: left out
    let fin = 0;
    const row = (c, r) => ({ ...c, r: [...c.r, r] }); // the context in a row
    const unknown = (raw, names, p) => fin && keys(raw).filter(k => !names.includes(k)).sort().forEach(k => problem(p + '/' + k.replace(/~/g, '~0').replace(/\//g, '~1'), 'unknown_field', { f: k, u: k }));
    const obj = (nodes, raw, seen, c, p) => {
      const out = {};
      for (const n of nodes) {
        let v = own(raw, n.n) ? raw[n.n] : undefined;
        const h = p + '/' + n.n, shown = yes(n.w, c);
        if (!shown || n.k == COMPUTED) fin && !empty(v) && warn(h, shown ? 'computed_value' : 'hidden_value', n);
        else if ((v = value(n, v, get(seen, n.n), c, h)) !== undefined) out[n.n] = v;
      }
      unknown(raw, nodes.map(n => n.n), p);
      for (const n of nodes) {
        const v = n.k == COMPUTED && yes(n.w, c) ? ev(n.x, c) : null;
        if (!empty(v)) out[n.n] = plain(v, n.t);
      }
      return out;
    };
    const value = (n, v, seen, c, p) => {
      if (v === undefined && n.k == GROUP) v = {};
      if (v === undefined) return 'd' in n ? plain(ev(n.d, ctx({}, t)), n.t) : v;
      if (n.k == FIELD) return empty(v) || (n.t == 'consent' && v === false) ? undefined : v;
      if (n.k == REPEAT ? !isArr(v) : !isObj(v)) return empty(v) ? undefined : v;
      let out = {};
      if (n.k == GROUP) out = obj(n.c, v, isObj(seen) ? seen : {}, c, p);
      else if (n.k == REPEAT) {
        out = v.slice(0, n.max + 1).map((r, i, _, s = isArr(seen) && isObj(seen[i]) ? seen[i] : {}) => (isObj(r) ? obj(n.c, r, s, row(c, s), p + '/' + i) : r));
      } else { // an alternative: one branch, chosen by its key or by "$choice"
        const filled = n.c.filter(b => !empty(get(v, b.n)));
        let present = filled[0] ? filled : n.c.filter(b => isObj(get(v, b.n)));
        if (own(v, '$choice')) {
          const b = n.c.find(b => b.n === v.$choice);
          if (fin) b ? present.filter(o => o != b).forEach(o => warn(p + '/' + o.n, 'hidden_value', o)) : problem(p, 'alternative_choice', n);
          present = b ? [b] : [];
        } else if (fin && present[1]) problem(p, 'alternative_ambiguous', n);
        for (const b of present.slice(0, 1)) out[b.n] = value(b, own(v, b.n) ? v[b.n] : {}, get(seen, b.n), c, p + '/' + b.n) ?? {};
        unknown(v, ['$choice', ...n.c.map(b => b.n)], p);
      }
      return keys(out)[0] ? out : undefined;
    };
    // conditions see the data after hiding: repeated until nothing changes (at most 12 times)
    const round = seen => obj(P.nodes, data, seen, ctx(seen, t), '');
    const json = x => JSON.stringify(x, (k, v) => (typeof v == 'bigint' ? v + 'n' : v));
    let out = round(data);
    for (let i = 0, next; i < 12 && json((next = round(out))) != json(out); i++) out = next;
    fin = 1;
    out = round(out);

    // the checks of the effective data: requiredness, values, repeats
    const checkObj = (nodes, obj, c, ptr) => nodes.forEach(n => {
      const h = ptr + '/' + n.n, shown = yes(n.w, c), v = get(obj, n.n);
      if (S && 'w' in n) S.visible[h] = shown;
      if (n.k == COMPUTED) S && (S.computed[h] = v);
      else if (shown) v == null ? missing(n, c, h) : (obj[n.n] = present(n, v, c, h));
    });
    const missing = (n, c, h) => (n.k == GROUP ? checkObj(n.c, {}, c, h) : yes(n.r, c) && problem(h, n.rq, n, n.lim?.[0]));
    const present = (n, v, c, h) => {
      if (n.k == FIELD) return check(n, v, h);
      if (n.k == REPEAT ? !isArr(v) || !v.every(isObj) : !isObj(v)) problem(h, n.tc, n);
      else if (n.k == GROUP) checkObj(n.c, v, c, h);
      else if (n.k == ALTERNATIVE) n.c.forEach(b => own(v, b.n) && (v[b.n] = present(b, v[b.n], c, h + '/' + b.n)));
      else {
        if (v.length < n.min) problem(h, n.rq, n, n.lim[0]);
        if (v.length > n.max) problem(h, 'repeat_max', n, n.lim[1]);
        else v.forEach((r, i) => checkObj(n.c, r, row(c, r), h + '/' + i));
      }
      return v;
    };
    // one field's value (values.check_value), by its checks (`ck`, TESTS): the value in its
    // canonical spelling; after a problem, as it was (and the rules read it as empty)
    const check = (n, given, h, v = given) => {
      let bad = 0;
      const no = (code, lim, text) => { bad++; problem(h, code, n, lim, text) };
      const [min, max, step] = ['min', 'max', 'step'].map(k => k in n && ev(n[k], ctx({}, t)));
      const bounds = x => { // of a number, a date or a time
        try { // a bound of another type stops the comparing, like Python's TypeError
          if (min && order(x, min) < 0) no(n.minc, min);
          if (max && order(x, max) > 0) no(n.maxc, max);
        } catch {}
        if (step && step.m) { // (x - min) % step, in decimal arithmetic
          const [d, s] = align(arith('-', x, min || dec(0)), step);
          if (len(d / s) > 28 || d % s) no('step', step);
        }
      };
      for (const [test, code, flag, arg, lim, text] of n.ck) {
        if (flag > STOP && bad) break; // one that runs only when none failed before
        const r = TESTS[test](v, arg, P, bounds); // false or null: failed; true: passed; else: the value in its canonical spelling
        if (r == null || r === false) { no(code, lim, text); if (flag == STOP) break } else if (r !== true) v = r;
      }
      return bad ? (invalid.push(h), given) : v;
    };
    checkObj(P.nodes, out, ctx(out, t), '');
    // the rules, in each of their rows; an invalid value reads as empty (pointers.without)
    const eff = structuredClone(out);
    for (const p of invalid) {
      const s = parts(p), last = s.pop();
      let h = eff;
      for (const k of s) h = isArr(h) ? h[k] : own(h, k) ? h[k] : {};
      if (isObj(h)) delete h[last];
    }
    for (const r of P.rules) {
      for (const [rows, , p] of ruleRows(eff, r.sc)) {
        const c = ctx(eff, t, rows);
        if (yes(r.w, c) && ev(r.x, c) === false) problem(p + r.p, 'rule', r, null, r.m, r.v);
      }
    }
    return result(out);
  };

  const api = {
    validate: run, // (program, data, today)
    state: (P, data, today, S = { visible: {}, computed: {} }) => (run(P, data, today, S), S),
    evaluate: (x, c = {}) => plain(ev(x, ctx(c.data || {}, day(c.today), c.rows))),
    today: () => berlin().slice(0, 10),
  };
  // ---- the page: read the inputs, apply the conditions, add rows, show errors ----
  // Reading an input follows formlang/html_input.py (tests/vectors/inputs.json runs both).
  // A number with thousands: its digits ($1) and its decimal places ($2); German also
  // "1234,5" (html_input._GROUPED, with its two German forms in one).
  const GROUPED = {
    de: /^([+-]?(?:\d{1,3}(?:\.\d{3})+|\d+(?=,)))(?:,(\d+))?$/,
    en: /^([+-]?\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/,
  };
  // (a plain number is no English number with thousands; in German, 1.234 is one with them)
  const number = (text, lang, c = text.replace(/\s+/g, ''), g = GROUPED[lang].exec(c)) =>
    g ? g[1].replace(/[.,]/g, '') + (g[2] ? '.' + g[2] : '') : /^[+-]?\d+(\.\d+)?$/.test(c) ? c : null;
  const readValue = (kind, text, lang, n = number(kind == 'integer' ? text : text.replace(/€/g, ''), GROUPED[lang] ? lang : 'de'),
    c = text.replace(/\s+/g, ''), t = /^(\d{1,2})[:.](\d{2})$/.exec(text)) =>
    kind == 'iban' || kind == 'bic' ? c.toUpperCase() : kind == 'tax_id' ? c
      : kind == 'integer' ? (/^[+-]?\d{1,15}$/.test(n) ? +n : text)
        : kind == 'decimal' || kind == 'money' ? (n ? n.replace(/^\+/, '') : text)
          : kind == 'boolean' ? text == 'true' || (text != 'false' && text)
            : kind == 'consent' ? text == 'true' || null
              : kind == TIME && t ? pad(+t[1]) + ':' + t[2] : text;

  if (typeof document != 'undefined') {
    const doc = document;
    const $$ = (el, sel) => [...el.querySelectorAll(sel)];
    const each = (el, sel, f) => $$(el, sel).forEach(f);
    const q = (el, sel) => el.querySelector(sel);
    const at = e => e.dataset.flPath; // a JSON pointer
    const put = (data, path, value, p = parts(path), last = p.pop()) =>
      (p.reduce((h, k, i) => h[k] || (h[k] = DIGITS.test(p[i + 1] ?? last) ? [] : {}), data)[last] = value);
    // a value is put only when given (an empty group or row is never made), so what is left to
    // do: rows without an answer go (but are kept for `state`: each row on the page has its
    // conditions), and a list of only empty choices
    const prune = (v, rows) => {
      if (isArr(v)) return (v = rows ? Array.from(v, r => prune(r, rows) || {}) : v.map(r => prune(r)).filter(r => r && keys(r).length)).length ? v : undefined;
      if (isObj(v)) for (const k of keys(v)) if ((v[k] = prune(v[k], rows)) === undefined) delete v[k];
      return v;
    };
    const el = (tag, text, cls = '') => Object.assign(doc.createElement(tag), { className: cls, textContent: text });

    // The page's wiring (its selectors, classes and attributes: `ui`) and words (`texts`) come
    // with the program, from formlang/html_render.py, which renders the page they describe.
    const init = (form, { program: P, texts: words, ui: U } = JSON.parse(q(form, '[data-fl-program]').textContent)) => {
      const root = form.closest(U.root), sum = q(root, U.summary), on = (type, f, e = form) => e.addEventListener(type, f);
      const lang = P.lang, prefix = words.error_prefix;
      const all = (sel, f) => each(form, sel, f);
      const byPath = p => q(form, `[data-fl-path="${p}"]`);
      const rowsOf = rep => [...q(rep, U.rows).children];
      // not inside something hidden (or a row's template) of the form
      const shown = e => !form.contains(e.closest(U.hidden));
      // the submission the visible inputs mean: what the server reads from the same post
      const read = (rows, data = {}) => {
        if (rows) all(U.row, r => shown(r) && put(data, at(r), {}));
        all(U.alternative, (alt, _, __, c = q(alt, U.checked)) => c && shown(alt) && put(data, at(alt) + '/' + c.value, {})); // the chosen branch, even empty
        all(U.reads, f => {
          if (!shown(f)) return;
          const kind = f.dataset.flKind, ins = $$(f, U.controls), t = ins.map(i => i.value.trim());
          const two = x => x.replace(/^\d$/, '0$&'), one = ins.find(i => !/radio|checkbox/.test(i.type) || i.checked);
          let v = null;
          if (/^date/.test(kind)) {
            if (t.join('')) v = t[2] + '-' + two(t[1]) + '-' + two(t[0]) + (kind == DATE ? '' : 'T' + readValue(TIME, t[3], lang));
          } else if (kind == 'multichoice') {
            v = ins.filter(i => i.checked).map(i => i.value);
            if (!v.length) v = null;
          } else if (kind == 'file') {
            const file = ins[0].files[0], kept = q(f, U.kept);
            v = file ? { name: file.name, media_type: file.type || U.media, size: file.size } : kept && JSON.parse(kept.value);
          } else if (one && one.value.trim()) v = readValue(kind, one.value.trim(), lang);
          if (v != null) put(data, at(f), v);
        });
        return prune(data, rows) || {};
      };
      // as html_texts.show_value: U.formats has the Intl options of each kind it formats
      const show = (v, kind, o = U.formats[kind]) =>
        kind == 'boolean' ? words[v ? 'yes' : 'no']
          : !o ? '' + v
            : kind == DATE ? new Date(v + 'T00:00Z').toLocaleDateString(U.locale, o) : Intl.NumberFormat(U.locale, o).format(v);
      // a row's names (a.0.b.1), ids (fl-a-0-b-1) and pointers (/a/0/b/1) say its index: from
      // `from` ("%i" or a number) to `to`; the names in them are identifiers
      const renumber = (row, rep, from, to, legend = q(row, 'legend'), remove = q(row, U.remove),
        re = RegExp(`(${parts(at(rep)).join('[./-]')}[./-])${from}(?=$|[./-])`, 'g')) => {
        for (const e of [row, ...$$(row, '*')]) for (const a of e.attributes) {
          if (U.renumbered.includes(a.name)) a.value = a.value.replace(re, '$1' + to);
        }
        legend.textContent = legend.textContent.replace(/(\d+|%i)$/, to + 1);
        if (remove) remove.textContent = words.remove.replace('{}', legend.textContent);
      };
      const update = (S = { visible: {}, computed: {} }, full = run(P, read(1), 0, S).data) => { // state() and the effective data, in one run
        all(U.path, e => own(S.visible, at(e)) && (e.hidden = !S.visible[at(e)]));
        all(U.branch, e => (e.hidden = q(e.parentElement, U.checked)?.value != e.dataset.flBranch));
        all(U.when, (e, _, __, rows = []) => { // the condition of a page or an info text, in the rows around it
          parts(e.dataset.flScope || '').reduce((h, k) => ((h = h && h[k]), DIGITS.test(k) && rows.push(h), h), full);
          e.hidden = ev(JSON.parse(e.dataset.flWhen), ctx(full, day(), rows)) !== true;
        });
        all(U.output, (o, _, __, v = S.computed[at(o.closest(U.path))]) => (o.textContent = v == null ? '' : show(v, o.dataset.flKind)));
        all(U.repeat, (rep, _, __, n = rowsOf(rep).length) => { // no more rows than max, no fewer than min (one at least)
          q(rep, U.add).hidden = n >= rep.dataset.flMax;
          rowsOf(rep).forEach((r, _, __, b = q(r, U.remove)) => b && (b.hidden = n <= rep.dataset.flMin || n < 2));
        });
      };
      const focusIn = e => (q(e, U.inputs) || e).focus();
      const showErrors = (errors, list = q(sum, 'ul')) => {
        all(U.message, e => { e.hidden = true; e.textContent = '' });
        all(U.marked, e => { e.classList.remove(...U.marks); e.removeAttribute(U.invalid) });
        list.textContent = '';
        errors.forEach((err, _, __, where = byPath(err.path), c = where && q(where, U.controls), li = el('li', '')) => {
          const msg = where && q(where, U.messageOf);
          li.append(c ? el('a', err.message) : err.message);
          if (c) li.firstChild.href = '#' + c.id;
          list.append(li);
          if (!msg || !msg.hidden) return;
          msg.hidden = false;
          msg.append(el('span', prefix, U.unseen), err.message);
          where.classList.add(U.marks[0]);
          each(where, U.boxes, i => { i.setAttribute(U.invalid, 'true'); i.classList.add(U.marks[1]) }); // a field's own inputs
        });
        sum.hidden = false;
        if (!doc.title.startsWith(prefix)) doc.title = prefix + doc.title;
        sum.focus();
      };
      root.classList.add(U.js);
      on('click', e => {
        const b = e.target.closest(U.button);
        if (!b) return;
        e.preventDefault();
        const rep = b.closest(U.repeat), rows = rowsOf(rep), row = b.closest(U.row), index = rows.indexOf(row);
        if (b == q(rep, U.add)) { // add: a copy of the row template, numbered
          const row = q(rep, U.template).content.firstElementChild.cloneNode(true);
          renumber(row, rep, '%i', rows.length);
          q(rep, U.rows).append(row);
          focusIn(row);
        } else { // remove: the rows after it move up
          row.remove();
          rows.slice(index + 1).forEach((r, i) => renumber(r, rep, index + 1 + i, index + i));
          focusIn(rows[index + 1] || rows[index - 1] || q(rep, U.add));
        }
        update();
      });
      on('change', () => update());
      on('input', () => update());
      // a page of a longer form (the service's page by page) answers only for its own parts;
      // a button with `formnovalidate` ("save and continue later") sends without a check
      on('submit', (e, errors = e.submitter?.formNoValidate ? [] : run(P, read()).errors.filter(x => x.severity == 'error' && (!x.path || byPath('/' + x.path.split('/')[1])))) => {
        if (errors.length) return e.preventDefault(), showErrors(errors);
        // what is hidden is no answer: it is not sent
        all(U.inputs, c => { if (!shown(c)) c.disabled = true });
      });
      on('click', (e, a = e.target.closest('a'), t = a && doc.getElementById(a.hash.slice(1))) => {
        if (t) e.preventDefault(), t.focus(), t.closest(U.path).scrollIntoView();
      }, sum);
      update();
      if (!sum.hidden) sum.focus();
    };
    const start = () => each(doc, 'form[data-fl-form]', f => init(f));
    doc.readyState == 'loading' ? doc.addEventListener('DOMContentLoaded', start) : start();
  }

  // Node (the tests) gets the API; a page gets no global name at all.
  if (typeof module == 'object') module.exports = { ...api, readValue };
})();
