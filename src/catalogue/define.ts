// The shape of one OpenIntegrations function definition. Each function is described once, here in
// the catalogue; the library function, the CLI command with its help, and the reference docs are all
// generated from that description.
import type { Envelope } from "../transport/envelope.js";

/**
 * How a parameter's value is read and sent (OpenIntegrations' coercion rules, opi-bitrix24.md §4.4):
 * - url / token: where and as whom to call (never part of the payload);
 * - string: a scalar sent as a string (IDs are sent as strings, numbers printed plainly);
 * - array: JSON text (single quotes allowed), a .json file path, or a value; one value becomes [value];
 * - map: a JSON object (text, .json path or object);
 * - flag: true/false sent as "Y"/"N";
 * - boolean: true/false;
 * - binary: a file path, an http(s) URL (downloaded) or Base64 text; sent as Base64;
 * - json: any JSON structure (object or list) from text or a .json file, sent as it is;
 * - date: a Date or date text, sent as `yyyy-MM-dd` (OpenIntegrations' ДатаБезВремени);
 * - datetime: a Date or date-time text, sent as ISO `yyyy-MM-ddTHH:mm:ss` (see `format`);
 * - files: a map file name -> path, URL, bytes or Base64, sent as `[[name, base64], …]` (feed posts);
 * - label: one text sent as a label in every language, `{ en: text, ru: text }` (user fields).
 */
export type ParamKind = "url" | "token" | "string" | "array" | "map" | "flag" | "boolean" | "binary" | "json" | "date" | "datetime" | "files" | "label";

export interface ParamSpec {
  /** Library parameter name (camelCase), also used in error messages of the library. */
  readonly name: string;
  /** CLI long option (without dashes), exactly as OpenIntegrations names it. */
  readonly option: string;
  /** CLI short option letter, exactly as OpenIntegrations' option index gives it. */
  readonly short: string;
  readonly kind: ParamKind;
  /**
   * Where the value goes in the payload: a top-level field (`DIALOG_ID`), a dotted path into nested
   * objects (`FIELDS.TITLE`, `data.NAME`; a numeric part makes a list: `fileContent.1`), or several
   * such targets (one value sent twice). Parents exist only for filled values, as OpenIntegrations
   * leaves empty ones out. Absent for url/token and for local functions' inputs.
   */
  readonly field?: string | readonly string[];
  /** `spread`: the map's keys are copied to the top level of the payload (CreateChat, CreateUser). */
  readonly spread?: boolean;
  /** For arrays: what one element is. A bare scalar is wrapped; bare text is refused for objects. */
  readonly items?: "object" | "scalar";
  /** Send `"0"`/empty-looking values too (OpenIntegrations pre-converts some IDs to strings). */
  readonly keepEmpty?: boolean;
  /** For datetime: "local" `yyyy-MM-ddTHH:mm:ss` (default), "utc" with `Z`, "offset" with the zone offset (`+03:00`). */
  readonly format?: "local" | "utc" | "offset";
  /** For flags: true is sent as "N", false as "Y" (ChangeUserStatus: `--fire true` sends ACTIVE=N). */
  readonly invert?: boolean;
  /** A secret (client secret, auth code, refresh token): shown as *** in --test, --debug and errors. Tokens always are. */
  readonly secret?: boolean;
  /** A check run before sending (src/catalogue/checks.ts); a problem is an InputError. */
  readonly check?: import("./checks.js").CheckName;
  readonly required?: boolean;
  /** The TypeScript type of the library value in the generated declarations; default: from `check`, else `kind`. */
  readonly type?: string;
  /** For lists and objects: an empty one (`[]`, `{}`) is refused; it would widen or void the call (GetUsers: `[]` lists everyone). */
  readonly nonEmpty?: boolean;
  /** Applied when the value is absent; shown in help. */
  readonly default?: string | boolean | number;
  readonly description: string;
}

