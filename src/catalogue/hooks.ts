// Named hooks: the few things a definition cannot say as data, kept here by name (like the checks)
// so definitions stay declarative. A hook may reshape the payload before it is sent (a conditional
// field) and the answer after it comes back (a structure computed from it).
import type { Envelope } from "../transport/envelope.js";
import { isFilled, toBoolean, toDate } from "./coerce.js";
import type { ParamSpec } from "./define.js";

export interface Hook {
  /** The payload about to be sent, built from the definition; returns the one to send. */
  payload?: (payload: Record<string, unknown>, values: Record<string, unknown>) => Record<string, unknown>;
  /** The answer as received; returns what the function gives back. */
  result?: (answer: Envelope<unknown>, values: Record<string, unknown>) => unknown;
}

/**
 * MoveTaskToKanbanStage's one anchor, as OpenIntegrations' code sends it: `before` when it is filled
 * (the text "0" is; the number 0, its default, is not and is already left out), else `after`, which
 * OpenIntegrations turns into text first, so its default 0 goes as "0" (the definition marks it
 * keepEmpty) and only an empty text leaves it out.
 */
function oneAnchor(payload: Record<string, unknown>): Record<string, unknown> {
  const { before, after, ...rest } = payload;
  if (before !== undefined) return { ...rest, before };
  return after === undefined ? rest : { ...rest, after };
}

/** A parameter of a hook's own checks, named for InputError (`--empty`, `filter.from`). */
const hookParam = (name: string, kind: ParamSpec["kind"]): ParamSpec => ({ name, option: name, short: "", kind, description: name });

/**
 * GetFolderFilterStructure, as OpenIntegrations computes it from disk.folder.getfields: only the
 * fields whose description says USE_IN_FILTER, each with its TYPE (or "" with --empty true). The
 * payload side checks --empty before anything is sent (it is no field of the payload).
 */
const folderFilterFields: Hook = {
  payload: (payload, values) => {
    toBoolean(values.empty ?? false, hookParam("empty", "boolean"));
    return payload;
  },
  result: (answer, values) => {
    const empty = toBoolean(values.empty ?? false, hookParam("empty", "boolean"));
    const fields = (answer.result ?? {}) as Record<string, { TYPE?: unknown; USE_IN_FILTER?: unknown } | null>;
    const filter: Record<string, unknown> = {};
    for (const [name, description] of Object.entries(fields)) {
      if (description?.USE_IN_FILTER === true) filter[name] = empty ? "" : (description.TYPE ?? "");
    }
    return filter;
  },
};

/**
 * GetCalendarEvents' filter, as OpenIntegrations copies it: only `section` (a list; one ID becomes
 * [ID]) and `from`/`to` (as yyyy-MM-dd) go to the top level; other keys are dropped. A date that is
 * no date is refused (OpenIntegrations would send it empty).
 */
function calendarEventFilter(payload: Record<string, unknown>): Record<string, unknown> {
  const { filter, ...rest } = payload;
  if (!filter || typeof filter !== "object" || Array.isArray(filter)) return rest;
  const out: Record<string, unknown> = { ...rest };
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    if (key === "section") out.section = Array.isArray(value) ? value : isFilled(value) ? [value] : [];
    else if (key === "from" || key === "to") {
      const day = toDate(value, hookParam(`filter.${key}`, "date"));
      if (day) out[key] = day;
    }
  }
  return out;
}

const registry = {
  oneAnchor: { payload: oneAnchor },
  folderFilterFields,
  calendarEventFilter: { payload: calendarEventFilter },
} satisfies Record<string, Hook>;

export type HookName = keyof typeof registry;
export const hooks: Record<HookName, Hook> = registry;
