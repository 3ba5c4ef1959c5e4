// The tools: OpenIntegrations' five (`--tools opi`, the default) and one typed tool per catalogue
// function (`--tools typed`), or both. Each tool is its MCP description plus a call that never
// throws for a user mistake: bad arguments come back as tool errors naming the parameter.
import { findFunction } from "../catalogue/index.js";
import type { Definition, ParamSpec } from "../catalogue/define.js";
import { parseCommand } from "../cli/args.js";
import { methodPage } from "../cli/help.js";
import { formatResult } from "../cli/output.js";
import { InputError } from "../transport/errors.js";
import { annotations, inputSchema, opiParameters, toolDescription, toolParams } from "./catalogue.js";
import type { McpConfig } from "./config.js";
import { execute, type ExecContext, type Outcome } from "./execute.js";

export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface Tool {
  definition: { name: string; description: string; inputSchema: Record<string, unknown>; annotations?: Record<string, unknown>; title?: string };
  call(args: Record<string, unknown>): Promise<ToolResult>;
}

export interface ToolContext extends ExecContext {
  config: McpConfig;
  /** The functions exposed (after --read-only, --regions, --functions). */
  functions: readonly Definition[];
}

const text = (value: string, isError = false): ToolResult => ({ content: [{ type: "text", text: value }], ...(isError ? { isError: true } : {}) });

/**
 * `@@Name` -> the value of `Name` in the config's vars. OpenIntegrations leaves an unknown name as
 * it is (and sends it); oint refuses it, naming the parameter.
 */
function substitute(value: string, parameter: string, config: McpConfig): string {
  if (!value.startsWith("@@")) return value;
  const found = config.vars.get(value.slice(2));
  if (found === undefined) throw new InputError(`${value} is not one of the config's vars (see get_variables)`, parameter);
  return found;
}

function exposed(ctx: ToolContext, name: unknown): Definition | undefined {
  if (typeof name !== "string") return undefined;
  const def = findFunction(name);
  return def && ctx.functions.includes(def) ? def : undefined;
}

// ---- OpenIntegrations' five tools -------------------------------------------------------------------

const SERVICE = "bitrix24";
const isService = (s: unknown) => typeof s === "string" && s.toLowerCase() === SERVICE;

export function opiTools(ctx: ToolContext): Tool[] {
  const json = (value: unknown) => JSON.stringify(value);
  return [
    {
      definition: {
        name: "get_services",
        description: "Gets a list of all available services (commands) of the CLI utility",
        inputSchema: { type: "object", properties: {}, required: [] },
      },
      call: async () => text(json({ services: [{ name: SERVICE, title: "Bitrix24" }] })),
    },
    {
      definition: {
        name: "get_variables",
        description: "Gets a list of user-defined variable names that can be used to specify parameter values when calling methods instead of actual data",
        inputSchema: { type: "object", properties: {}, required: [] },
      },
      call: async () => text(json({ vars: [...ctx.config.vars.keys()].map((k) => `@@${k}`) })),
    },
    {
      definition: {
        name: "get_service_methods",
        description: "Gets a list of all methods for a specific service",
        inputSchema: {
          type: "object",
          properties: { service: { type: "string", description: "Service name (command), for example: telegram, slack, notion" } },
          required: ["service"],
        },
      },
      call: async (args) => text(json({ methods: isService(args.service) ? ctx.functions.map((d) => ({ name: d.name, description: d.summary })) : [] })),
    },
    {
      definition: {
        name: "get_method_parameters",
        description: "Gets a list of parameters for a specific service method with their description, types, and default values",
        inputSchema: {
          type: "object",
          properties: { service: { type: "string", description: "Service name (command)" }, method: { type: "string", description: "Service method name" } },
          required: ["service", "method"],
        },
      },
      call: async (args) => {
        const def = isService(args.service) ? exposed(ctx, args.method) : undefined;
        return text(json({ parameters: def ? opiParameters(def) : [] }));
      },
    },
    {
      definition: {
        name: "execute_method",
        description: "Executes a service method with specified parameters and returns the result",
        inputSchema: {
          type: "object",
          properties: {
            service: { type: "string", description: "Service name (command)" },
            method: { type: "string", description: "Service method name" },
            parameters: { type: "object", description: "Object with named method parameters", additionalProperties: true },
          },
          required: ["service", "method", "parameters"],
        },
      },
      call: (args) => executeMethod(ctx, args),
    },
  ];
}

/** The value as OpenIntegrations hands it to its CLI: text (numbers printed, structures as JSON text). */
function asOptionText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const executionResult = (value: string, isError = false) => text(JSON.stringify({ execution_result: value }), isError);

