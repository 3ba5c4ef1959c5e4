// Generates docs/bitrix24-reference.md from the catalogue definitions (never edited by hand).
// `npm run reference` writes it; the test suite fails when the committed file is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue, regions } from "../src/catalogue/index.js";
import type { Definition, ParamSpec } from "../src/catalogue/define.js";
import { findFunction } from "../src/catalogue/index.js";
import { mendedRegion, readOpiIndex, writeOpiIndex } from "./opi-index.js";
import { writeLibraryApi } from "./library-api.js";

export const REFERENCE_PATH = join(import.meta.dirname, "..", "docs", "bitrix24-reference.md");
export const README_PATH = join(import.meta.dirname, "..", "README.md");
const START = "<!-- generated:functions:start (npm run reference) -->";
const END = "<!-- generated:functions:end -->";

const libraryName = (def: Definition) => def.name.charAt(0).toLowerCase() + def.name.slice(1);

function optionCell(p: ParamSpec): string {
  const value = p.required ? "required" : `default \`${JSON.stringify(p.default ?? "")}\``;
  return `\`--${p.option}\` \`-${p.short}\` | ${p.field ? `\`${p.field}\`` : p.spread ? "(keys spread)" : "–"} | ${value} | ${p.description}`;
}

function section(def: Definition): string {
  const replay = def.kind !== "local" && def.replay === "safe" ? "safe to replay" : "not replayed after an ambiguous failure";
  const call =
    def.kind === "rest"
      ? `\`${def.method}\` (${def.http ?? "POST"}; ${replay})`
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
  writeFileSync(REFERENCE_PATH, renderReference());
  writeFileSync(README_PATH, readmeWithTable(readFileSync(README_PATH, "utf8")));
  console.log(`wrote ${REFERENCE_PATH} and the function table in ${README_PATH}`);
}
