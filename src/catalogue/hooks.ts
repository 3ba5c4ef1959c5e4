// Named hooks: the few things a definition cannot say as data, kept here by name (like the checks)
// so definitions stay declarative. A hook may reshape the payload before it is sent (a conditional
// field) and the answer after it comes back (a structure computed from it).
import type { Envelope } from "../transport/envelope.js";
import { isFilled } from "./coerce.js";

export interface Hook {
  /** The payload about to be sent, built from the definition; returns the one to send. */
  payload?: (payload: Record<string, unknown>, values: Record<string, unknown>) => Record<string, unknown>;
  /** The answer as received; returns what the function gives back. */
  result?: (answer: Envelope<unknown>, values: Record<string, unknown>) => unknown;
}

/** `before` when it is filled, else `after` (MoveTaskToKanbanStage: one anchor, "0" included). */
function oneAnchor(payload: Record<string, unknown>): Record<string, unknown> {
  const { before, after, ...rest } = payload;
  if (isFilled(before) && before !== "0") return { ...rest, before };
  return { ...rest, after: after ?? "0" };
}

const registry = {
  oneAnchor: { payload: oneAnchor },
} satisfies Record<string, Hook>;

export type HookName = keyof typeof registry;
export const hooks: Record<HookName, Hook> = registry;