interface CommonSpec {
  /** English name, as OpenIntegrations exports it: `SendMessage`. */
  readonly name: string;
  /** Russian name: `ОтправитьСообщение`. */
  readonly ru: string;
  /** Region (OpenIntegrations module region, from the region table) the function belongs to: groups help and docs. */
  readonly region: import("./opi-regions.js").RegionName;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Other names it answers to (OpenIntegrations' earlier RU spellings), for old scripts. */
  readonly aliases?: readonly string[];
  /** Not one of OpenIntegrations' functions: oint's own (the parity test requires the mark). */
  readonly addition?: true;
}

export interface RestSpec extends CommonSpec {
  /** The Bitrix24 REST method called. */
  readonly method: string;
  /** GET for the read-only methods OpenIntegrations calls with GET; POST with a JSON body otherwise. */
  readonly http?: "GET" | "POST";
  /**
   * Whether the call may be sent again after an ambiguous failure: the request went out and no
   * usable answer came back (a dropped connection, a timeout, a 5xx page, a 200 whose body is not
   * clean JSON), so it may have been carried out. `safe` only when running it a second time, right
   * after it succeeded, changes nothing more AND answers as the first run did: reads, and writes
   * that set a state (mute, read marks, a status, an edit to the same text). `unsafe` when a second
   * run would add something (a second message, chat, notification, system message, file) or would
   * turn the success into a reported failure or a different answer (a delete, a leave, a removal,
   * an owner change, a value Bitrix24 refuses when it is already set, a delete that then answers
   * false). When in doubt, `unsafe`: the caller then gets an outcome-unknown TransportError (CLI
   * exit 5) instead of a duplicate or a false failure. Failures that prove the method did not run
   * (a refused connection, 503 QUERY_LIMIT_EXCEEDED, 429) are retried either way.
   */
  readonly replay: "safe" | "unsafe";
  /** Fields always sent, e.g. `MUTE: "Y"` for DisableChatNotifications. */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** A named hook (src/catalogue/hooks.ts) for what data cannot say: a conditional payload, a post-processed answer. */
  readonly hook?: import("./hooks.js").HookName;
  /** Changes nothing on the portal (a read): what MCP's read-only mode offers and annotates. */
  readonly readOnly?: true;
  /**
   * When Bitrix24's cloud removed the method ("2024-09"): cloud portals answer ERROR_METHOD_NOT_FOUND
   * (exit 3), and so does the local portal on purpose; a self-hosted Bitrix24 may still have it.
   * Help and the reference say so; the parity test checks the local portal refuses it as the cloud does.
   */
  readonly removedFromCloud?: string;
}

export interface LocalSpec extends CommonSpec {
  /** Builds the value locally; no HTTP. Gets the coerced inputs by parameter name. */
  readonly build: (values: Record<string, unknown>) => unknown;
}

/** What a multi-step function gets to do its work with. */
export interface FlowContext {
  /** The client for the call's url/token (throws InputError when the URL is unusable). */
  client(): import("../transport/client.js").Bitrix24Client;
  /** The OAuth server's token endpoint (OINT_OAUTH_URL or setOAuthServer(); default oauth.bitrix.info). */
  oauthTokenUrl(): string;
  /** The CLI's --debug output (secrets must already be masked), when it is on. */
  debug?: (line: string) => void;
}

export interface FlowSpec extends CommonSpec {
  /** Whether the whole flow may be repeated after an ambiguous failure (the rule: RestSpec.replay). */
  readonly replay: "safe" | "unsafe";
  /** REST methods the flow calls, for help and docs. */
  readonly calls: readonly string[];
  /** Changes nothing on the portal. */
  readonly readOnly?: true;
  /** Does the work; gets the inputs by parameter name (defaults applied, required ones checked). */
  readonly perform: (values: Record<string, unknown>, ctx: FlowContext) => Promise<unknown>;
}

export type RestDefinition<R = unknown> = RestSpec & { readonly kind: "rest"; readonly __result?: R };
export type LocalDefinition<R = unknown> = LocalSpec & { readonly kind: "local"; readonly __result?: R };
export type FlowDefinition<R = unknown> = FlowSpec & { readonly kind: "flow"; readonly __result?: R };
export type Definition = RestDefinition<any> | LocalDefinition<any> | FlowDefinition<any>;

/** `rest<number>()({...})`: a function that calls one REST method and whose `result` is a number. */
export function rest<R = unknown>() {
  return <const S extends RestSpec>(spec: S): S & { readonly kind: "rest"; readonly __result?: R } =>
    ({ ...spec, kind: "rest" }) as S & { readonly kind: "rest"; readonly __result?: R };
}

/** `local()({...build})`: a function computed on this machine (block helpers, templates). */
export function local() {
  return <const S extends LocalSpec>(spec: S): S & { readonly kind: "local"; readonly __result?: ReturnType<S["build"]> } =>
    ({ ...spec, kind: "local" }) as S & { readonly kind: "local"; readonly __result?: ReturnType<S["build"]> };
}

/**
 * `flow()({...perform})`: a function that takes more than one request (an upload, the OAuth
 * token exchange). Its library result is whatever `perform` resolves to.
 */
export function flow() {
  return <const S extends FlowSpec>(spec: S): S & { readonly kind: "flow"; readonly __result?: Awaited<ReturnType<S["perform"]>> } =>
    ({ ...spec, kind: "flow" }) as S & { readonly kind: "flow"; readonly __result?: Awaited<ReturnType<S["perform"]>> };
}

// ---- Shared parameters -------------------------------------------------------------------------

export const urlParam = {
  name: "url",
  option: "url",
  short: "u",
  kind: "url",
  required: true,
  description: "Webhook URL (https://portal/rest/1/secret/), or the portal address when --token is given",
} as const;

/** ATTACH blocks, as SendMessage, EditMessage and the notifications take them. */
export const blocksParam = {
  name: "blocks",
  option: "blocks",
  short: "b",
  kind: "array",
  items: "object",
  field: "ATTACH",
  check: "attach",
  default: "",
  description: "Attachment blocks: JSON array (or one block object), or a path to a .json file",
} as const;

/** The OAuth token parameter; its short option is `t` unless `t` is taken by --text/--title. */
export function tokenParam<const S extends string = "t">(short: S = "t" as S) {
  return {
    name: "token",
    option: "token",
    short,
    kind: "token",
    default: "",
    description: "OAuth access token (leave empty when --url is a webhook URL)",
  } as const;
}

// ---- Types of the generated library functions ---------------------------------------------------

export interface Values {
  url: string;
  token: string;
  string: string | number;
  array: unknown[] | string | number | Record<string, unknown>; // a number: one ID, wrapped into [id]
  map: Record<string, unknown> | string;
  flag: boolean | string;
  boolean: boolean | string;
  binary: string | Uint8Array;
  json: object | string;
  date: string | Date;
  datetime: string | Date;
  files: Record<string, string | Uint8Array> | string;
  label: string;
}

type ArgOf<P extends ParamSpec> = Values[P["kind"]];

type OptionalArgs<P extends readonly ParamSpec[]> = P extends readonly [infer H extends ParamSpec, ...infer R extends readonly ParamSpec[]]
  ? [ArgOf<H>?, ...OptionalArgs<R>]
  : [];

/** Positional arguments in definition order; everything after the first optional one is optional. */
export type ArgsOf<P extends readonly ParamSpec[]> = P extends readonly [infer H extends ParamSpec, ...infer R extends readonly ParamSpec[]]
  ? H extends { readonly required: true }
    ? [ArgOf<H>, ...ArgsOf<R>]
    : OptionalArgs<P>
  : [];

// `Exclude<…, undefined>`: the phantom key is optional, so a project compiled with
// exactOptionalPropertyTypes would otherwise infer `R | undefined` for every result.
export type ResultOf<D> = D extends { readonly __result?: infer R } ? Exclude<R, undefined> : unknown;

export type LibraryFunction<D> = D extends { readonly kind: "rest"; readonly params: infer P extends readonly ParamSpec[] }
  ? (...args: ArgsOf<P>) => Promise<Envelope<ResultOf<D>>>
  : D extends { readonly kind: "local"; readonly params: infer P extends readonly ParamSpec[] }
    ? (...args: ArgsOf<P>) => ResultOf<D>
    : D extends { readonly kind: "flow"; readonly params: infer P extends readonly ParamSpec[] }
      ? (...args: ArgsOf<P>) => Promise<ResultOf<D>>
      : never;

/** Whether a module's export is a function definition (the directory and the lookup read region modules' exports). */
export const isDefinition = (value: unknown): value is Definition =>
  !!value && typeof value === "object" && !Array.isArray(value) && typeof (value as Definition).name === "string" && ["rest", "local", "flow"].includes((value as Definition).kind);

/** A function's library name: `SendMessage` -> `sendMessage` (bitrix24.sendMessage, client.sendMessage). */
export const libraryName = (def: { readonly name: string }): string => def.name.charAt(0).toLowerCase() + def.name.slice(1);

// ---- Shorthands --------------------------------------------------------------------------------

/** What an id-only function says: everything but its parameters, which are url, the ID and token. */
export interface ByIdSpec extends Omit<RestSpec, "params"> {
  /** The one ID parameter (`--task -t` sent as `taskId`, …); kind string, required. */
  readonly id: { readonly name: string; readonly option: string; readonly short: string; readonly field: string; readonly description: string };
  /** The token's short option when `t` is the ID's (default `t`). */
  readonly tokenShort?: string;
}

/**
 * `byId<boolean>()({ name, ru, region, summary, method, replay, id: { name: "taskId", option: "task",
 * short: "t", field: "taskId", description: "Task ID" } })`: the ~45 functions of the form
 * `(url, id, token) -> method({ field: id })`.
 */
export function byId<R = unknown>() {
  return <const S extends ByIdSpec>(spec: S) => {
    const { id, tokenShort, ...rest } = spec;
    const params = [urlParam, { ...id, kind: "string", required: true } as const, tokenParam((tokenShort ?? "t") as S["tokenShort"] extends string ? S["tokenShort"] : "t")] as const;
    return { ...rest, params, kind: "rest" } as Omit<S, "id" | "tokenShort"> & { readonly params: typeof params; readonly kind: "rest"; readonly __result?: R };
  };
}

/** A structure template: field -> description, nested where the structure nests. */
export type TemplateFields = { readonly [key: string]: string | TemplateFields | readonly (string | TemplateFields)[] };

/** Empties every value of a template, keeping its shape (OpenIntegrations' `Clear`). */
export function emptied(fields: TemplateFields): Record<string, unknown> {
  const empty = (v: unknown): unknown => (typeof v === "string" ? "" : Array.isArray(v) ? v.map(empty) : Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, empty(x)])));
  return empty(fields) as Record<string, unknown>;
}

