// Help pages, generated from the catalogue definitions.
import { REGIONS } from "../catalogue/opi-regions.js";
import type { Definition, ParamSpec } from "../catalogue/define.js";
import { EXIT } from "./exit-codes.js";
import { VERSION } from "../version.js";

export { VERSION }; // package.json's (src/version.ts is written from it at build)

const STANDARD = `Standard options (every command):
  --out FILE   write the result to FILE instead of stdout
  --profile P  take --url/--token from the saved profile P (oint profile --help); without
               --url or --profile, OINT_URL and OINT_TOKEN are used
  --debug      print each request (method, URL, body) and answer status to stderr, secrets masked
  --test       print the request that would be sent, send nothing
  --help, -h   this help (also \`oint help bitrix24 <Method>\`; where a function has an option -h
               of its own, such as --hide, -h is that option)
A value given as - (--text -, --blocks -, --token -) is read from stdin, for one option at most.`;

export async function startPage(): Promise<string> {
  const { catalogue } = await import("../catalogue/index.js"); // help only: a command loads its own region
  return `oint ${VERSION}: the Bitrix24 REST toolkit (OpenIntegrations-compatible CLI)

Usage:
  oint bitrix24 <Method> --option value ...   call one Bitrix24 function
  oint bitrix24 --help                        list the ${catalogue.length} bitrix24 functions
  oint bitrix24 <Method> --help               options of one function
  oint profile add|list|remove ...            saved connections (oint profile --help)
  oint bulk send --file F.jsonl --url ...     many messages, journaled (oint bulk --help)
  oint sandbox [--port N]                     run the local Bitrix24-compatible portal
  oint sandbox --demo                         start it, send an example message, print the result
  oint completion bash|zsh|fish               shell completion script (source <(oint completion bash))
  oint help [command]                         this help, or a command's (oint help bitrix24 SendMessage)
  oint --version, -v                          oint's version

Libraries:
  bitrix24   Bitrix24 REST API: chats, messages, notifications, users, ...

${STANDARD}

Environment: OINT_URL and OINT_TOKEN connect every function given no --url or --profile (so
\`OINT_URL=… oint bitrix24 ServerTime\` calls; a function still missing a required value shows its
help); NO_COLOR=1 turns colour off (it is used only on a terminal).

Exit codes: ${EXIT.ok} success, ${EXIT.unknownLibrary} unknown library, ${EXIT.unknownMethod} unknown method, ${EXIT.bitrix24Error} Bitrix24 answered with an error
(its JSON is printed on stdout), ${EXIT.badInput} bad input (nothing sent), ${EXIT.noAnswer} no answer from the portal, ${EXIT.outputFailed} the call
was carried out but --out could not be written (the result is on stdout), ${EXIT.unexpected} unexpected error.`;
}

/** `oint bitrix24 --help`: every function by region, and which of OpenIntegrations' are not in oint yet. */
export async function libraryPage(): Promise<string> {
  const { OPI_FUNCTIONS } = await import("../catalogue/opi-functions.js"); // help only: not loaded by commands
  const { catalogue, findFunction, regions } = await import("../catalogue/index.js");
  const implemented = OPI_FUNCTIONS.filter(([en]) => findFunction(en)).length;
  const lines = [
    `Library: bitrix24: ${catalogue.length} functions (${implemented} of OpenIntegrations' ${OPI_FUNCTIONS.length}, ${catalogue.length - implemented} of oint's own).`,
    "Names are case-insensitive; Russian names work too.",
    "",
  ];
  const defined = regions();
  REGIONS.forEach((region, index) => {
    const defs = defined.get(region.en) ?? [];
    const missing = OPI_FUNCTIONS.filter(([en, , r]) => r === index && !findFunction(en)).map(([en]) => en);
    const theirs = OPI_FUNCTIONS.filter(([, , r]) => r === index).length;
    lines.push(`${region.en} (${region.ru}): ${theirs - missing.length} of ${theirs}`);
    const width = Math.max(0, ...defs.map((d) => d.name.length));
    for (const def of defs) lines.push(`  ${def.name.padEnd(width)}  ${def.summary}`);
    if (missing.length) lines.push(`  not yet in oint: ${missing.join(", ")}`);
    lines.push("");
  });
  lines.push("Run `oint bitrix24 <Method> --help` for a function's options.");
  return lines.join("\n");
}

function optionLine(p: ParamSpec, width: number): string {
  const head = `-${p.short}, --${p.option} <${p.kind === "flag" || p.kind === "boolean" ? "true|false" : "value"}>`;
  const tail = p.required ? " (required)" : ` (optional, default: ${JSON.stringify(p.default ?? "")})`;
  return `  ${head.padEnd(width)}  ${p.description}${tail}`;
}

export function methodPage(def: Definition): string {
  const heads = def.params.map((p) => `-${p.short}, --${p.option} <${p.kind === "flag" || p.kind === "boolean" ? "true|false" : "value"}>`);
  const width = Math.max(0, ...heads.map((h) => h.length));
  const call =
    def.kind === "rest"
      ? `REST method: ${def.method} (${def.http ?? "POST"})${def.removedFromCloud ? `; removed from Bitrix24's cloud in ${def.removedFromCloud}: cloud portals answer ERROR_METHOD_NOT_FOUND (exit 3), a self-hosted Bitrix24 may still have it` : ""}`
      : def.kind === "flow"
        ? `Calls, in turn: ${def.calls.join(", ")}`
        : "Computed locally, no request is sent.";
  const example = def.params
    .filter((p) => p.required)
    .map((p) => `--${p.option} ${exampleValue(p)}`)
    .join(" ");
  return [
    `oint bitrix24 ${def.name} (${def.ru}): ${def.summary}`,
    call,
    "",
    "Options:",
    ...def.params.map((p) => optionLine(p, width)),
    "",
    STANDARD,
    "",
    "Example:",
    `  oint bitrix24 ${def.name} ${example}`,
  ].join("\n");
}

function exampleValue(p: ParamSpec): string {
  if (p.kind === "url") return "https://portal.bitrix24.ru/rest/1/secret/";
  if (p.option === "chat") return p.field === "CHAT_ID" ? "1" : "chat1"; // CHAT_ID takes the bare number
  // A map is a JSON object (a list is refused): the one its description shows, else {...}.
  if (p.kind === "map") return `'${describedObject(p.description) ?? "{...}"}'`;
  if (p.kind === "array") return `'${p.items === "object" ? "[{...}]" : "[...]"}'`;
  if (p.kind === "date") return "2026-01-07";
  if (p.kind === "binary") return p.option === "picture" ? "./picture.png" : "./report.pdf";
  return `"${p.option}"`;
}

/** The JSON object after "e.g." in a description (`{"TITLE":"New task"}`), when it is one and fits in single quotes. */
function describedObject(description: string): string | undefined {
  const start = description.indexOf("e.g. {");
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + 5; i < description.length; i++) {
    if (description[i] === "{") depth++;
    else if (description[i] === "}" && --depth === 0) {
      const text = description.slice(start + 5, i + 1);
      try {
        return JSON.parse(text) && !text.includes("'") ? text : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
