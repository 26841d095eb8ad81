/* formlang browser runtime: the verdict of formlang's Python validator, in the browser.
 *
 * In a page it starts on every form[data-fl-form] and defines no global name; in Node,
 * require() returns the API:
 * formlang.validate(program, data, today) -> {ok, errors, data}, as Form.validate(...).to_json()
 * formlang.state(program, data, today) -> {visible: {pointer: bool}, computed: {pointer: value}}
 * formlang.evaluate(expr, {data, today, rows}) -> the value of one program expression, as JSON
 * formlang.today() -> today in Europe/Berlin, "YYYY-MM-DD"
 * `program` is formlang.client_program.client_program(form, lang); `today` is "YYYY-MM-DD"
 * (default: today in Europe/Berlin). docs/browser-runtime.md describes both.
 *
 * Values while evaluating: Dec (a number, exact: m × 10**e with a BigInt m; 28 significant
 * digits in arithmetic, like Python's default decimal context), Tm (a date, a time or both:
 * days since 1970-01-01 and seconds, no time zone), Du (a duration: months and days),
 * strings, booleans, null (empty or unknown), and tuples: arrays marked `t`, the lists the
 * evaluator makes, unlike the lists of a submission.
 */
(() => {
  'use strict';
  const isArr = Array.isArray;
  const keys = Object.keys;
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isObj = v => v != null && typeof v == 'object' && Object.getPrototypeOf(v) == Object.prototype;
  const get = (o, k) => (isObj(o) && own(o, k) ? o[k] : null);
  const str = v => typeof v == 'string';
  const tp = a => ((a.t = 1), a);
  const fail = () => { throw 0 };
  const tryNull = f => { try { return f() } catch { return null } };
  const W = '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
  const BLANK = RegExp(`^${W}*$`, 'u'); // what Python's str.strip() removes
  const TRIM = RegExp(`^${W}+|${W}+$`, 'gu');
  const empty = v => v == null || (str(v) ? BLANK.test(v) : isArr(v) ? !v.length : isObj(v) && !keys(v).length);
  const RX = new Map();
  const re = p => RX.get(p) || RX.set(p, RegExp(`^(?:${p})$`, 'u')).get(p);
  const pad = (x, n = 2) => String(x).padStart(n, '0');
  const esc = s => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const cps = s => [...s].length; // Python's len(): code points

  // ---- numbers: Python's int and Decimal, both exact ----
  class Dec { constructor(m, e = 0, i) { this.m = BigInt(m); this.e = e; this.i = i } } // m × 10**e; i: an int
  const dec = (m, e) => new Dec(m, e);
  const int = m => new Dec(m, 0, 1);
  const isD = v => v instanceof Dec;
  const p10 = k => 10n ** BigInt(k);
  const abs = m => (m < 0 ? -m : m);
  const len = m => String(abs(m)).length;
  // n/d × 10**x (d > 0) to a multiple of 10**E, half up (half even if `even`)
  const rd = (n, d, x, E, even) => {
    const s = n < 0 ? -1n : 1n;
    n = abs(n);
    x > E ? (n *= p10(x - E)) : (d *= p10(E - x));
    const q = n / d, r = 2n * (n % d);
    return dec(s * (q + BigInt(r > d || (r == d && (!even || q % 2n)))), E);
  };
  // n/d × 10**x to 28 significant digits (half even, as Python's decimal context), canonical:
  // no trailing zeros, no exponent (evaluate.canonical)
  const r28 = (n, d = 1n, x = 0) => {
    const L = len(n) - len(d), a = abs(n), adj = L + x - !(L < 0 ? a * p10(-L) >= d : a >= d * p10(L));
    return adj > 999999 ? fail() : canon(rd(n, d, x, adj - 27, 1));
  };
  const canon = ({ m, e }) => {
    if (e > 0) (m *= p10(e)), (e = 0);
    while (e < 0 && !(m % 10n)) (m /= 10n), e++;
    return dec(m, e);
  };
  const align = (a, b, e = Math.min(a.e, b.e)) => [a.m * p10(a.e - e), b.m * p10(b.e - e), e];
  const cmpN = (a, b) => { const [x, y] = align(a, b); return (x > y) - (x < y) };
  const arith = (o, a, b) => { // two ints: exact, as Python's int
    const [x, y, e] = align(a, b), z = o == '*' ? x * y : o == '+' ? x + y : x - y;
    return a.i && b.i ? int(z) : r28(z, 1n, o == '*' ? 2 * e : e);
  };
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
  const fix = ({ m, e }) => { // format(Decimal, "f")
    const s = String(abs(m * p10(e > 0 ? e : 0))).padStart(1 - e, '0');
    return (m < 0 ? '-' : '') + (e < 0 ? s.slice(0, e) + '.' + s.slice(e) : s);
  };

  // ---- dates, times, durations ----
  class Tm { constructor(k, n, s) { this.k = k; this.n = n; this.s = s } } // k: date, time, datetime
  class Du { constructor(m, d) { this.m = m; this.d = d } }
  const isT = v => v instanceof Tm;
  const isU = v => v instanceof Du;
  const dayNo = (y, m, d) => { const t = new Date(0); t.setUTCFullYear(y, m - 1, d); return t / 864e5 };
  const ymd = n => { const t = new Date(n * 864e5); return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()] };
  const TM = /^(?:(\d{4})-(\d\d)-(\d\d))?(T)?(?:(\d\d):(\d\d)(?::(\d\d))?)?$/;
  const parseT = (k, v) => { // the canonical spellings only: 2024-02-29, 08:30[:05], 2024-02-29T08:30[:05]
    const m = str(v) && TM.exec(v);
    if (!m) return null;
    const [, y, mo, d, T, h, mi, s = 0] = m, n = y ? dayNo(y, mo, d) : 0, c = ymd(n);
    const shape = k == 'date' ? y && !T && !h : k == 'time' ? !y && !T && h : y && T && h;
    return !shape || (y && (y < 1 || c[1] != mo || c[2] != d)) || h > 23 || mi > 59 || s > 59 ? null : new Tm(k, n, h ? h * 3600 + mi * 60 + +s : 0);
  };
  const hms = (s, full) => pad((s / 3600) | 0) + ':' + pad(((s / 60) | 0) % 60) + (full || s % 60 ? ':' + pad(s % 60) : '');
  const ymdText = n => ymd(n).map((x, i) => pad(x, i ? 2 : 4)).join('-');
  const iso = t => (t.k == 'time' ? hms(t.s) : ymdText(t.n) + (t.k == 'date' ? '' : 'T' + hms(t.s)));
  const inRange = n => (ymd(n)[0] > 0 && ymd(n)[0] < 1e4 ? n : fail());
  const shift = (t, du) => { // evaluate.shift: the months first (to a month's last day at most), then the days
    const [y, m, d] = t.k == 'time' ? fail() : ymd(t.n), M = m - 1 + du.m, [Y, N] = ymd(inRange(dayNo(y, M + 1, 1)));
    return new Tm(t.k, inRange(dayNo(Y, N, Math.min(d, ymd(dayNo(Y, N + 1, 0))[2])) + du.d), t.s);
  };
  const berlin = () => {
    const [y, m, d, h, i, s] = new Date().toLocaleString('sv', { timeZone: 'Europe/Berlin' }).match(/\d+/g);
    return new Tm('datetime', dayNo(y, m, d), h * 3600 + i * 60 + +s);
  };
  const day = t => (isT(t) ? t : parseT('date', t) || new Tm('date', berlin().n, 0));

  // ---- comparing ----
  const sgn = x => (x > 0) - (x < 0);
  const order = (a, b) => // -1, 0 or 1; null: not ordered (1 month against 30 days); throws: not comparable
    isD(a) && isD(b) ? cmpN(a, b)
      : isT(a) && isT(b) && a.k == b.k ? sgn(a.n - b.n || a.s - b.s)
        : isU(a) && isU(b) ? (a.m != b.m && a.d != b.d ? null : sgn(a.m - b.m || a.d - b.d)) : fail();
  const eq = (a, b) => // tuples as sets (a multiple choice and a list of codes)
    isArr(a) && a.t && isArr(b) && b.t ? a.every(x => b.some(y => eq(x, y))) && b.every(y => a.some(x => eq(x, y)))
      : (isD(a) && isD(b)) || (isT(a) && isT(b)) || (isU(a) && isU(b)) ? tryNull(() => order(a, b)) === 0 : a === b;
  const member = (a, b) => (b == null ? (str(a) ? false : null) : a == null ? null : b.some(x => eq(a, x)) || (b.includes(null) ? null : false));

  // ---- operators and functions ----
  const num = v => isD(v) || fail();
  const neg = v => (isU(v) ? new Du(-v.m, -v.d) : num(v) && v.i ? int(-v.m) : r28(-v.m, 1n, v.e));
  const add = (a, b) =>
    isT(a) && isU(b) ? shift(a, b)
      : isU(a) && isT(b) ? shift(b, a)
        : isU(a) && isU(b) ? new Du(a.m + b.m, a.d + b.d)
          : str(a) && str(b) ? a + b : num(a) && num(b) && arith('+', a, b);
  const known = f => (a, b) => (a == null || b == null ? null : tryNull(() => f(a, b)));
  const ordered = t => known((a, b) => { const c = order(a, b); return c == null ? null : t(c) });
  const OPS = {
    '==': known(eq),
    '!=': known((a, b) => !eq(a, b)),
    '<': ordered(c => c < 0),
    '<=': ordered(c => c < 1),
    '>': ordered(c => c > 0),
    '>=': ordered(c => c > -1),
    in: member,
    'not in': (a, b) => { const m = member(a, b); return m == null ? null : !m },
    '+': known(add),
    '-': known((a, b) => (isU(b) ? add(a, neg(b)) : num(a) && num(b) && arith('-', a, b))),
    '*': known((a, b) => num(a) && num(b) && arith('*', a, b)),
    '/': known((a, b) => { // to 10 places, half up
      const q = cmpN(b, dec(0)) ? r28(b.m < 0 ? -a.m : a.m, abs(b.m), a.e - b.e) : fail(), r = rd(q.m, 1n, q.e, -10);
      return len(r.m) > 28 ? fail() : canon(r);
    }),
  };
  const values = v => (v || []).filter(x => x != null);
  const count = v => int(isArr(v) ? v.filter(x => isObj(x) || !empty(x)).length : +!empty(v));
  const strict = f => (...a) => (a.includes(null) ? null : tryNull(() => f(...a)));
  const part = i => v => v && int(i < 3 ? ymd(v.n)[i] : ((v.n % 7) + 10) % 7 + 1);
  const extreme = w => (...a) => {
    const one = a[1] === undefined, v = one ? values(a[0]) : a;
    return !one && v.includes(null) ? null : v.length ? v.reduce((m, x) => (order(x, m) * w > 0 ? x : m)) : null;
  };
  const FN = {
    days_between: strict((a, b) => int(Math.floor(b.n - a.n + (b.s - a.s) / 86400))),
    year: part(0),
    month: part(1),
    day: part(2),
    weekday: part(3),
    len: strict(t => int(cps(String(t)))),
    is_empty: v => (isArr(v) && v.t ? !count(v).m : empty(v)),
    matches: (t, p) => (t == null ? null : re(p).test(String(t))),
    count,
    sum: v => values(v).reduce((s, x) => arith('+', s, x), new Dec(0, 0, values(v).every(x => x.i))),
    min: extreme(-1),
    max: extreme(1),
    any: v => (v || []).includes(true),
    all: v => values(v).every(x => x === true),
    round: strict((v, k = dec(0)) => { const r = rd(v.m, 1n, v.e, -Number(k.m)); return len(r.m) > 28 ? fail() : v.i && !k.m ? int(r.m) : canon(r) }),
    abs: strict(v => (v.i ? int(abs(v.m)) : r28(abs(v.m), 1n, v.e))),
    if: (c, a, b) => (c === true ? a : b),
    age: (b, on) => b && on && ((x, y) => int(y[0] - x[0] - (y[1] * 32 + y[2] < x[1] * 32 + x[2])))(ymd(b.n), ymd(on.n)),
  };
  const branch = v => (isObj(v) && keys(v).length == 1 ? keys(v)[0] : null);
  const flat = v => tp(v.flatMap(x => (isArr(x) ? x : x == null ? [] : [x])));
  const CONV = { // submitted JSON -> a value; anything malformed is unknown
    date: v => parseT('date', v),
    time: v => parseT('time', v),
    datetime: v => parseT('datetime', v),
    decimal: v => (str(v) || typeof v == 'number' ? pyDec(String(v)) : null),
    integer: v => (Number.isInteger(v) || typeof v == 'bigint' ? int(v) : null),
    text: v => (str(v) ? v : null),
    boolean: v => (typeof v == 'boolean' ? v : null),
    codes: v => (isArr(v) ? tp([...v]) : null),
  };
  CONV.money = CONV.decimal;
  CONV.code = CONV.text;

  const ev = (x, c) => {
    if (x == null || typeof x != 'object') return typeof x == 'number' ? int(x) : x;
    if (isArr(x) || isArr(x.list)) return tp((x.list || x).map(v => ev(v, c)));
    const o = x.op, f = x.call, path = x.ref, [l, r] = x.args || [];
    if (path) { // evaluate._ref: a field of the form, of the current row, or of every row
      const R = x.repeats, b = x.bound, fan = R.slice(b).map(r => r.length), f = CONV[x.type];
      let v = b ? c.r[b - 1] : c.d, many = 0;
      for (let o = (b && R[b - 1].length) + 1; o <= path.length; o++) {
        v = many ? tp(v.map(r => get(r, path[o - 1]))) : get(v, path[o - 1]);
        if (fan.includes(o) && !(x.type == 'rows' && o == path.length)) (v = many ? flat(v) : tp(isArr(v) ? [...v] : [])), (many = 1);
        else if (fan.includes(o) && many) v = flat(v);
      }
      if (x.kind == 'alternative') v = many ? tp(v.map(branch)) : branch(v);
      return !f || v == null ? v : x.list && isArr(v) ? tp(v.map(f)) : f(v);
    }
    if (o == 'and' || o == 'or') { // three-valued
      const w = o == 'and', a = ev(l, c), b = a === !w || ev(r, c);
      return a === !w || b === !w ? !w : a == null || b == null ? null : w;
    }
    if (o == 'not' || o == 'neg') { const v = ev(l, c); return v == null ? null : o == 'not' ? !v : neg(v) }
    if ((o == '==' || o == '!=') && (l === null || r === null)) return empty(ev(l === null ? r : l, c)) == (o == '==');
    if (o) return OPS[o](ev(l, c), ev(r, c));
    if (f == 'today') return c.t;
    if (f == 'now') { const t = berlin(); return new Tm('datetime', c.t.n, t.n == c.t.n ? t.s : 0) }
    if (f) { // a call typed integer gives an int for a whole number, one typed decimal a Decimal
      const a = x.args.map(v => ev(v, c)), v = FN[f](...(f == 'age' && r === undefined ? [a[0], c.t] : a));
      return !isD(v) || !x.type ? v : x.type == 'integer' ? (v.e ? v : int(v.m)) : dec(v.m, v.e);
    }
    if (x.duration) return new Du(x.duration[0] * 12 + x.duration[1], x.duration[2]);
    const k = keys(x)[0];
    return k == 'decimal' ? pyDec(x[k]) : parseT(k, x[k]);
  };
  // a value as the effective data writes it: numbers of an integer field or value as JSON numbers
  // (BigInt beyond 2**53), other numbers as decimal strings
  const plain = (v, t) => (isD(v) ? (t == 'integer' && !v.e ? (v.m == Number(v.m) ? Number(v.m) : v.m) : fix(v))
    : isT(v) ? iso(v) : isU(v) ? [0, v.m, v.d] : isArr(v) ? v.map(x => plain(x, t)) : v);
  const ctx = (d, t, r = []) => ({ d, t, r }); // the data, today, the current rows
  const yes = (x, c) => x === undefined || ev(x, c) === true;

  // ---- effective data (formlang/effective.py); node kinds: f field, c computed, g group, r repeat,
  // a alternative ----
  const MISS = Symbol();
  const effective = (P, data, t) => {
    const notes = [];
    const unknown = (raw, names, path, fin) => fin && keys(raw).filter(k => !names.includes(k)).sort().forEach(k => notes.push(['unknown_field', [...path, k], null, k]));
    const obj = (nodes, raw, seen, c, path, fin) => {
      const out = {};
      for (const n of nodes) {
        const v = own(raw, n.n) ? raw[n.n] : MISS, here = [...path, n.n], shown = yes(n.w, c);
        if (!shown || n.k == 'c') {
          if (fin && v !== MISS && !empty(v)) notes.push([shown ? 'computed_value' : 'hidden_value', here, n]);
        } else {
          const kept = value(n, v, get(seen, n.n), c, here, fin);
          if (kept !== MISS) out[n.n] = kept;
        }
      }
      unknown(raw, nodes.map(n => n.n), path, fin);
      for (const n of nodes) {
        const v = n.k == 'c' && yes(n.w, c) ? ev(n.x, c) : null;
        if (!empty(v)) out[n.n] = plain(v, n.t);
      }
      return out;
    };
    const value = (n, v, seen, c, path, fin) => {
      if (v === MISS && n.k == 'g') v = {};
      if (v === MISS) return 'd' in n ? plain(ev(n.d, ctx({}, t)), n.t) : MISS;
      if (n.k == 'f') return empty(v) || (n.t == 'consent' && v === false) ? MISS : v;
      if (n.k == 'r' ? !isArr(v) : !isObj(v)) return empty(v) ? MISS : v;
      let out = {};
      if (n.k == 'g') out = obj(n.c, v, isObj(seen) ? seen : {}, c, path, fin);
      else if (n.k == 'r') {
        out = v.slice(0, n.max + 1).map((row, i) => {
          const s = isArr(seen) && isObj(seen[i]) ? seen[i] : {};
          return isObj(row) ? obj(n.c, row, s, { ...c, r: [...c.r, s] }, [...path, i], fin) : row;
        });
      } else { // an alternative: one branch, chosen by its key or by "$choice"
        const filled = n.c.filter(b => !empty(get(v, b.n)));
        let present = filled[0] ? filled : n.c.filter(b => isObj(get(v, b.n)));
        if (own(v, '$choice')) {
          const b = n.c.find(b => b.n === v.$choice);
          if (fin) b ? present.filter(o => o != b).forEach(o => notes.push(['hidden_value', [...path, o.n], o])) : notes.push(['alternative_choice', path, n]);
          present = b ? [b] : [];
        } else if (fin && present[1]) notes.push(['alternative_ambiguous', path, n]);
        for (const b of present.slice(0, 1)) {
          const inner = value(b, own(v, b.n) ? v[b.n] : {}, get(seen, b.n), c, [...path, b.n], fin);
          out[b.n] = inner === MISS ? {} : inner;
        }
        unknown(v, ['$choice', ...n.c.map(b => b.n)], path, fin);
      }
      return keys(out)[0] ? out : MISS;
    };
    // conditions see the data after hiding: repeated until nothing changes (at most 12 times)
    const round = (seen, fin) => obj(P.nodes, data, seen, ctx(seen, t), [], fin);
    const json = x => JSON.stringify(x, (k, v) => (typeof v == 'bigint' ? v + 'n' : v));
    let cur = round(data);
    for (let i = 0, next; i < 12 && json((next = round(cur))) != json(cur); i++) cur = next;
    return [round(cur, 1), notes];
  };

  // ---- checking one value (formlang/values.py): [[code, limit], …] ----
  const FILE = ['name', 'media_type', 'size', 'sha256', 'ref'];
  const within = (s, most) => str(s) && cps(s) > 0 && cps(s) <= most;
  const TYPES = { // the right kind of JSON value; else type_<kind> (not_a_code, required_consent)
    integer: Number.isInteger,
    boolean: v => typeof v == 'boolean',
    consent: v => v === true,
    choice: str,
    multichoice: v => isArr(v) && v.every(str),
    file: v => isObj(v) && FILE.slice(0, 3).every(k => own(v, k)) && keys(v).every(k => FILE.includes(k)) && within(v.name, 255) && str(v.media_type) &&
      /^[a-z]+\/[a-z0-9.+-]+$/.test(v.media_type) && Number.isInteger(v.size) && v.size >= 0 && (!own(v, 'sha256') || (str(v.sha256) && /^[0-9a-f]{64}$/.test(v.sha256))) && (!own(v, 'ref') || within(v.ref, 500)),
  };
  const bounds = (x, b, p = []) => {
    if (b.min && cmpN(x, b.min) < 0) p.push(['min', b.min]);
    if (b.max && cmpN(x, b.max) > 0) p.push(['max', b.max]);
    if (b.step && b.step.m) { // (x - min) % step, in decimal arithmetic
      const [d, s] = align(arith('-', x, b.min || dec(0)), b.step);
      if (len(d / s) > 28 || d % s) p.push(['step', b.step]);
    }
    return p;
  };
  const iban = (c, v) => !!c && c[0] == v.length && re(c[1]).test(v.slice(4)) && // schwifty.IBAN: length, BBAN, check digits
    pad(98 - Number((BigInt((v.slice(4) + v.slice(0, 2)).replace(/[A-Z]/g, x => x.charCodeAt(0) - 55)) * 100n) % 97n)) == v.slice(2, 4);
  const taxId = v => { // stdnum.de.idnr: one digit twice or thrice in the first ten, ISO 7064 mod 11,10
    const c = {};
    let s = 5;
    for (const d of v) (c[d] = (c[d] || 0) + 1), (s = ((((s || 10) * 2) % 11) + +d) % 10);
    c[v[10]]--;
    const k = Object.values(c).filter(x => x > 1);
    return k.length == 1 && k[0] < 4 && s == 1;
  };
  const check = (P, n, v, b) => { // [canonical value, problems]
    const t = n.t, codes = n.codes, p = [];
    if (TYPES[t] && !TYPES[t](v)) return [v, [[t == 'consent' ? 'required_consent' : t == 'choice' ? 'not_a_code' : 'type_' + t]]];
    if (t == 'integer') {
      const MAX = Number.MAX_SAFE_INTEGER;
      return [v, bounds(dec(v), b)[0] ? bounds(dec(v), b) : Math.abs(v) > MAX ? [v > 0 ? ['max', dec(MAX)] : ['min', dec(-MAX)]] : []];
    }
    if (t == 'decimal' || t == 'money') { // a JSON number is written as a decimal string
      const s = str(v) ? v : typeof v == 'number' ? fix(pyDec(String(v))) : '';
      return re(P.patterns[t]).test(s) ? [s, bounds(pyDec(s), b)] : [v, [['type_' + t]]];
    }
    if (t == 'date' || t == 'time' || t == 'datetime') {
      const x = parseT(t, v), pre = t == 'time' ? 'time_' : 'date_';
      if (!x) p.push(['type_' + t]);
      else try { // a bound of another type stops the comparing, like Python's TypeError
        if (b.min && order(x, b.min) < 0) p.push([n.minc || pre + 'min', b.min]);
        if (b.max && order(x, b.max) > 0) p.push([n.maxc || pre + 'max', b.max]);
      } catch {}
    } else if (t == 'choice' || t == 'multichoice') {
      const vs = t == 'choice' ? [v] : v;
      if (codes && vs.some(x => !codes.includes(x))) p.push(['not_a_code']);
      else if (new Set(vs).size < vs.length) p.push(['duplicate_choice']);
      else if (vs.length < n.ms) p.push(['min_selected', n.ms]);
      else if (vs.length > n.xs) p.push(['max_selected', n.xs]);
    } else if (t == 'file') {
      if (v.size > n.sz) p.push(['file_size', n.sz]);
      else if (n.acc && !n.acc.some(a => (a.endsWith('/*') ? v.media_type.startsWith(a.slice(0, -1)) : v.media_type == a))) p.push(['file_type', n.acc]);
    } else if (t != 'boolean' && t != 'consent') { // text, and text in a given spelling
      const l = cps(str(v) ? v : '');
      if (!str(v) || /[\ud800-\udfff]/u.test(v)) p.push(['type_text']);
      else if (P.patterns[t] && !re(P.patterns[t]).test(v)) p.push(['type_' + t]);
      else {
        if (l > n.ml) p.push(['max_length', n.ml]);
        else if (l > n.mk) p.push(['max_length', n.mk]);
        if (l < n.nl) p.push(['min_length', n.nl]);
        if (n.p && !re(n.p).test(v)) p.push(['pattern']);
        if (p[0]);
        else if (t == 'iban' && !iban(P.iban[v.slice(0, 2)], v)) p.push(['iban_checksum']);
        else if (t == 'bic' && !P.bic.match(/../g).includes(v.slice(4, 6))) p.push(['type_bic']);
        else if (t == 'tax_id' && !taxId(v)) p.push(['tax_id_checksum']);
      }
    }
    return [v, p];
  };

  // ---- the validator (formlang/validate.py) ----
  const unesc = s => s.replace(/~1/g, '/').replace(/~0/g, '~');
  const steps = p => p.split('/').slice(1).map(unesc);
  const rank = (ptr, o, names = []) => // pointers.rank, flat: [1, place, 0, row, …]
    steps(ptr).flatMap(p => (/^\d+$/.test(p) && names[0] != null ? [0, +p] : (names.push(p), [1, o.has(names.join('.')) ? o.get(names.join('.')) : o.size])));
  const before = (a, b) => { for (let i = 0; i < a.length && i < b.length; i++) if (a[i] != b[i]) return a[i] - b[i]; return a.length - b.length };
  const tooMuch = data => {
    for (let stack = [[data, 0]], count = 0; stack[0];) {
      const [v, d] = stack.pop(), items = isArr(v) ? v : isObj(v) ? Object.values(v) : [];
      if (d > 64) return 'too_deep';
      if ((count += items.length) > 1e5) return 'too_large';
      items.forEach(x => stack.push([x, d + 1]));
    }
  };
  const limitText = (v, de) => { // messages.format_limit and format_size
    if (isT(v)) {
      const [y, m, d] = ymd(v.n);
      return v.k == 'time' ? hms(v.s).slice(0, 5) : v.k == 'datetime' ? ymdText(v.n) + ' ' + hms(v.s, 1) : de ? pad(d) + '.' + pad(m) + '.' + y : iso(v);
    }
    if (!isD(v)) return String(v);
    const [i, f] = fix(v).split('.');
    return de ? i.replace(/\B(?=(\d{3})+(?!\d))/g, '.') + (f ? ',' + f : '') : fix(v);
  };
  const sizeText = (n, de) => {
    for (const [u, b] of [['GB', 2 ** 30], ['MB', 2 ** 20], ['KB', 1024]]) if (n >= b) return limitText(canon(rd(BigInt(n), BigInt(b), 0, -1)), de) + ' ' + u;
    return n + (de ? ' Bytes' : ' bytes');
  };
  const ruleRows = (data, scope) => { // pointers.rule_rows: [rows, data, pointer]
    let frontier = [[[], data, '']];
    scope.forEach((name, i) => {
      frontier = frontier.flatMap(([rows, cur, p]) => {
        const v = get(cur, name), here = p + '/' + esc(name);
        return i + 1 < scope.length && !isArr(v) ? [[rows, v, here]] : (isArr(v) ? v : []).flatMap((row, j) => (isObj(row) ? [[[...rows, row], row, here + '/' + j]] : []));
      });
    });
    return frontier;
  };

  const run = (P, data, t, S) => { // S: collects visibility and computed values for state()
    t = day(t);
    const order = new Map(), field = new Map(), de = P.lang.startsWith('de'), found = [], invalid = [];
    const walk = (nodes, pre) => nodes.forEach(n => { field.set(n, pre + n.n); order.set(pre + n.n, n.i); walk(n.c || [], pre + n.n + '.') });
    walk(P.nodes, ''); // dotted path -> place in the form, node -> dotted path
    const problem = (path, n, code, lim, severity = 'error', text, name = '') => {
      const label = n && n.l != null ? n.l : name;
      if (typeof lim == 'number' && code != 'file_size') lim = dec(lim);
      if (n && n.t == 'money' && isD(lim)) lim = rd(lim.m, 1n, lim.e, -2, 1);
      const vals = { label, name, limit: lim == null ? '' : code == 'file_size' ? sizeText(lim, de) : isArr(lim) ? lim.join(', ') : limitText(lim, de) };
      found.push({ path, field: n ? field.get(n) : name, label, code, message: text || P.messages[code].replace(/\{(\w+)\}/g, (_, k) => vals[k]), severity, location: n && n.s });
    };
    const result = data => {
      const errors = found.map(e => [rank(e.path, order), e]).sort(([a], [b]) => before(a, b)).map(([, e]) => ((e.location = e.location && e.location.replace(/^\d+/, i => P.files[i])), e));
      return { ok: !errors.some(e => e.severity == 'error'), errors, data };
    };
    const refused = isObj(data) ? tooMuch(data) : 'not_an_object';
    if (refused) return problem('', null, refused), result({});
    const [out, notes] = effective(P, data, t);
    for (const [code, path, n, key] of notes) { // an unknown key is named by itself
      const warn = code[0] == 'h' || code[0] == 'c'; // hidden_value, computed_value
      problem(path.map(p => '/' + esc(String(p))).join(''), n, code, null, warn ? 'warning' : 'error', 0, n ? '' : key);
    }
    const checkObj = (nodes, obj, c, ptr) => {
      for (const n of nodes) {
        const h = ptr + '/' + esc(n.n), shown = yes(n.w, c), v = get(obj, n.n);
        if (S && n.w !== undefined) S.visible[h] = shown;
        if (n.k == 'c') S && (S.computed[h] = v);
        else if (shown) v == null ? missing(n, c, h) : (obj[n.n] = present(n, v, c, h));
      }
    };
    const missing = (n, c, h) =>
      n.k == 'g' ? checkObj(n.c, {}, c, h)
        : yes(n.r, c) && problem(h, n, n.k == 'f' ? n.rq || 'required' : n.k == 'r' ? 'repeat_min' : 'required_alternative', n.k == 'r' ? n.min : null);
    const present = (n, v, c, h) => {
      if (n.k == 'f') {
        const b = {};
        for (const k of ['min', 'max', 'step']) b[k] = k in n && ev(n[k], ctx({}, t));
        const [canonical, p] = check(P, n, v, b);
        if (p[0]) invalid.push(h);
        p.forEach(([code, lim]) => problem(h, n, code, lim, 'error', code == 'pattern' && n.pm));
        return p[0] ? v : canonical;
      }
      if (n.k == 'r' ? !isArr(v) || !v.every(isObj) : !isObj(v)) problem(h, n, n.k == 'r' ? 'type_list' : 'type_object');
      else if (n.k == 'g') checkObj(n.c, v, c, h);
      else if (n.k == 'a') n.c.forEach(b => own(v, b.n) && (v[b.n] = present(b, v[b.n], c, h + '/' + esc(b.n))));
      else {
        if (v.length < Math.max(n.min, 1)) problem(h, n, 'repeat_min', Math.max(n.min, 1));
        if (v.length > n.max) problem(h, n, 'repeat_max', n.max);
        else v.forEach((row, i) => checkObj(n.c, row, { ...c, r: [...c.r, row] }, h + '/' + i));
      }
      return v;
    };
    checkObj(P.nodes, out, ctx(out, t), '');
    // the rules, in each of their rows; an invalid value reads as empty (pointers.without)
    const eff = structuredClone(out);
    for (const p of invalid) {
      const s = steps(p), last = s.pop();
      let h = eff;
      for (const k of s) h = isArr(h) ? h[k] : own(h, k) ? h[k] : {};
      if (isObj(h)) delete h[last];
    }
    for (const r of P.rules) {
      for (const [rows, , p] of ruleRows(eff, r.sc || [])) {
        const c = ctx(eff, t, rows);
        if (yes(r.w, c) && ev(r.x, c) === false) found.push({ path: p + (r.p || ''), field: r.f, label: r.l, code: 'rule', message: r.m, severity: r.v, location: r.s });
      }
    }
    return result(out);
  };

  const api = {
    validate: (P, data, today) => run(P, data, today),
    state: (P, data, today) => { const S = { visible: {}, computed: {} }; run(P, data, today, S); return S },
    evaluate: (x, c = {}) => plain(ev(x, ctx(c.data || {}, day(c.today), c.rows))),
    today: () => ymdText(berlin().n),
  };
  // ---- the page: read the inputs, apply the conditions, add rows, show errors ----
  // Reading an input follows formlang/html_input.py (tests/vectors/inputs.json runs both).
  const SP = /[\s\u00a0\u202f]+/g;
  const GROUPED = {
    de: /^([+-]?\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$|^([+-]?\d+),(\d+)$/,
    en: /^([+-]?\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/,
  };
  const number = (text, lang) => {
    const c = text.replace(SP, '');
    let g;
    if (/^[+-]?\d+(\.\d+)?$/.test(c) && !(lang == 'de' && GROUPED.de.test(c))) return c;
    if (!(g = GROUPED[lang].exec(c))) return null;
    const whole = (g[1] || g[3]).replace(/[.,]/g, ''), part = g[2] || g[4];
    return part ? whole + '.' + part : whole;
  };
  const readValue = (kind, text, lang) => {
    lang = GROUPED[lang] ? lang : 'de';
    if (kind == 'iban' || kind == 'bic') return text.replace(SP, '').toUpperCase();
    if (kind == 'tax_id') return text.replace(SP, '');
    if (kind == 'integer') {
      const n = number(text, lang);
      return n != null && /^[+-]?\d+$/.test(n) && n.replace(/^[+-]/, '').length <= 15 ? Number(n) : text;
    }
    if (kind == 'decimal' || kind == 'money') {
      const n = number(text.replace(/€/g, ''), lang);
      return n == null ? text : n.replace(/^\+/, '');
    }
    if (kind == 'boolean') return text == 'true' ? true : text == 'false' ? false : text;
    if (kind == 'consent') return text == 'true' || null;
    const m = kind == 'time' && /^(\d{1,2})[:.](\d{2})$/.exec(text);
    return m ? pad(+m[1]) + ':' + m[2] : text;
  };

  if (typeof document != 'undefined') {
    const $$ = (el, sel) => [...el.querySelectorAll(sel)];
    const shown = (el, stop) => !el.closest('[hidden],template') || !stop.contains(el.closest('[hidden],template'));
    const put = (data, path, value) => {
      const parts = path.split('/').slice(1);
      let here = data;
      parts.slice(0, -1).forEach((k, i) => (here = here[k] || (here[k] = /^\d+$/.test(parts[i + 1]) ? [] : {})));
      here[parts[parts.length - 1]] = value;
    };
    // empty groups and rows are no answer (rows are kept for `state`: each row on the page has
    // its conditions); a chosen branch of an alternative stays
    const prune = (v, keep, rows) => {
      if (isArr(v)) {
        v = rows ? Array.from(v, r => prune(r, keep, rows) || {}) : v.map(r => prune(r, keep)).filter(r => r && keys(r).length);
        return v.length ? v : undefined;
      }
      if (isObj(v)) for (const k of keys(v)) {
        const x = prune(v[k], keep, rows);
        if (x === undefined || (isObj(x) && !keys(x).length && !keep.has(x))) delete v[k];
        else v[k] = x;
      }
      return v;
    };
    // the submission the visible inputs mean: what the server reads from the same post
    const read = (form, lang, rows) => {
      const data = {}, keep = new Set();
      if (rows) $$(form, '[data-fl-row]').forEach(r => shown(r, form) && put(data, r.dataset.flPath, {}));
      $$(form, '[data-fl-alternative]').forEach(alt => {
        const c = alt.querySelector('input:checked'), b = {};
        if (c && shown(alt, form)) keep.add(b), put(data, alt.dataset.flPath, {}), put(data, alt.dataset.flPath + '/' + c.value, b);
      });
      $$(form, '[data-fl-kind]').forEach(f => {
        if (!shown(f, form) || f.matches('.fl-computed')) return;
        const kind = f.dataset.flKind, ins = $$(f, 'input:not([type=hidden]),select,textarea');
        const t = ins.map(i => i.value.trim());
        let v = null;
        if (/^date/.test(kind)) {
          if (t.join('')) v = t[2] + '-' + t[1].replace(/^\d$/, '0$&') + '-' + t[0].replace(/^\d$/, '0$&') + (kind == 'date' ? '' : 'T' + readValue('time', t[3], lang));
        } else if (kind == 'multichoice') {
          v = ins.filter(i => i.checked).map(i => i.value);
          if (!v.length) v = null;
        } else if (kind == 'file') {
          const file = ins[0].files[0], kept = f.querySelector('[type=hidden]');
          v = file ? { name: file.name, media_type: file.type || 'application/octet-stream', size: file.size } : kept && JSON.parse(kept.value);
        } else {
          const one = ins.find(i => !/radio|checkbox/.test(i.type) || i.checked), x = one ? one.value.trim() : '';
          if (x) v = readValue(kind, x, lang);
        }
        if (v != null) put(data, f.dataset.flPath, v);
      });
      return prune(data, keep, rows) || {};
    };
    const el = (tag, cls, text) => {
      const e = document.createElement(tag);
      e.className = cls;
      e.textContent = text;
      return e;
    };
    const show = (v, kind, lang) => {
      const loc = lang == 'en' ? 'en-GB' : 'de-DE';
      if (kind == 'money') return new Intl.NumberFormat(loc, { style: 'currency', currency: 'EUR' }).format(v);
      if (/^(decimal|integer)$/.test(kind)) return new Intl.NumberFormat(loc, { maximumFractionDigits: 20 }).format(v);
      if (kind == 'date') return new Intl.DateTimeFormat(loc, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(v + 'T00:00Z'));
      if (kind == 'boolean') return v ? (lang == 'en' ? 'Yes' : 'Ja') : lang == 'en' ? 'No' : 'Nein';
      return String(v);
    };
    const rowsOf = rep => [...rep.querySelector('[data-fl-rows]').children];
    // a row's names, ids and paths say its index: from `from` to `to`
    const renumber = (row, rep, from, to, words) => {
      const path = rep.dataset.flPath, q = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = RegExp(`(${[path, path.slice(1).replace(/\//g, '.'), rep.id].map(q).join('|')})([./-])${q(from)}(?=$|[./-])`, 'g');
      [row, ...$$(row, '*')].forEach(e => ['name', 'id', 'for', 'value', 'aria-describedby', 'aria-labelledby', 'data-fl-path', 'data-fl-scope'].forEach(a => {
        const v = e.getAttribute(a);
        if (v) e.setAttribute(a, v.replace(re, `$1$2${to}`));
      }));
      const legend = row.querySelector('legend'), remove = row.querySelector(':scope>[data-fl-remove]');
      legend.textContent = legend.textContent.replace(/(\d+|%i)$/, +to + 1);
      if (remove) remove.textContent = words.remove.replace('{}', legend.textContent);
    };


    const init = form => {
      const root = form.closest('[data-fl-root]'), sum = root.querySelector('[data-fl-error-summary]');
      const { program, texts } = JSON.parse(form.querySelector('[data-fl-program]').textContent);
      const lang = form.closest('[lang]').lang.slice(0, 2);
      const words = texts;
      root.classList.add('fl-js');
      const update = () => {
        const data = read(form, lang, 1), st = api.state(program, data), when = $$(form, '[data-fl-when]');
        $$(form, '[data-fl-path]').forEach(e => { if (own(st.visible, e.dataset.flPath)) e.hidden = !st.visible[e.dataset.flPath]; });
        $$(form, '[data-fl-branch]').forEach(e => {
          const c = e.parentElement.querySelector('input:checked');
          e.hidden = !c || c.value != e.dataset.flBranch;
        });
        if (when.length) {
          const full = api.validate(program, data).data;
          when.forEach(e => {
            const rows = [];
            (e.dataset.flScope || '').split('/').slice(1).reduce((h, k) => (h = h && h[k], /^\d+$/.test(k) && rows.push(h), h), full);
            e.hidden = api.evaluate(JSON.parse(e.dataset.flWhen), { data: full, rows }) !== true;
          });
        }
        $$(form, 'output[data-fl-computed]').forEach(o => {
          const v = st.computed[o.closest('[data-fl-path]').dataset.flPath];
          o.textContent = v == null ? '' : show(v, o.dataset.flKind, lang);
        });
        $$(form, '[data-fl-repeat]').forEach(rep => {
          const n = rowsOf(rep).length, max = rep.dataset.flMax;
          rep.querySelector(':scope>[data-fl-add]').hidden = max != null && n >= +max;
          rowsOf(rep).forEach(r => { const b = r.querySelector(':scope>[data-fl-remove]'); if (b) b.hidden = n <= Math.max(+rep.dataset.flMin, 1); });
        });
      };
      const focusIn = e => (e.querySelector('input,select,textarea') || e).focus();
      const add = rep => {
        const row = rep.querySelector(':scope>template').content.firstElementChild.cloneNode(true);
        renumber(row, rep, '%i', String(rowsOf(rep).length), words);
        rep.querySelector('[data-fl-rows]').append(row);
        focusIn(row);
      };
      const remove = row => {
        const rep = row.closest('[data-fl-repeat]'), rows = rowsOf(rep), at = rows.indexOf(row);
        row.remove();
        rows.slice(at + 1).forEach((r, i) => renumber(r, rep, String(at + 1 + i), String(at + i), words));
        const next = rowsOf(rep)[Math.min(at, rows.length - 2)];
        focusIn(next || rep.querySelector(':scope>[data-fl-add]'));
      };
      const showErrors = errors => {
        $$(form, '.fl-error-message').forEach(e => (e.hidden = true, e.textContent = ''));
        $$(form, '.fl-field--error').forEach(e => e.classList.remove('fl-field--error'));
        $$(form, '[aria-invalid]').forEach(e => (e.removeAttribute('aria-invalid'), e.classList.remove('fl-input--error')));
        const list = sum.querySelector('ul');
        list.textContent = '';
        errors.forEach(err => {
          const li = el('li', '', ''), at = form.querySelector(`[data-fl-path="${err.path}"]`);
          const c = at && at.querySelector('input:not([type=hidden]),select,textarea');
          const msg = at && at.querySelector(':scope>.fl-error-message,:scope>fieldset>.fl-error-message');
          li.append(c ? el('a', '', err.message) : err.message);
          if (c) li.firstChild.href = '#' + c.id;
          list.append(li);
          if (!msg || !msg.hidden) return;
          msg.hidden = false;
          msg.append(el('span', 'fl-visually-hidden', words.error_prefix), err.message);
          at.classList.add('fl-field--error');
          if (at.matches('.fl-field')) $$(at, '.fl-input,select,textarea').forEach(i => (i.setAttribute('aria-invalid', 'true'), i.classList.add('fl-input--error')));
        });
        sum.hidden = !errors.length;
        if (errors.length) {
          if (!document.title.startsWith(words.error_prefix)) document.title = words.error_prefix + document.title;
          sum.focus();
        }
      };
      form.addEventListener('click', e => {
        const b = e.target.closest('[data-fl-add],[data-fl-remove]');
        if (!b) return;
        e.preventDefault();
        b.matches('[data-fl-add]') ? add(b.closest('[data-fl-repeat]')) : remove(b.closest('[data-fl-row]'));
        update();
      });
      form.addEventListener('change', update);
      form.addEventListener('input', update);
      form.addEventListener('submit', e => {
        const errors = api.validate(program, read(form, lang)).errors.filter(x => x.severity == 'error');
        if (errors.length) return e.preventDefault(), showErrors(errors);
        // what is hidden is no answer: it is not sent
        $$(form, 'input,select,textarea').forEach(c => { if (!shown(c, form)) c.disabled = true; });
      });
      sum.addEventListener('click', e => {
        const a = e.target.closest('a'), t = a && document.getElementById(a.hash.slice(1));
        if (t) e.preventDefault(), t.focus(), t.closest('[data-fl-path]').scrollIntoView();
      });
      update();
      if (!sum.hidden) sum.focus();
    };
    const start = () => $$(document, 'form[data-fl-form]').forEach(init);
    document.readyState == 'loading' ? document.addEventListener('DOMContentLoaded', start) : start();
  }

  // Node (the tests) gets the API; a page gets no global name at all.
  if (typeof module == 'object' && module.exports) module.exports = { ...api, readValue };
})();
