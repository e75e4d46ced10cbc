// Compares Tessera.GraphQL's results with graphql-js's for every corpus document.
//   node compare.mjs out/graphql-js.json out/tessera.jsonl [out/report.json]
// A document agrees when
//   - `data` is deep-equal (same presence: absent differs from null; same key order, as GraphQL responses are ordered),
//   - `errors` have the same count, and the same multiset of (path, locations); their order and message text are
//     not compared (messages are listed in the report only).
// One normalisation: the specification leaves the order of `__schema.types`, `__schema.directives` and
// `possibleTypes` open (graphql-js lists them in its type-collection order), so those lists are compared sorted by
// name; a document that differs only there is counted as agreeing and listed as "order only".
// Documents the corpus marks with `### divergence: why` (a known, intended difference, e.g. where the September 2025
// specification departs from graphql-js 16) are compared and listed, but never fail the run.
// Exit code: 0 when every document agrees (or differs only where declared), 1 otherwise, 2 on bad input.
import fs from "node:fs";
import { isDeepStrictEqual } from "node:util";

const [oracleFile, tesseraFile, reportFile] = process.argv.slice(2);
if (!oracleFile || !tesseraFile) {
  console.error("usage: node compare.mjs <graphql-js.json> <tessera.json> [report.json]");
  process.exit(2);
}
const oracle = JSON.parse(fs.readFileSync(oracleFile, "utf8"));
// Tessera's side is JSON lines, one {name, result} per document.
const tessera = { engine: "Tessera.GraphQL", results: {} };
// Documents where GraphQLService (cache + limits) answered differently from parse + validate + execute.
const serviceDiffers = [];
for (const line of fs.readFileSync(tesseraFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const record = JSON.parse(line);
  tessera.results[record.name] = record.result;
  if (record.service !== undefined) serviceDiffers.push({ name: record.name, service: record.service });
}

const UNORDERED_UNDER_SCHEMA = new Set(["types", "directives"]);
function normalise(value, parentKey) {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v, undefined));
    const unordered = parentKey === "possibleTypes" || parentKey === "__schema.types" || parentKey === "__schema.directives";
    if (unordered && items.every((i) => i && typeof i === "object" && typeof i.name === "string")) {
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return items;
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const key = parentKey === "__schema" && UNORDERED_UNDER_SCHEMA.has(k) ? `__schema.${k}` : k;
      out[k] = normalise(v, key);
    }
    return out;
  }
  return value;
}

// isDeepStrictEqual ignores key order; GraphQL responses are ordered maps, so compare the serialisations too.
const sameOrdered = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function firstDifference(a, b, at = "data") {
  if (sameOrdered(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: list of ${a.length} expected, ${b.length} given`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  } else if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join(",") !== kb.join(",")) return `${at}: keys [${ka.join(", ")}] expected, [${kb.join(", ")}] given`;
    for (const k of ka) {
      const d = firstDifference(a[k], b[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${short(a)} expected, ${short(b)} given`;
}

function short(v) {
  const s = v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > 160 ? s.slice(0, 157) + "..." : s;
}

const errorKey = (e) => JSON.stringify({ path: e.path ?? null, locations: e.locations ?? null });
const describeError = (e) =>
  `${JSON.stringify(e.message)} path=${JSON.stringify(e.path ?? null)} locations=${JSON.stringify((e.locations ?? []).map((l) => [l.line, l.column]))}`;

const names = Object.keys(oracle.results);
const mismatches = [];
const orderOnly = [];
const messageDifferences = [];
const declared = [];
let agree = 0;
for (const name of names) {
  const expected = oracle.results[name];
  const actual = tessera.results?.[name];
  const problems = [];
  if (actual === undefined) {
    problems.push("no result from Tessera.GraphQL");
  } else if (actual.crash) {
    problems.push(`Tessera.GraphQL threw: ${actual.crash}`);
  } else {
    const hasData = (r) => Object.prototype.hasOwnProperty.call(r, "data");
    if (hasData(expected) !== hasData(actual)) {
      problems.push(`data ${hasData(expected) ? "expected" : "not expected"} but ${hasData(actual) ? "present" : "absent"}: expected ${short(expected.data)}, given ${short(actual.data)}`);
    } else if (hasData(expected) && !sameOrdered(expected.data, actual.data)) {
      const a = normalise(expected.data);
      const b = normalise(actual.data);
      if (sameOrdered(a, b)) orderOnly.push(name);
      else if (isDeepStrictEqual(a, b)) problems.push(`data: same values, different key order: ${firstDifference(a, b)}`);
      else problems.push(firstDifference(a, b));
    }
    const ee = expected.errors ?? [];
    const ae = actual.errors ?? [];
    if (ee.length !== ae.length) {
      problems.push(`errors: ${ee.length} expected, ${ae.length} given`);
    } else {
      const a = ee.map(errorKey).sort();
      const b = ae.map(errorKey).sort();
      if (a.join("\n") !== b.join("\n")) problems.push("errors: path/locations differ");
    }
    if (problems.length === 0) {
      const ma = ee.map((e) => e.message).sort();
      const mb = ae.map((e) => e.message).sort();
      if (ma.join("\n") !== mb.join("\n")) messageDifferences.push({ name, expected: ma, actual: mb });
    }
    if (problems.length && (ee.length || ae.length)) {
      problems.push("expected errors:" + (ee.length ? "" : " none"), ...ee.map((e) => "    " + describeError(e)));
      problems.push("given errors:" + (ae.length ? "" : " none"), ...ae.map((e) => "    " + describeError(e)));
    }
  }
  if (problems.length === 0) agree++;
  else if (oracle.divergences?.[name]) declared.push({ name, why: oracle.divergences[name], problems });
  else mismatches.push({ name, problems });
}

for (const m of mismatches) {
  console.log(`MISMATCH ${m.name}`);
  for (const p of m.problems) console.log(`  ${p}`);
}
for (const d of declared) {
  console.log(`DECLARED DIVERGENCE ${d.name} (${d.why})`);
  for (const p of d.problems) console.log(`  ${p}`);
}
if (orderOnly.length) console.log(`order only (agreeing after sorting introspection lists by name): ${orderOnly.join(", ")}`);
console.log(`error messages differ (informational) in ${messageDifferences.length} agreeing document(s)`);
console.log(`GraphQLService answers differently from parse + validate + execute (informational) in ${serviceDiffers.length} document(s)` +
  serviceDiffers.map((d) => `\n  ${d.name}: ${short(d.service)}`).join(""));
for (const line of oracle.schemaReport ?? []) console.log(line);
console.log(`oracle: ${agree}/${names.length} documents agree (${oracle.engine} vs ${tessera.engine ?? "Tessera.GraphQL"})` +
  (declared.length ? `; ${declared.length} differ where the corpus declares a divergence` : ""));
console.log(`oracle: ${agree + declared.length} passed, ${mismatches.length} failed`);
if (reportFile) {
  fs.writeFileSync(reportFile, JSON.stringify({ agree, total: names.length, mismatches, declared, orderOnly, messageDifferences, serviceDiffers }, null, 1) + "\n");
}
process.exit(mismatches.length === 0 ? 0 : 1);
