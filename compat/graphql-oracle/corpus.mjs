// Reads the corpus: every corpus/*.graphql file holds several documents, each introduced by header lines
//   ### name: a short unique name
//   ### variables: {"json": "object"}          (optional; passed on as written, so `1.0` or `1e3` stay as they are)
//   ### operationName: Name                     (optional)
//   ### validateOnly: true                      (optional: parse and validate only, never execute)
//   ### generate: introspection {"descriptions": true, ...}   (optional: the document is graphql-js's getIntrospectionQuery(options))
//   ### lineEndings: crlf | cr                  (optional: the document's lines are joined with \r\n or \r)
//   ### divergence: why                         (optional: a known, intended difference from graphql-js 16, e.g. where
//                                                the September 2025 specification changed; reported, never a failure)
// followed by the document text, up to the next "### name:" line. Header lines are not part of the document,
// so line numbers in `locations` count from the document's first line.
import fs from "node:fs";
import path from "node:path";
import { getIntrospectionQuery } from "graphql";

export function readCorpus(dir) {
  const entries = [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort();
  for (const file of files) {
    const stem = path.basename(file, ".graphql");
    const lines = fs.readFileSync(path.join(dir, file), "utf8").split("\n");
    let current = null;
    const finish = () => {
      if (!current) return;
      while (current.body.length && current.body[current.body.length - 1].trim() === "") current.body.pop();
      const newline = { crlf: "\r\n", cr: "\r" }[current.lineEndings] ?? "\n";
      const entry = { name: `${stem}/${current.name}`, query: current.body.join(newline) };
      if (current.generate) {
        const m = /^introspection\s*(.*)$/.exec(current.generate);
        if (!m) throw new Error(`${entry.name}: unknown generator ${current.generate}`);
        entry.query = getIntrospectionQuery(m[1] ? JSON.parse(m[1]) : undefined);
      }
      if (current.variables !== undefined) {
        entry.variables = JSON.parse(current.variables);
        // The raw text too: JSON.parse would turn 4.0 into 4 and 1e3 into 1000 before the C# runner saw them.
        Object.defineProperty(entry, "variablesText", { value: current.variables, enumerable: false });
      }
      if (current.operationName !== undefined) entry.operationName = current.operationName;
      if (current.validateOnly) entry.validateOnly = true;
      if (current.divergence) entry.divergence = current.divergence;
      entries.push(entry);
    };
    for (const line of lines) {
      const header = /^### (\w+):\s?(.*)$/.exec(line);
      if (header && header[1] === "name") {
        finish();
        current = { name: header[2].trim(), body: [] };
      } else if (header && current && current.body.length === 0) {
        const [, key, value] = header;
        if (key === "variables") {
          JSON.parse(value); // fail early on bad JSON
          current.variables = value.trim();
        } else if (key === "lineEndings") {
          if (!["crlf", "cr"].includes(value.trim())) throw new Error(`${file}: lineEndings must be crlf or cr`);
          current.lineEndings = value.trim();
        }
        else if (key === "operationName") current.operationName = value.trim();
        else if (key === "validateOnly") current.validateOnly = value.trim() === "true";
        else if (key === "generate") current.generate = value.trim();
        else if (key === "divergence") current.divergence = value.trim();
        else throw new Error(`${file}: unknown header ${key}`);
      } else if (current) {
        current.body.push(line);
      } else if (line.trim() !== "" && !line.startsWith("#")) {
        throw new Error(`${file}: text before the first ### name:`);
      }
    }
    finish();
  }
  const seen = new Set();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`duplicate corpus entry ${e.name}`);
    seen.add(e.name);
  }
  return entries;
}

/** One JSON line for the C# runner, with the variables exactly as written in the corpus. */
export function toJsonLine(entry) {
  const { variables, ...rest } = entry;
  const json = JSON.stringify(rest);
  return entry.variablesText === undefined ? json : `${json.slice(0, -1)},"variables":${entry.variablesText}}`;
}
