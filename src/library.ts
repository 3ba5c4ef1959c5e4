// `import { bitrix24 } from "oint"`: one function per catalogue entry, generated from the
// definitions, under its lowerCamel English name and its Russian name.
import { catalogue, type Catalogue } from "./catalogue/index.js";
import type { Definition, LibraryFunction } from "./catalogue/define.js";
import { bindPositional, invoke, runLocal } from "./catalogue/invoke.js";
export { setOAuthServer } from "./transport/oauth-token.js";

type Entry = Catalogue[number];

export type Bitrix24Library = {
  readonly [D in Entry as Uncapitalize<D["name"]>]: LibraryFunction<D>;
} & {
  readonly [D in Entry as D["ru"]]: LibraryFunction<D>;
};

function libraryFunction(def: Definition) {
  return def.kind === "local"
    ? (...args: unknown[]) => runLocal(def, bindPositional(def, args))
    : (...args: unknown[]) => invoke(def, bindPositional(def, args));
}

const table: Record<string, unknown> = {};
for (const def of catalogue as readonly Definition[]) {
  const fn = libraryFunction(def);
  table[def.name.charAt(0).toLowerCase() + def.name.slice(1)] = fn;
  table[def.ru] = fn;
}

export const bitrix24 = Object.freeze(table) as Bitrix24Library;
