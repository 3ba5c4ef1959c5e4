// The shared parameter library: parameters many functions take in the same form, defined once.
// (url, token and ATTACH blocks live in define.ts beside the types; regions import all of them.)
// A function that takes one of these with another option letter or target spreads it:
// `{ ...fieldsParam("fields"), short: "d" }`.
import type { ParamSpec } from "./define.js";

/** A required ID sent as text under `field` (`--task -t` -> taskId). */
export function idParam<const N extends string, const O extends string, const S extends string, const F extends string>(name: N, option: O, short: S, field: F, description: string) {
  return { name, option, short, kind: "string", field, required: true, description } as const;
}

/** An optional ID sent as text (empty: left out). */
export function optionalIdParam<const N extends string, const O extends string, const S extends string, const F extends string>(name: N, option: O, short: S, field: F, description: string) {
  return { name, option, short, kind: "string", field, default: "", description } as const;
}

/** A structure of fields (`--fields`), sent under `field` or spread to the top level. */
export function fieldsParam<const F extends string>(field: F, description = "Fields structure: JSON object or a path to a .json file") {
  return { name: "fields", option: "fields", short: "f", kind: "map", field, required: true, nonEmpty: true, description } as const;
}

/** `--fields` whose keys go to the top level of the payload (calendar sections and events, users). */
export const spreadFieldsParam = { name: "fields", option: "fields", short: "f", kind: "map", spread: true, required: true, nonEmpty: true, description: "Fields structure: JSON object or a path to a .json file" } as const;

/** A list filter (`--filter`), optional; empty: the whole list. */
export function filterParam<const F extends string>(field: F, description = "Filter structure: JSON object or a path to a .json file") {
  return { name: "filter", option: "filter", short: "r", kind: "map", field, default: "", description } as const;
}

/** OpenIntegrations' `Indent`: the list offset sent as `start`; the default, the number 0, is left out as OpenIntegrations leaves it (a given "0" is sent). */
export const offsetParam = { name: "offset", option: "offset", short: "o", kind: "string", field: "start", default: 0, check: "offset", description: "Offset of the list (Bitrix24 pages hold 50)" } as const;

// ---- Tasks (tasks, checklists, comments and results, kanban, task time) ----------------------------

/** `--task -t`: the task ID, sent as text under `field` (`taskId` for tasks.task.*, `TASKID` for task.*item.*). */
export function taskParam<const F extends string>(field: F, description = "Task ID") {
  return idParam("taskId", "task", "t", field, description);
}

// ---- Drive, CRM, departments, feed, calendars, work day ------------------------------------------

/** `--title -t` sent as `newName`: RenameStorage, RenameFolder, RenameFile. */
export const newNameParam = { name: "title", option: "title", short: "t", kind: "string", field: "newName", required: true, description: "New name" } as const;

/** `--title -t` sent as `data.NAME`: the new folder of CreateStorageFolder and CreateSubfolder. */
export const folderNameParam = { name: "title", option: "title", short: "t", kind: "string", field: "data.NAME", required: true, description: "Name of the new folder" } as const;

/** `--owner -o` sent as `ownerId`: a calendar's owner (a user or group ID). */
export const calendarOwnerParam = { name: "owner", option: "owner", short: "o", kind: "string", field: "ownerId", required: true, description: "Calendar owner ID (user or workgroup)" } as const;

/** `--type -t` sent as `type`: the calendar type. */
export const calendarTypeParam = { name: "type", option: "type", short: "t", kind: "string", field: "type", required: true, description: "Calendar type: user, group, company_calendar, location" } as const;

/** Keep a type check on the library's side: everything above is a ParamSpec. */
export type _Check = [ReturnType<typeof idParam>, ReturnType<typeof fieldsParam>, ReturnType<typeof filterParam>, typeof offsetParam, typeof spreadFieldsParam] extends ParamSpec[] ? true : never;
