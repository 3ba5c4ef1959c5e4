// Generates src/library-api.ts from the catalogue definitions: the declarations of the `bitrix24`
// library (positional, OpenIntegrations' order) and of the client-bound functions (named options),
// with a doc comment per function and per parameter and precise parameter types, so an editor shows
// what each function takes. The runtime comes from the same definitions (src/library.ts).
// `npm run reference` writes it; test/reference.test.ts fails when it drifts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue } from "../src/catalogue/index.js";
import { libraryName, type Definition, type ParamSpec } from "../src/catalogue/define.js";
import { hooks } from "../src/catalogue/hooks.js";

export const LIBRARY_API_TS = join(import.meta.dirname, "..", "src", "library-api.ts");

/** The TypeScript type of a parameter's library value: its `type`, else what its check or kind says. */
export function typeOf(p: ParamSpec): string {
  if (p.type) return p.type;
  switch (p.check) {
    // Text is JSON (or a .json path, or "N" to remove a keyboard or menu), as OpenIntegrations reads it.
    case "attach":
      return "readonly AttachBlock[] | AttachBlock | AttachObject | readonly [AttachObject] | string";
    case "keyboard":
      return "Keyboard | readonly KeyboardButton[] | string";
    case "menu":
      return "Menu | readonly MenuItem[] | string";
    case "dialogId": // any text: dialog IDs are often built at run time; the check runs before sending
    case "offset":
    case "chatId":
      return "string | number";
  }
  switch (p.kind) {
    case "url":
    case "token":
      return "string";
    case "string":
      return "string | number";
    case "array":
      return p.items === "scalar" ? "readonly Id[] | Id" : "readonly Record<string, unknown>[] | Record<string, unknown> | string";
    case "map":
      return "Record<string, unknown> | string";
    case "flag":
    case "boolean":
      return "boolean";
    case "binary":
      return "string | Uint8Array";
    case "json":
      return "object | string";
    case "date":
    case "datetime":
      return "Date | string";
    case "files":
      return "Record<string, string | Uint8Array> | string";
    case "label":
      return "string";
  }
}

const comment = (lines: readonly string[], indent: string) => [`${indent}/**`, ...lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`];

function paramDoc(p: ParamSpec): string {
  const value = p.required ? "" : p.default !== undefined && p.default !== "" ? ` Default: ${JSON.stringify(p.default)}.` : "";
  const text = p.description.replace(/\*\//g, "*\\/");
  return `${text}${text.endsWith(".") ? "" : "."}${value} CLI: \`--${p.option}\` / \`-${p.short}\`.`;
}

function returns(def: Definition): string {
  const result = `ResultOf<Def<${JSON.stringify(def.name)}>>`;
  // A REST function whose hook computes its answer (GetFolderFilterStructure) gives that, not the envelope.
  const computed = def.kind === "rest" && def.hook !== undefined && hooks[def.hook].result !== undefined;
  return def.kind === "rest" && !computed ? `Promise<Envelope<${result}>>` : def.kind !== "local" ? `Promise<${result}>` : result;
}

function callLine(def: Definition): string {
  if (def.kind === "rest") return `REST: \`${def.method}\` (${def.replay === "safe" ? "safe to replay" : "never re-sent after an ambiguous failure"})${def.removedFromCloud ? `; removed from Bitrix24's cloud in ${def.removedFromCloud} (cloud portals answer ERROR_METHOD_NOT_FOUND)` : ""}.`;
  if (def.kind === "flow") return `Calls ${def.calls.map((c) => `\`${c}\``).join(", then ")} (${def.replay === "safe" ? "safe to replay" : "never re-sent after an ambiguous failure"}).`;
  return "Computed locally; sends nothing.";
}

function functionDoc(def: Definition, params: readonly ParamSpec[]): string[] {
  return [
    `${def.summary}.`,
    "",
    `${callLine(def)} CLI: \`oint bitrix24 ${def.name}\`; Russian name: \`${def.ru}\`.`,
    ...params.map((p) => `@param ${p.name} ${paramDoc(p)}`),
  ];
}

