// `import { bitrix24 } from "oint"`: one function per catalogue entry, generated from the
// definitions, under its lowerCamel English name and its Russian name; and the same functions bound
// to a Bitrix24Client with named options (`client.sendMessage({ chat, text })`). Their types, with
// parameter names and docs, are generated into library-api.ts from the same definitions.
import { catalogue } from "./catalogue/index.js";
import { libraryName, type Definition } from "./catalogue/define.js";
import { bindPositional, execute, runLocal, type ArgValues } from "./catalogue/invoke.js";
import type { Bitrix24Functions, Bitrix24Library } from "./library-api.js";
import { Bitrix24Client } from "./transport/client.js";
import { inputError } from "./transport/errors.js";
export { setOAuthServer } from "./transport/oauth-token.js";
export type { Bitrix24Functions, Bitrix24Library } from "./library-api.js";

declare module "./transport/client.js" {
  // Every catalogue function is a method of the client too (attached below).
  interface Bitrix24Client extends Bitrix24Functions {}
}


function libraryFunction(def: Definition) {
  return def.kind === "local"
    ? (...args: unknown[]) => runLocal(def, bindPositional(def, args))
    : (...args: unknown[]) => execute(def, bindPositional(def, args));
}

const table: Record<string, unknown> = {};
for (const def of catalogue as readonly Definition[]) {
  const fn = libraryFunction(def);
  table[libraryName(def)] = fn;
  table[def.ru] = fn;
}

export const bitrix24 = Object.freeze(table) as unknown as Bitrix24Library;

/** Named options (the CLI's option names) -> values by parameter name; url and token come from the client. */
function bindNamed(def: Definition, options: unknown, client: Bitrix24Client): ArgValues {
  if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
    throw inputError(`${libraryName(def)} takes one object of named options, e.g. { ${def.params.filter((p) => p.kind !== "url" && p.kind !== "token").map((p) => p.option).slice(0, 2).join(", ")} }`);
  }
  const values: ArgValues = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    const param = def.params.find((p) => p.option === key);
    if (!param) {
      const known = def.params.filter((p) => p.kind !== "url" && p.kind !== "token").map((p) => p.option);
      throw inputError(`${libraryName(def)} has no option "${key}"${known.length ? ` (options: ${known.join(", ")})` : ""}`, key);
    }
    if (param.kind === "url" || param.kind === "token") throw inputError(`${libraryName(def)}: the ${param.option} comes from the client, not from the options`, key);
    if (value !== undefined) values[param.name] = value;
  }
  // The client is the connection: its URL stands in for the url parameter's required check.
  for (const p of def.params) if (p.kind === "url") values[p.name] = client.endpoint.base;
  return values;
}

for (const def of catalogue as readonly Definition[]) {
  const name = libraryName(def);
  if (name in Bitrix24Client.prototype) throw new Error(`catalogue function ${def.name} would hide Bitrix24Client.${name}`);
  const method = def.kind === "local" ? function (this: Bitrix24Client, options?: unknown) {
    return runLocal(def, bindNamed(def, options, this));
  } : async function (this: Bitrix24Client, options?: unknown) {
    return execute(def, bindNamed(def, options, this), { client: this });
  };
  Object.defineProperty(Bitrix24Client.prototype, name, { value: method, writable: true, configurable: true });
}
