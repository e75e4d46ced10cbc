// graphql-js side of the GraphQL engine benchmark: the same queries, schema and data as the C# benchmark.
//   node bench.mjs [--seconds 3] [--rounds 3]
// Prints one JSON line per case: {engine, query, mode, opsPerSecond, iterations, seconds}.
//   cold: every request has a new query text (a comment with a counter), so it is parsed, validated and executed.
//   warm: the parsed document is reused and validation skipped, as a document cache does; only execution runs.
// Execution is synchronous here (default resolvers over a plain object), like the C# side.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate, execute, version } from "graphql";

const here = path.dirname(fileURLToPath(import.meta.url));
const oracle = path.join(here, "..", "..", "..", "compat", "graphql-oracle");
const schema = buildSchema(fs.readFileSync(path.join(oracle, "schema.graphql"), "utf8"));
const rootValue = JSON.parse(fs.readFileSync(path.join(oracle, "data.json"), "utf8"));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option("seconds", 3);
const rounds = option("rounds", 3);

const queries = {
  small: { text: fs.readFileSync(path.join(here, "..", "queries", "small.graphql"), "utf8"), variables: { id: "acct_1" } },
  large: { text: fs.readFileSync(path.join(here, "..", "queries", "large.graphql"), "utf8"), variables: {} },
};

let counter = 0;
function runCold({ text, variables }) {
  const document = parse(`${text}\n# ${counter++}`);
  const errors = validate(schema, document);
  if (errors.length) throw errors[0];
  return execute({ schema, document, rootValue, variableValues: variables });
}

const cache = new Map();
function runWarm({ text, variables }) {
  let document = cache.get(text);
  if (document === undefined) {
    document = parse(text);
    const errors = validate(schema, document);
    if (errors.length) throw errors[0];
    cache.set(text, document);
  }
  return execute({ schema, document, rootValue, variableValues: variables });
}

function measure(run, query, ms) {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let iterations = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i++) run(query);
    iterations += 16;
    now = process.hrtime.bigint();
  }
  return { iterations, seconds: Number(now - start) / 1e9 };
}

for (const [name, query] of Object.entries(queries)) {
  const check = runWarm(query);
  if (check.errors) throw new Error(`${name}: ${check.errors[0].message}`);
  for (const [mode, run] of [["cold", runCold], ["warm", runWarm]]) {
    measure(run, query, 1000); // warm-up: let the JIT settle
    const results = [];
    for (let r = 0; r < rounds; r++) results.push(measure(run, query, (seconds * 1000) / rounds));
    const rates = results.map((x) => x.iterations / x.seconds).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)];
    const iterations = results.reduce((a, x) => a + x.iterations, 0);
    const total = results.reduce((a, x) => a + x.seconds, 0);
    console.log(JSON.stringify({ engine: `graphql-js ${version} (node ${process.version})`, query: name, mode, opsPerSecond: Math.round(median), iterations, seconds: +total.toFixed(2) }));
  }
}
