// Named hooks: the few things a definition cannot say as data, kept here by name (like the checks)
// so definitions stay declarative. A hook may reshape the payload before it is sent (a conditional
// field) and the answer after it comes back (a structure computed from it).
import type { Envelope } from "../transport/envelope.js";

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

const registry = {
  oneAnchor: { payload: oneAnchor },
} satisfies Record<string, Hook>;

export type HookName = keyof typeof registry;
export const hooks: Record<HookName, Hook> = registry;
