// Generates docs/bitrix24-reference.md from the catalogue definitions (never edited by hand).
// `npm run reference` writes it; the test suite fails when the committed file is out of date.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue, regions } from "../src/catalogue/index.js";
import type { Definition, ParamSpec } from "../src/catalogue/define.js";

export const REFERENCE_PATH = join(import.meta.dirname, "..", "docs", "bitrix24-reference.md");

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
    `### ${def.name} (${def.ru})`,
    "",
    def.summary + ".",
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

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(REFERENCE_PATH, renderReference());
  console.log(`wrote ${REFERENCE_PATH}`);
}
