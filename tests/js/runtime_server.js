// Runs renderers/html/static/formlang.js for the Python tests: one JSON request per line on
// stdin, one JSON answer per line on stdout.
//   {"name": "f", "program": {...}}                       keeps a client program under a name
//   {"op": "validate" | "state", "name": "f", "data": ..., "today": "2025-06-01"}
//   {"op": "evaluate", "expr": ..., "data": ..., "today": ...}
//   {"op": "read_value", "kind": "money", "text": "1.250,50", "lang": "de"}
//   {"op": "classic"}: loads the runtime as a browser does, without `module`: which globals it defines
// Answers: {"result": ...} or {"error": "..."}.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const vm = require('vm');

const RUNTIME = path.join(__dirname, '..', '..', 'renderers', 'html', 'static', 'formlang.js');
const formlang = require(RUNTIME);

const programs = new Map();

function answer(request) {
  if (request.program !== undefined) {
    programs.set(request.name, request.program);
    return true;
  }
  if (request.op === 'classic') { // as a browser runs it: a script without `module`
    const context = vm.createContext({});
    vm.runInContext(fs.readFileSync(RUNTIME, 'utf8'), context);
    return { globals: Object.keys(context) };
  }
  if (request.op === 'read_value') { // how a page reads a typed input (tests/vectors/inputs.json)
    return formlang.readValue(request.kind, request.text, request.lang);
  }
  if (request.op === 'evaluate') {
    return formlang.evaluate(request.expr, { data: request.data, today: request.today });
  }
  const program = programs.get(request.name);
  if (program === undefined) throw new Error(`no program named ${request.name}`);
  return formlang[request.op](program, request.data, request.today);
}

readline.createInterface({ input: process.stdin }).on('line', line => {
  let out;
  try {
    out = { result: answer(JSON.parse(line)) };
  } catch (error) {
    out = { error: String((error && error.stack) || error) };
  }
  // an integer beyond 2**53 stays a BigInt in the effective data: written as a JSON number
  const text = JSON.stringify(out, (key, value) => (typeof value === 'bigint' ? `@@${value}@@` : value));
  process.stdout.write(text.replace(/"@@(-?[0-9]+)@@"/g, '$1') + '\n');
});
