// The whole catalogue: every function definition, by region. Everything user-facing is generated
// from this list.
import type { Definition } from "./define.js";
import { REGIONS, type RegionName } from "./opi-regions.js";
import { calendarEventFunctions } from "./regions/calendar-events.js";
import { calendarFunctions } from "./regions/calendars.js";
import { chatFunctions } from "./regions/chats.js";
import { checklistFunctions } from "./regions/checklists.js";
import { commentFunctions } from "./regions/comments.js";
import { dealFunctions } from "./regions/deals.js";
import { departmentFunctions } from "./regions/departments.js";
import { feedFunctions } from "./regions/feed.js";
import { fileFunctions } from "./regions/files.js";
import { folderFunctions } from "./regions/folders.js";
import { kanbanFunctions } from "./regions/kanban.js";
import { leadFunctions } from "./regions/leads.js";
import { messageFunctions } from "./regions/messages.js";
import { notificationFunctions } from "./regions/notifications.js";
import { settingsFunctions } from "./regions/settings.js";
import { storageFunctions } from "./regions/storages.js";
import { customTaskFieldFunctions } from "./regions/task-fields.js";
import { taskTimeFunctions } from "./regions/task-time.js";
import { taskFunctions } from "./regions/tasks.js";
import { timemanFunctions } from "./regions/timeman.js";
import { userFunctions } from "./regions/users.js";

export const catalogue = [
  ...settingsFunctions,
  ...feedFunctions,
  ...taskFunctions,
  ...customTaskFieldFunctions,
  ...checklistFunctions,
  ...commentFunctions,
  ...kanbanFunctions,
  ...taskTimeFunctions,
  ...timemanFunctions,
  ...storageFunctions,
  ...folderFunctions,
  ...chatFunctions,
  ...messageFunctions,
  ...notificationFunctions,
  ...departmentFunctions,
  ...userFunctions,
  ...fileFunctions,
  ...leadFunctions,
  ...dealFunctions,
  ...calendarFunctions,
  ...calendarEventFunctions,
] as const;

export type Catalogue = typeof catalogue;

const byName = new Map<string, Definition>();
for (const def of catalogue as readonly Definition[]) {
  byName.set(def.name.toUpperCase(), def);
  byName.set(def.ru.toUpperCase(), def);
  for (const alias of def.aliases ?? []) byName.set(alias.toUpperCase(), def);
}

/** Finds a function by its English or Russian name (or an earlier spelling), case-insensitively (as OpenIntegrations does). */
export function findFunction(name: string): Definition | undefined {
  return byName.get(name.toUpperCase());
}

/** The functions of each region that has any, in the region table's order (OpenIntegrations' own). */
export function regions(): Map<RegionName, Definition[]> {
  const out = new Map<RegionName, Definition[]>();
  for (const region of REGIONS) {
    const defs = (catalogue as readonly Definition[]).filter((def) => def.region === region.en);
    if (defs.length) out.set(region.en, defs);
  }
  return out;
}
