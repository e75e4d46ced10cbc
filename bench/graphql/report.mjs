// Prints the GraphQL benchmark table from BenchmarkDotNet's JSON export (Tessera's mean and allocations) and the
// paired rounds (out/paired/tessera-N.jsonl, graphql-js-N.jsonl: ops/s measured one right after the other).
//   node report.mjs <bdn-report-full-compressed.json> <paired-dir>
// ratio = Tessera ops/s ÷ graphql-js ops/s of the same round: above 1 means Tessera is faster.
import fs from "node:fs";
import path from "node:path";

const [bdnFile, pairedDir] = process.argv.slice(2);
const bdn = JSON.parse(fs.readFileSync(bdnFile, "utf8"));
const readLines = (file) => fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const rounds = [];
for (let n = 1; fs.existsSync(path.join(pairedDir, `tessera-${n}.jsonl`)); n++) {
  rounds.push({ tessera: readLines(path.join(pairedDir, `tessera-${n}.jsonl`)), js: readLines(path.join(pairedDir, `graphql-js-${n}.jsonl`)) });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log("| query | mode | Tessera mean (BenchmarkDotNet) | allocated/call | Tessera ops/s | graphql-js ops/s | ratio (median) | ratio per round |");
console.log("|---|---|---:|---:|---:|---:|---:|---|");
let slower = [];
for (const query of ["small", "large"]) {
  for (const mode of ["cold", "warm"]) {
    const method = query[0].toUpperCase() + query.slice(1) + mode[0].toUpperCase() + mode.slice(1);
    const b = bdn.Benchmarks.find((x) => x.Method === method);
    const pick = (list) => list.find((x) => x.query === query && x.mode === mode).opsPerSecond;
    const ts = rounds.map((r) => pick(r.tessera));
    const js = rounds.map((r) => pick(r.js));
    const ratios = rounds.map((_, i) => ts[i] / js[i]);
    const m = median(ratios);
    if (m < 1) slower.push(`${query} ${mode}`);
    const mean = b ? `${fmt(b.Statistics.Mean / 1000, 1)} µs` : "n/a";
    const alloc = b?.Memory ? `${fmt(b.Memory.BytesAllocatedPerOperation / 1024, 1)} KB` : "n/a";
    console.log(`| ${query} | ${mode} | ${mean} | ${alloc} | ${fmt(median(ts))} | ${fmt(median(js))} | ${fmt(m, 2)}× | ${ratios.map((r) => fmt(r, 2) + "×").join(", ")} |`);
  }
}
console.log(`\nTessera.GraphQL: ${bdn.HostEnvironmentInfo?.RuntimeVersion ?? ""}, BenchmarkDotNet ${bdn.HostEnvironmentInfo?.BenchmarkDotNetVersion ?? ""}; ` +
  `graphql-js: ${rounds[0]?.js[0]?.engine ?? "n/a"}; ${rounds.length} paired round(s), median shown.`);
console.log(slower.length === 0 ? "Tessera.GraphQL is faster than graphql-js in every case (median of the rounds)." :
  `Tessera.GraphQL is SLOWER than graphql-js in: ${slower.join(", ")}`);