export interface TemplateSpec extends Omit<CommonSpec, "params"> {
  readonly fields: TemplateFields;
  /** Also take `--map` (OpenIntegrations' AsMap: a map instead of a structure; the JSON is the same). */
  readonly asMap?: boolean;
  /** The `--empty` parameter's kind: "flag" (most) or "boolean". */
  readonly emptyKind?: "flag" | "boolean";
}

/**
 * `template()({ name, ru, region, summary, fields })`: the local functions that print a structure to
 * fill (GetTasksFilterStructure, GetCalendarStructure, …): each key with its description, or with
 * `--empty true` every value empty.
 */
export function template() {
  return <const S extends TemplateSpec>(spec: S) => {
    const { fields, asMap, emptyKind, ...rest } = spec;
    const params = [
      { name: "empty", option: "empty", short: "e", kind: emptyKind ?? "flag", default: false, description: "true: empty values instead of descriptions" },
      ...(asMap ? [{ name: "asMap", option: "map", short: "m", kind: "flag", default: false, description: "Return a map (keys may then carry filter prefixes such as !ID); the JSON is the same" }] : []),
    ] as const;
    const build = (values: Record<string, unknown>) => (values.empty ? emptied(fields) : structuredClone(fields)) as { [K in keyof S["fields"]]: S["fields"][K] extends string ? string : unknown };
    return { ...rest, params, build, kind: "local" } as Omit<S, "fields" | "asMap" | "emptyKind"> & {
      readonly params: readonly ParamSpec[];
      readonly build: typeof build;
      readonly kind: "local";
      readonly __result?: ReturnType<typeof build>;
    };
  };
}
