// Checks a definition can ask for on a parameter (`check: "attach"` …), run after coercion and
// before anything is sent: Bitrix24 would refuse these values anyway, with less helpful errors.
import { attachProblems, isObject } from "../rich/attach.js";
import { keyboardProblems, menuProblems } from "../rich/keyboard.js";
import { showInput } from "./coerce.js";

export type CheckName = "dialogId" | "attach" | "keyboard" | "menu" | "offset";

const DIALOG_ID = /^(?:chat\d+|sg\d+|\d+)$/;

export const checks: Record<CheckName, (value: unknown) => string[]> = {
  dialogId: (value) =>
    DIALOG_ID.test(String(value)) ? [] : [`${showInput(value)} is not a dialog ID: use chatNNN for a group chat, sgNNN for a workgroup chat, or a user ID (a number) for a private dialog`],
  // A list offset: Bitrix24 reads anything else as 0, so a script paging on would read the first page again.
  offset: (value) =>
    /^(?:\d+|-1)$/.test(String(value).trim()) ? [] : [`${showInput(value)} is not an offset: a whole number, 0 or more (pages hold 50: 0, 50, 100 …), or -1 to skip counting the total`],
  attach: attachProblems,
  // "N" is how im.message.update removes a keyboard or menu.
  keyboard: (value) => (value === "N" ? [] : keyboardProblems(value)),
  menu: (value) => (value === "N" ? [] : menuProblems(value)),
};

/**
 * Shapes a checked value for the wire. ATTACH: one object with BLOCKS (the full form) arrives
 * wrapped in a list by OpenIntegrations' array rule; Bitrix24 wants that form unwrapped.
 */
export const normalizers: Partial<Record<CheckName, (value: unknown) => unknown>> = {
  attach: (value) => (Array.isArray(value) && value.length === 1 && isObject(value[0]) && "BLOCKS" in value[0] ? value[0] : value),
};

/** One line out of a list of problems: the first few, and how many more. */
export function summarize(problems: string[]): string {
  const shown = problems.slice(0, 3).join("; ");
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}