/** Positional signature: OpenIntegrations' order; everything after the first optional parameter is optional. */
function positional(def: Definition): string {
  let optional = false;
  const args = def.params.map((p) => {
    optional ||= !p.required;
    return `${p.name}${optional ? "?" : ""}: ${typeOf(p)}${optional ? " | undefined" : ""}`;
  });
  return `(${args.join(", ")}): ${returns(def)}`;
}

/** The named options a client-bound function takes: every parameter but url and token. */
const boundParams = (def: Definition) => def.params.filter((p) => p.kind !== "url" && p.kind !== "token");

export const argsTypeName = (def: Definition) => `${def.name}Args`;

function argsInterface(def: Definition): string[] {
  const params = boundParams(def);
  return [
    ...comment([`Options of {@link Bitrix24Functions.${libraryName(def)}} (the CLI's option names).`], ""),
    `export interface ${argsTypeName(def)} {`,
    ...params.flatMap((p) => [...comment([paramDoc(p)], "  "), `  ${p.option}${p.required ? "" : "?"}: ${typeOf(p)};`]),
    "}",
    "",
  ];
}

export function renderLibraryApi(): string {
  const defs = catalogue as readonly Definition[];
  const out = [
    "// Generated by `npm run reference` from the catalogue definitions (scripts/library-api.ts); do not edit.",
    "// The types of the `bitrix24` library and of the functions bound to a Bitrix24Client.",
    'import type { Catalogue } from "./catalogue/index.js";',
    'import type { ResultOf } from "./catalogue/define.js";',
    'import type { AttachBlock, AttachObject } from "./rich/attach.js";',
    'import type { Keyboard, KeyboardButton, Menu, MenuItem } from "./rich/keyboard.js";',
    'import type { Envelope } from "./transport/envelope.js";',
    "",
    "type Def<N extends string> = Extract<Catalogue[number], { readonly name: N }>;",
    "",
    "/** A Bitrix24 ID: a number, or its digits as text. */",
    "export type Id = number | `${number}`;",
    "",
    ...defs.flatMap(argsInterface),
    "/** `import { bitrix24 } from \"oint\"`: OpenIntegrations' functions with its positional arguments (url first, token last). */",
    "export interface Bitrix24Library {",
  ];
  for (const def of defs) {
    const doc = comment(functionDoc(def, def.params), "  ");
    out.push(...doc, `  ${libraryName(def)}${positional(def)};`);
    out.push(...doc, `  ${def.ru}${positional(def)};`);
  }
  out.push("}", "");
  out.push(
    "/** The same functions on a client: `await client.sendMessage({ chat: \"chat1\", text: \"Hi\" })`; url and token come from the client. */",
    "export interface Bitrix24Functions {",
  );
  for (const def of defs) {
    const params = boundParams(def);
    const optional = params.every((p) => !p.required);
    out.push(...comment(functionDoc(def, []), "  "), `  ${libraryName(def)}(options${optional ? "?" : ""}: ${argsTypeName(def)}): ${returns(def)};`);
  }
  out.push("}", "");
  // What `client.call(method)` and `client.batch` answer for the methods a definition calls (the first one's type).
  const methods = new Map<string, Definition>();
  for (const def of defs) if (def.kind === "rest" && !def.hook && !methods.has(def.method)) methods.set(def.method, def);
  out.push(
    "/** The `result` of each REST method a catalogue function calls: `client.call(\"im.message.add\", …)` is typed by it. */",
    "export interface MethodResults {",
    ...[...methods].map(([method, def]) => `  ${JSON.stringify(method)}: ResultOf<Def<${JSON.stringify(def.name)}>>;`),
    "}",
    "",
  );
  return out.join("\n");
}

export function writeLibraryApi(): void {
  writeFileSync(LIBRARY_API_TS, renderLibraryApi());
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeLibraryApi();
  console.log(`wrote ${LIBRARY_API_TS}`);
}
