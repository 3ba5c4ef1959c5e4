// Finding one function without loading the whole catalogue: the generated directory names the
// region module that defines it, and only that module is loaded (the CLI's start-up path).
// findFunction (index.ts) is the synchronous lookup over the whole catalogue.
import { isDefinition, type Definition } from "./define.js";
import { DIRECTORY, REGION_MODULES } from "./directory.js";

/** A function by its English or Russian name (or an earlier spelling), case-insensitively. */
export async function loadFunction(name: string): Promise<Definition | undefined> {
  const wanted = name.toUpperCase();
  const key = Object.hasOwn(DIRECTORY, wanted) ? DIRECTORY[wanted] : undefined;
  if (!key) return undefined;
  for (const def of Object.values(await REGION_MODULES[key]())) {
    if (isDefinition(def) && [def.name, def.ru, ...(def.aliases ?? [])].some((n) => n.toUpperCase() === wanted)) return def;
  }
  return undefined;
}
