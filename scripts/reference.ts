// Generates docs/bitrix24-reference.md from the catalogue definitions (never edited by hand).
// `npm run reference` writes it; the test suite fails when the committed file is out of date.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import JSON5 from "json5";
import { join } from "node:path";
import { catalogue, regions } from "../src/catalogue/index.js";
import { libraryName, type Definition, type ParamSpec } from "../src/catalogue/define.js";
import { findFunction } from "../src/catalogue/index.js";
import { mendedRegion, readOpiIndex, writeOpiIndex } from "./opi-index.js";
import { writeLibraryApi } from "./library-api.js";
import { writeDirectory } from "./catalogue-directory.js";

export const REFERENCE_PATH = join(import.meta.dirname, "..", "docs", "bitrix24-reference.md");
export const README_PATH = join(import.meta.dirname, "..", "README.md");
const START = "<!-- generated:functions:start (npm run reference) -->";
const END = "<!-- generated:functions:end -->";


function optionCell(p: ParamSpec): string {
  const value = p.required ? "required" : `default \`${JSON.stringify(p.default ?? "")}\``;
  return `\`--${p.option}\` \`-${p.short}\` | ${p.field ? `\`${p.field}\`` : p.spread ? "(keys spread)" : "–"} | ${value} | ${p.description}`;
}

const SAMPLES = join(import.meta.dirname, "..", "test", "fixtures", "opi-samples");
const examples = new Map(readOpiIndex().map((f) => [f.en, f.cliExample]));

/** `--name "value" --other 5` -> [["name", "value"], ["other", "5"]] (the docs' examples use double quotes). */
export function exampleOptions(command: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /--(\w+)\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let m = re.exec(command); m; m = re.exec(command)) out.push([m[1], m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]]);
  return out;
}

/** A CLI value as a library argument: structures parsed, numbers and booleans as such, redacted secrets as variables. */
function literal(p: ParamSpec, value: string): string {
  if (value === "***" && (p.kind === "token" || p.secret)) return p.name;
  if (p.kind === "flag" || p.kind === "boolean") return value === "true" ? "true" : "false";
  if ((p.kind === "array" || p.kind === "map" || p.kind === "json") && /^[[{]/.test(value)) {
    try {
      return JSON.stringify(JSON5.parse(value));
    } catch {
      return JSON.stringify(value);
    }
  }
  if (p.kind === "string" && /^\d+$/.test(value) && value.length < 10) return value;
  return JSON.stringify(value);
}

/** OpenIntegrations' own CLI example for the function, and the same call from the library, both ways. */
function examplesOf(def: Definition): string[] {
  const cli = examples.get(def.name);
  if (!cli) return [];
  const given = new Map(exampleOptions(cli));
  const byParam = def.params.map((p) => (given.has(p.option) ? literal(p, given.get(p.option)!) : undefined));
  const last = byParam.reduce((n, v, i) => (v !== undefined ? i : n), -1);
  const positional = byParam.slice(0, last + 1).map((v) => v ?? "undefined");
  const named = def.params
    .map((p, i) => (p.kind === "url" || p.kind === "token" || byParam[i] === undefined ? undefined : `${p.option}: ${byParam[i]}`))
    .filter(Boolean);
  const bound = `client.${libraryName(def)}(${named.length ? `{ ${named.join(", ")} }` : ""})`;
  const hasUrl = def.params.some((p) => p.kind === "url");
  return [
    "Example (OpenIntegrations' docs; `***` is their redaction):",
    "",
    "```sh",
    cli,
    "```",
    "",
    "```ts",
    `await bitrix24.${libraryName(def)}(${positional.join(", ")});`,
    ...(hasUrl ? [`await ${bound}; // const client = new Bitrix24Client({ url, token })`] : [`${def.kind === "local" ? "" : "await "}${bound};`]),
    "```",
    "",
  ];
}

/** The real Bitrix24 answer OpenIntegrations' docs show for the function. */
function sampleOf(def: Definition): string[] {
  const file = join(SAMPLES, `${def.name}.json`);
  if (!existsSync(file)) return [];
  return ["A real answer (OpenIntegrations' docs):", "", "```json", readFileSync(file, "utf8").trimEnd(), "```", ""];
}

