// Checks a definition can ask for on a parameter (`check: "attach"` …), run after coercion and
// before anything is sent: Bitrix24 would refuse these values anyway, with less helpful errors.
import { attachProblems, isObject } from "../rich/attach.js";
import { keyboardProblems, menuProblems } from "../rich/keyboard.js";
import { showInput } from "./coerce.js";

export type CheckName = "dialogId" | "chatId" | "userIds" | "attach" | "keyboard" | "menu" | "offset";

const DIALOG_ID = /^(?:chat\d+|sg\d+|\d+)$/;

export const checks: Record<CheckName, (value: unknown) => string[]> = {
  dialogId: (value) =>
    DIALOG_ID.test(String(value)) ? [] : [`${showInput(value)} is not a dialog ID: use chatNNN for a group chat, sgNNN for a workgroup chat, or a user ID (a number) for a private dialog`],
  // CHAT_ID is the bare number; Bitrix24 answers "chat5" with CHAT_ID_EMPTY, which does not say why.
  chatId: (value) => {
    if (/^\d+$/.test(String(value).trim())) return [];
    const number = /^chat(\d+)$/i.exec(String(value).trim())?.[1];
    return [`${showInput(value)} is not a chat ID: the bare number${number ? ` (${number}, not ${String(value).trim()})` : " (5, not chat5)"}`];
  },
  // User IDs are numbers (or their digits): anything else would reach the portal as an ID it cannot read.
  userIds: (value) => {
    const bad = (Array.isArray(value) ? value : [value]).filter((id) => !/^\d+$/.test(String(id).trim()));
    return bad.length ? [`${bad.slice(0, 3).map(showInput).join(", ")}${bad.length > 3 ? " …" : ""} ${bad.length === 1 ? "is not a user ID" : "are not user IDs"}: user IDs are numbers`] : [];
  },
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
