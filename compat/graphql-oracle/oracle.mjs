// The oracle side. Two commands:
//   node oracle.mjs corpus <out/corpus.jsonl>
//       flattens corpus/*.graphql into JSON lines {name, query, variables?, operationName?, validateOnly?}
//       for the C# runner.
//   node oracle.mjs run <printed-sdl> <out/graphql-js.json>
//       loads the SDL printed by Tessera.GraphQL into graphql-js (buildSchema), checks it against schema.graphql,
//       and runs every corpus entry with graphql-js's own parse + validate(specifiedRules) + execute against data.json
//       with the default resolvers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  buildSchema, printSchema, parse, print, validate, execute, assertValidSchema, GraphQLError, version,
} from "graphql";
import { readCorpus, toJsonLine } from "./corpus.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

function formatError(error) {
  const out = { message: error.message };
  if (error.locations) out.locations = error.locations.map(({ line, column }) => ({ line, column }));
  if (error.path) out.path = error.path;
  return out;
}

/** graphql-js's result for one request, shaped like a GraphQL response ({errors?, data?}). */
export function runEntry(schema, rootValue, entry) {
  let document;
  try {
    document = parse(entry.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [formatError(error)] };
    throw error;
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) return { errors: validationErrors.map(formatError) };
  if (entry.validateOnly) return {};
  const result = execute({
    schema, document, rootValue,
    variableValues: entry.variables ?? undefined,
    operationName: entry.operationName ?? undefined,
  });
  if (typeof result.then === "function") throw new Error(`${entry.name}: execution went asynchronous`);
  const out = {};
  if (result.errors) out.errors = result.errors.map(formatError);
  if ("data" in result) out.data = result.data;
  return out;
}

// printSchema text of every definition, keyed by kind and name: comparing these maps ignores ordering and
// whitespace between definitions, not within them (both sides are printed by graphql-js's printer).
function definitionsByName(schema) {
  const doc = parse(printSchema(schema));
  const map = new Map();
  for (const def of doc.definitions) map.set(`${def.kind} ${def.name?.value ?? ""}`, print(def));
  return map;
}

function checkPrintedSchema(printedSdl) {
  const report = [];
  const reference = buildSchema(fs.readFileSync(path.join(here, "schema.graphql"), "utf8"));
  let printed;
  try {
    printed = buildSchema(printedSdl);
    assertValidSchema(printed);
    report.push("schema: graphql-js buildSchema accepts the SDL printed by Tessera.GraphQL");
  } catch (error) {
    report.push(`schema: graphql-js REJECTS the SDL printed by Tessera.GraphQL: ${error.message}`);
    return { schema: null, report, ok: false };
  }
  const a = definitionsByName(reference);
  const b = definitionsByName(printed);
  const differences = [];
  for (const [key, text] of a) {
    if (!b.has(key)) differences.push(`  missing from the printed SDL: ${key}`);
    else if (b.get(key) !== text) differences.push(`  differs: ${key}\n    schema.graphql: ${text.replace(/\n/g, "\n      ")}\n    printed:        ${b.get(key).replace(/\n/g, "\n      ")}`);
  }
  for (const key of b.keys()) if (!a.has(key)) differences.push(`  only in the printed SDL: ${key}`);
  if (differences.length === 0) {
    report.push(`schema: printSchema(printed) equals printSchema(schema.graphql) modulo ordering (${a.size} definitions)`);
  } else {
    report.push(`schema: printSchema(printed) and printSchema(schema.graphql) differ in ${differences.length} definition(s):`);
    report.push(...differences);
  }
  const exact = printSchema(reference).trim() === printedSdl.replace(/\r\n/g, "\n").trim();
  report.push(`schema: the printed SDL is ${exact ? "" : "not "}byte-identical to graphql-js's printSchema(schema.graphql)` +
    (exact ? "" : " (informational)"));
  return { schema: printed, report, ok: differences.length === 0 };
}

function main(argv) {
  const [command, ...args] = argv;
  if (command === "corpus") {
    const [outFile] = args;
    const entries = readCorpus(path.join(here, "corpus"));
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, entries.map(toJsonLine).join("\n") + "\n");
    console.log(`corpus: ${entries.length} documents -> ${outFile}`);
    return 0;
  }
  if (command === "run") {
    const [sdlFile, outFile] = args;
    const { schema, report, ok } = checkPrintedSchema(fs.readFileSync(sdlFile, "utf8"));
    for (const line of report) console.log(line);
    if (!schema) return 2;
    const rootValue = JSON.parse(fs.readFileSync(path.join(here, "data.json"), "utf8"));
    const entries = readCorpus(path.join(here, "corpus"));
    const results = {};
    for (const entry of entries) results[entry.name] = runEntry(schema, rootValue, entry);
    const divergences = Object.fromEntries(entries.filter((e) => e.divergence).map((e) => [e.name, e.divergence]));
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, JSON.stringify({ engine: `graphql-js ${version}`, schemaAgrees: ok, schemaReport: report, divergences, results }, null, 1) + "\n");
    console.log(`graphql-js ${version}: ${entries.length} documents -> ${outFile}`);
    return 0;
  }
  console.error("usage: node oracle.mjs corpus <out.jsonl> | run <printed.graphql> <out.json>");
  return 64;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
