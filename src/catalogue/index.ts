// The whole catalogue: every function definition, by region. Everything user-facing is generated
// from this list.
import type { Definition } from "./define.js";
import { chatFunctions } from "./regions/chats.js";
import { fileFunctions } from "./regions/files.js";
import { messageFunctions } from "./regions/messages.js";
import { notificationFunctions } from "./regions/notifications.js";
import { settingsFunctions } from "./regions/settings.js";
import { userFunctions } from "./regions/users.js";

export const catalogue = [
  ...settingsFunctions,
  ...chatFunctions,
  ...messageFunctions,
  ...notificationFunctions,
  ...userFunctions,
  ...fileFunctions,
] as const;

export type Catalogue = typeof catalogue;

const byName = new Map<string, Definition>();
for (const def of catalogue as readonly Definition[]) {
  byName.set(def.name.toUpperCase(), def);
  byName.set(def.ru.toUpperCase(), def);
}

/** Finds a function by its English or Russian name, case-insensitively (as OpenIntegrations does). */
export function findFunction(name: string): Definition | undefined {
  return byName.get(name.toUpperCase());
}

export function regions(): Map<string, Definition[]> {
  const out = new Map<string, Definition[]>();
  for (const def of catalogue as readonly Definition[]) {
    const list = out.get(def.region) ?? [];
    list.push(def);
    out.set(def.region, list);
  }
  return out;
}