async function executeMethod(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolResult> {
  const { service, method } = args;
  if (!isService(service)) return executionResult(`unknown service ${JSON.stringify(service ?? "")}: the only service is ${SERVICE}`, true);
  const def = exposed(ctx, method);
  if (!def) return executionResult(`unknown method ${JSON.stringify(method ?? "")} in ${SERVICE}: see get_service_methods`, true);
  const parameters = args.parameters ?? {};
  if (typeof parameters !== "object" || Array.isArray(parameters)) return executionResult("parameters: must be an object of named method parameters", true);
  let outcome: Outcome;
  try {
    // The same reading of every value as `oint bitrix24 <Method> --option value …`.
    const argv: string[] = [];
    for (const [key, raw] of Object.entries(parameters as Record<string, unknown>)) {
      const option = key.replace(/^-+/, "");
      const value = substitute(asOptionText(raw), option, ctx.config);
      // A function's option takes its value joined (`--text=--test`): a value is only ever a value,
      // even one that looks like an option, and `-` is the text "-", not stdin.
      if (def.params.some((p) => p.option === option)) argv.push(`--${option}=${value}`);
      else argv.push(`--${option}`, value);
    }
    const command = parseCommand(def, argv);
    for (const name of ["out", "debug", "profile"] as const) {
      if (command.global[name]) throw new InputError(`is not available through MCP${name === "profile" ? " (start the server with --profile)" : ""}`, `--${name}`);
    }
    if (command.global.help) return executionResult(methodPage(def));
    outcome = await execute(def, command.values, ctx, command.global.test);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    outcome = { ok: false, kind: "input", parameter: error.parameter, problem: error.problem };
  }
  return executionResult(...cliText(def, outcome, (p) => `--${p.option}`));
}

/** What the CLI would print for an outcome (stdout for results and Bitrix24 errors, else its one-line message). */
function cliText(def: Definition, outcome: Outcome, nameOf: (p: ParamSpec) => string): [string, boolean] {
  if (outcome.ok) return [formatResult(outcome.value), false];
  switch (outcome.kind) {
    case "bitrix24":
      return [formatResult(outcome.envelope), true];
    case "input": {
      const param = def.params.find((p) => p.name === outcome.parameter);
      const where = param ? nameOf(param) : outcome.parameter;
      return [where ? `${where}: ${outcome.problem}` : outcome.problem, true];
    }
    case "transport":
      return [outcome.message, true];
    default:
      return [`unexpected error: ${outcome.message}`, true];
  }
}

// ---- Typed tools ------------------------------------------------------------------------------------

export function typedTools(ctx: ToolContext): Tool[] {
  return ctx.functions.map((def) => ({
    definition: {
      name: def.name,
      title: `${def.name} (${def.ru})`,
      description: toolDescription(def),
      inputSchema: inputSchema(def),
      annotations: annotations(def),
    },
    call: (args) => callTyped(ctx, def, args),
  }));
}

const KIND_CHECKS: Partial<Record<ParamSpec["kind"], [string, (v: unknown) => boolean]>> = {
  string: ["a string or a number", (v) => typeof v === "string" || typeof v === "number"],
  binary: ["a string", (v) => typeof v === "string"],
  flag: ["true or false", (v) => typeof v === "boolean" || v === "true" || v === "false"],
  boolean: ["true or false", (v) => typeof v === "boolean" || v === "true" || v === "false"],
  map: ["an object", (v) => (typeof v === "object" && v !== null && !Array.isArray(v)) || typeof v === "string"],
  json: ["an object or an array", (v) => (typeof v === "object" && v !== null) || typeof v === "string"],
  array: ["an array", (v) => v !== null && typeof v !== "boolean"],
};

async function callTyped(ctx: ToolContext, def: Definition, args: Record<string, unknown>): Promise<ToolResult> {
  const params = toolParams(def);
  let outcome: Outcome;
  try {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(args)) {
      const param = params.find((p) => p.option === key);
      if (!param) throw new InputError(`is not a parameter of ${def.name} (its parameters: ${params.map((p) => p.option).join(", ") || "none"})`, key);
      if (raw === undefined || raw === null) continue;
      const check = KIND_CHECKS[param.kind];
      if (check && !check[1](raw)) throw new InputError(`must be ${check[0]}`, param.name);
      values[param.name] = typeof raw === "string" ? substitute(raw, param.name, ctx.config) : raw;
    }
    outcome = await execute(def, values, ctx);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    outcome = { ok: false, kind: "input", parameter: error.parameter, problem: error.problem };
  }
  if (outcome.ok) {
    const value = outcome.value;
    const structured = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { result: value };
    return { content: [{ type: "text", text: formatResult(value) }], structuredContent: structured };
  }
  const [message] = cliText(def, outcome, (p) => p.option);
  const structured: Record<string, unknown> =
    outcome.kind === "bitrix24"
      ? { ...outcome.envelope }
      : outcome.kind === "transport"
        ? { error: "NO_ANSWER", error_description: message, outcomeUnknown: outcome.outcomeUnknown, ...(outcome.request ? { request: outcome.request } : {}) }
        : outcome.kind === "input"
          ? { error: "INVALID_ARGUMENT", error_description: message, ...(outcome.parameter ? { parameter: params.find((p) => p.name === outcome.parameter)?.option ?? outcome.parameter } : {}) }
          : { error: "UNEXPECTED", error_description: message };
  return { content: [{ type: "text", text: message }], structuredContent: structured, isError: true };
}