function section(def: Definition): string {
  const replay = def.kind !== "local" && def.replay === "safe" ? "safe to replay" : "not replayed after an ambiguous failure";
  const call =
    def.kind === "rest"
      ? `\`${def.method}\` (${def.http ?? "POST"}; ${replay})${def.removedFromCloud ? `; removed from Bitrix24's cloud in ${def.removedFromCloud}: cloud portals answer \`ERROR_METHOD_NOT_FOUND\`, a self-hosted Bitrix24 may still have it` : ""}`
      : def.kind === "flow"
        ? `${def.calls.map((c) => `\`${c}\``).join(", then ")} (${replay})`
        : "computed locally, no request";
  const args = def.params.map((p) => (p.required ? p.name : `${p.name}?`)).join(", ");
  return [
    `### ${def.name}`,
    "",
    `${def.summary}. Russian name: ${def.ru}.`,
    "",
    `- REST: ${call}`,
    `- Library: \`bitrix24.${libraryName(def)}(${args})\``,
    `- CLI: \`oint bitrix24 ${def.name} ${def.params.filter((p) => p.required).map((p) => `--${p.option} …`).join(" ")}\``,
    "",
    "| option | sent as | | description |",
    "|-|-|-|-|",
    ...def.params.map((p) => `| ${optionCell(p)} |`),
    "",
    ...examplesOf(def),
    ...sampleOf(def),
  ].join("\n");
}

export function renderReference(): string {
  const out = [
    "# oint bitrix24: function reference",
    "",
    `Generated from the catalogue definitions (\`src/catalogue/regions/\`) by \`npm run reference\`; do not edit. ${catalogue.length} functions.`,
    "",
  ];
  for (const [region, defs] of regions()) {
    out.push(`## ${region}`, "");
    out.push(...defs.map(section));
  }
  return out.join("\n");
}

/** The README's function table: every function, its REST call, and parity with OpenIntegrations. */
export function renderReadmeTable(): string {
  const opi = new Map(readOpiIndex().map((f) => [f.en, f]));
  const rows = ["| function (RU) | REST | CLI options | OpenIntegrations |", "|-|-|-|-|"];
  for (const [region, defs] of regions()) {
    rows.push(`| **${region}** | | | |`);
    for (const def of defs) {
      const call = def.kind === "rest" ? `\`${def.method}\`` : def.kind === "flow" ? def.calls.map((c) => `\`${c}\``).join(" → ") : "local";
      const options = def.params.map((p) => `\`-${p.short}\``).join(" ");
      const twin = opi.get(def.name);
      const extras = twin ? def.params.slice(twin.options.length).map((p) => `--${p.option}`) : [];
      const parity = !twin ? "oint addition" : extras.length ? `same name, method and options; plus ${extras.join(", ")}` : "same name, method and options";
      rows.push(`| [${def.name}](docs/bitrix24-reference.md#${def.name.toLowerCase()}) (${def.ru}) | ${call} | ${options} | ${parity} |`);
    }
  }
  const missing = [...opi.values()].filter((f) => !findFunction(f.en));
  const implemented = opi.size - missing.length;
  const additions = catalogue.length - implemented;
  rows.unshift(`${implemented} of OpenIntegrations' ${opi.size} Bitrix24 functions, and ${additions} of oint's own.`, "");
  if (missing.length) {
    rows.push("", `Not yet in oint (${missing.length}), by OpenIntegrations region:`, "");
    const byRegion = new Map<string, string[]>();
    for (const f of missing) byRegion.set(f.region, [...(byRegion.get(f.region) ?? []), f.en]);
    for (const [region, names] of byRegion) rows.push(`- ${mendedRegion(region)}: ${names.join(", ")}`);
  }
  return [START, rows.join("\n"), END].join("\n");
}

export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md has no ${START} … ${END} block`);
  return readme.slice(0, start) + renderReadmeTable() + readme.slice(end + END.length);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeOpiIndex();
  writeLibraryApi();
  await writeDirectory();
  writeFileSync(REFERENCE_PATH, renderReference());
  writeFileSync(README_PATH, readmeWithTable(readFileSync(README_PATH, "utf8")));
  console.log(`wrote ${REFERENCE_PATH} and the function table in ${README_PATH}`);
}
