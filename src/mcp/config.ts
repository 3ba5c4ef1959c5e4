// OpenIntegrations' MCP configuration: `{"vars": {"Name": "value"}}`. A tool argument written as
// `@@Name` is replaced by the value of `Name` on this machine, so secrets (webhook URLs, tokens)
// need not pass through the assistant. `--config default` means no variables.
import { readFileSync } from "node:fs";
import { InputError } from "../transport/errors.js";

export interface McpConfig {
  vars: Map<string, string>;
}

/** `oint mcp config [--empty true|false]`: the template, empty or with a described example. */
export function configTemplate(empty: boolean): { vars: Record<string, string> } {
  return empty
    ? { vars: {} }
    : { vars: { TextKey: "Any string value of the variable. It can be used by key with the addition of @@ to specify parameter values when calling execute_method" } };
}

/** Reads `--config`: `default` (or nothing), a JSON file, or JSON text as OpenIntegrations also takes. */
export function readConfig(source: string | undefined): McpConfig {
  if (source === undefined || source === "" || source === "default") return { vars: new Map() };
  let text: string;
  if (/^\s*\{/.test(source)) text = source;
  else {
    try {
      text = readFileSync(source, "utf8");
    } catch (error) {
      throw new InputError(`cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, "--config");
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError("The configuration is not a valid collection of key and value (invalid JSON)", "--config");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new InputError("The configuration is not a valid collection of key and value", "--config");
  const vars = (parsed as { vars?: unknown }).vars ?? {};
  if (!vars || typeof vars !== "object" || Array.isArray(vars)) throw new InputError(`"vars" must be an object of names and values`, "--config");
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(vars)) {
    out.set(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  return { vars: out };
}

/** Every variable value: all are treated as secrets in logs and results. */
export function varSecrets(config: McpConfig): string[] {
  return [...config.vars.values()];
}
