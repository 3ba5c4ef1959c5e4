// What the MCP server knows about each catalogue function, derived from its definition: whether it
// changes nothing (read-only), its tool annotations, the JSON Schema of its typed tool and the
// parameter list OpenIntegrations' get_method_parameters shows. Nothing here is written by hand
// per function.
import { catalogue } from "../catalogue/index.js";
import type { Definition, ParamSpec } from "../catalogue/define.js";

/** A function changes nothing when it is computed locally or its definition says it only reads (`readOnly`). */
export function isReadOnly(def: Definition): boolean {
  return def.kind === "local" || def.readOnly === true;
}

/**
 * Functions that take a secret (OAuth client secret, auth code, refresh token) exchange credentials
 * and answer with tokens: they are left out of MCP, so no secret passes through an assistant
 * (`oint profile add` keeps OAuth connections instead).
 */
export function handlesSecrets(def: Definition): boolean {
  return def.params.some((p) => p.secret);
}

export interface Selection {
  readOnly?: boolean;
  /** Region names (case-insensitive) to keep; all when absent. */
  regions?: readonly string[];
  /** Function names (EN or RU, case-insensitive) to keep; all when absent. */
  functions?: readonly string[];
}

/** The functions the server exposes, in catalogue order. */
export function selectFunctions(selection: Selection): Definition[] {
  const regions = selection.regions?.map((r) => r.toLowerCase());
  const functions = selection.functions?.map((f) => f.toLowerCase());
  return (catalogue as readonly Definition[]).filter(
    (def) =>
      !handlesSecrets(def) &&
      (!selection.readOnly || isReadOnly(def)) &&
      (!regions || regions.includes(def.region.toLowerCase())) &&
      (!functions || functions.includes(def.name.toLowerCase()) || functions.includes(def.ru.toLowerCase())),
  );
}

/** The names `--regions` and `--functions` accept, for their error messages. */
export function knownRegions(): string[] {
  return [...new Set((catalogue as readonly Definition[]).map((d) => d.region))];
}

// ---- Typed tools --------------------------------------------------------------------------------

/** The parameters a typed tool takes: all but the connection (url, token), which the server supplies. */
export function toolParams(def: Definition): ParamSpec[] {
  return def.params.filter((p) => p.kind !== "url" && p.kind !== "token");
}

function propertySchema(p: ParamSpec): Record<string, unknown> {
  const description = p.description;
  switch (p.kind) {
    case "array":
      return {
        type: "array",
        items: p.items === "object" ? { type: "object" } : { type: ["string", "number"] },
        description: `${description}. A JSON array (a single element is wrapped), or its JSON text`,
      };
    case "map":
      return { type: "object", description: `${description}. A JSON object, or its JSON text` };
    case "json":
      return { type: ["object", "array"], description: `${description}. A JSON structure, or its JSON text` };
    case "flag":
    case "boolean":
      return { type: "boolean", description };
    case "binary":
      return { type: "string", description: `${description}. A file path on the server's machine, an http(s) URL or Base64 text` };
    default:
      return { type: ["string", "number"], description };
  }
}

/** JSON Schema of a typed tool's arguments: CLI option names, types, required, defaults, descriptions. */
export function inputSchema(def: Definition): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of toolParams(def)) {
    const schema = propertySchema(p);
    // Defaults that mean "nothing" ("") are left out; booleans and real values are shown.
    if (p.default !== undefined && p.default !== "") {
      schema.default = (p.kind === "flag" || p.kind === "boolean") && typeof p.default === "string" ? p.default === "true" : typeof p.default === "number" ? String(p.default) : p.default;
    }
    properties[p.option] = schema;
    if (p.required) required.push(p.option);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

export interface ToolAnnotations {
  [key: string]: unknown;
  title: string;
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint: boolean;
}

/**
 * From the definition: read-only as above; a write that is safe to replay changes or removes what
 * exists (idempotent, destructive), one that is not adds something new each time (a message, a
 * chat: neither idempotent nor destructive). Local functions do not reach the portal.
 */
export function annotations(def: Definition): ToolAnnotations {
  const title = `${def.name} (${def.ru})`;
  const openWorldHint = def.kind !== "local";
  if (isReadOnly(def) || def.kind === "local") return { title, readOnlyHint: true, openWorldHint };
  const safe = def.replay === "safe";
  return { title, readOnlyHint: false, destructiveHint: safe, idempotentHint: safe, openWorldHint };
}

export function toolDescription(def: Definition): string {
  const call =
    def.kind === "rest" ? `Bitrix24 REST method ${def.method}.` : def.kind === "flow" ? `Calls ${def.calls.join(", ")}.` : "Computed locally; nothing is sent.";
  const effect = isReadOnly(def) || def.kind === "local"
    ? "Changes nothing."
    : def.replay === "safe"
      ? "Changes the portal; repeating it has the same effect."
      : "Changes the portal; repeating it would do it again (if the outcome is reported unknown, check before calling again).";
  return `${def.summary}. ${call} ${effect}`;
}

// ---- OpenIntegrations' get_method_parameters -------------------------------------------------------

/** OpenIntegrations' `types` wording for each kind. */
const OPI_TYPES: Record<ParamSpec["kind"], string> = {
  url: "String",
  token: "String",
  string: "String",
  array: "Array Of Structure",
  map: "Structure Of KeyAndValue",
  json: "Structure Of KeyAndValue",
  flag: "Boolean",
  boolean: "Boolean",
  binary: "String, BinaryData",
  date: "Date",
  datetime: "Date",
  files: "Map Of KeyAndValue",
  label: "String",
};

export interface OpiParameter {
  name: string;
  types: string;
  description: string;
  default_value: string | boolean | number;
}

/** As OpenIntegrations lists them: required ones with "", empty defaults as "Empty value". */
export function opiParameters(def: Definition): OpiParameter[] {
  return def.params.map((p) => ({
    name: p.option,
    types: p.kind === "array" && p.items !== "object" ? "Array Of String" : OPI_TYPES[p.kind],
    description: p.description,
    default_value: p.required ? "" : p.default === undefined || p.default === "" ? "Empty value" : p.default,
  }));
}
