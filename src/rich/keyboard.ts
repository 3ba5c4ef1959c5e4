// KEYBOARD and MENU: typed builders and the checks made before sending (bitrix24-rest.md §5.4-5.5).
import { COLOR_TOKENS, isObject, urlProblem, type ColorToken } from "./attach.js";

/** Outdated bot docs give 30 KB for KEYBOARD and MENU; current docs only say "limited". */
export const KEYBOARD_MAX_CHARS = 30_000;

export type ButtonAction = "PUT" | "SEND" | "COPY" | "CALL" | "DIALOG";
interface ButtonLook {
  DISPLAY?: "LINE" | "BLOCK";
  WIDTH?: number;
  BG_COLOR?: string;
  BG_COLOR_TOKEN?: ColorToken;
  TEXT_COLOR?: string;
  OFF_BG_COLOR?: string;
  OFF_TEXT_COLOR?: string;
  BLOCK?: "Y" | "N";
  DISABLED?: "Y" | "N";
  CONTEXT?: "MOBILE" | "DESKTOP" | "ALL";
}
export type KeyboardButton =
  | ({ TEXT: string; LINK: string } & ButtonLook)
  | ({ TEXT: string; COMMAND: string; COMMAND_PARAMS?: string; BOT_ID?: number } & ButtonLook)
  | ({ TEXT: string; ACTION: ButtonAction; ACTION_VALUE: string } & ButtonLook)
  | ({ TEXT: string; APP_ID: number; APP_PARAMS?: string } & ButtonLook)
  | { TYPE: "NEWLINE" };
export interface Keyboard { BUTTONS: KeyboardButton[]; BOT_ID?: number }

export type MenuItem =
  | { TEXT: string; LINK: string; CONTEXT?: "MOBILE" | "DESKTOP" | "ALL"; DISABLED?: "Y" | "N" }
  | { TEXT: string; COMMAND: string; COMMAND_PARAMS?: string; BOT_ID?: number; CONTEXT?: "MOBILE" | "DESKTOP" | "ALL"; DISABLED?: "Y" | "N" }
  | { TEXT: string; ACTION: ButtonAction; ACTION_VALUE: string; CONTEXT?: "MOBILE" | "DESKTOP" | "ALL"; DISABLED?: "Y" | "N" }
  | { TEXT: string; APP_ID: number; APP_PARAMS?: string; CONTEXT?: "MOBILE" | "DESKTOP" | "ALL"; DISABLED?: "Y" | "N" };
export interface Menu { ITEMS: MenuItem[] }

/** Builders: `keyboard(button.link("Open", "https://…"), button.newline(), button.send("Yes", "yes"))`. */
export const button = {
  link: (text: string, link: string, look: ButtonLook = {}): KeyboardButton => ({ TEXT: text, LINK: link, ...look }),
  command: (text: string, command: string, params?: string, look: ButtonLook = {}): KeyboardButton => ({ TEXT: text, COMMAND: command, ...(params ? { COMMAND_PARAMS: params } : {}), ...look }),
  action: (text: string, action: ButtonAction, value: string, look: ButtonLook = {}): KeyboardButton => ({ TEXT: text, ACTION: action, ACTION_VALUE: value, ...look }),
  put: (text: string, value: string, look?: ButtonLook) => button.action(text, "PUT", value, look),
  send: (text: string, value: string, look?: ButtonLook) => button.action(text, "SEND", value, look),
  copy: (text: string, value: string, look?: ButtonLook) => button.action(text, "COPY", value, look),
  call: (text: string, phone: string, look?: ButtonLook) => button.action(text, "CALL", phone, look),
  dialog: (text: string, dialogId: string, look?: ButtonLook) => button.action(text, "DIALOG", dialogId, look),
  newline: (): KeyboardButton => ({ TYPE: "NEWLINE" }),
};
export const keyboard = (...buttons: KeyboardButton[]): Keyboard => ({ BUTTONS: buttons });
export const menu = (...items: MenuItem[]): Menu => ({ ITEMS: items });

const ACTIONS = ["PUT", "SEND", "COPY", "CALL", "DIALOG"];
const BUTTON_FIELDS = new Set(["TEXT", "LINK", "COMMAND", "COMMAND_PARAMS", "ACTION", "ACTION_VALUE", "APP_ID", "APP_PARAMS", "TYPE", "BOT_ID", "BLOCK", "DISABLED", "CONTEXT", "DISPLAY", "WIDTH", "BG_COLOR", "BG_COLOR_TOKEN", "TEXT_COLOR", "OFF_BG_COLOR", "OFF_TEXT_COLOR"]);
const MENU_FIELDS = new Set(["TEXT", "LINK", "COMMAND", "COMMAND_PARAMS", "ACTION", "ACTION_VALUE", "APP_ID", "APP_PARAMS", "BOT_ID", "CONTEXT", "DISABLED"]);

export function keyboardProblems(value: unknown): string[] {
  return controlProblems(value, "BUTTONS", BUTTON_FIELDS, true);
}

export function menuProblems(value: unknown): string[] {
  return controlProblems(value, "ITEMS", MENU_FIELDS, false);
}

function controlProblems(value: unknown, listKey: string, fields: Set<string>, allowNewline: boolean): string[] {
  const problems: string[] = [];
  const serialized = JSON.stringify(value) ?? "";
  if (serialized.length > KEYBOARD_MAX_CHARS) problems.push(`${serialized.length} characters as JSON; at most ${KEYBOARD_MAX_CHARS} are accepted`);
  const list = Array.isArray(value) ? value : isObject(value) ? value[listKey] : undefined;
  if (!Array.isArray(list)) return [...problems, `expected a list, or an object with ${listKey}`];
  list.forEach((item, i) => {
    const at = `${listKey}[${i}]`;
    if (!isObject(item)) return void problems.push(`${at}: must be an object`);
    for (const key of Object.keys(item)) if (!fields.has(key)) problems.push(`${at}.${key}: unknown field`);
    if (allowNewline && item.TYPE !== undefined) {
      if (item.TYPE !== "NEWLINE") problems.push(`${at}.TYPE: only "NEWLINE" is known`);
      return;
    }
    if (typeof item.TEXT !== "string" || !item.TEXT) problems.push(`${at}.TEXT: is required`);
    const actions = ["LINK", "COMMAND", "ACTION", "APP_ID"].filter((k) => item[k] !== undefined);
    if (actions.length !== 1) problems.push(`${at}: needs exactly one of LINK, COMMAND, ACTION (+ACTION_VALUE) or APP_ID, found ${actions.length ? actions.join(", ") : "none"}`);
    const linkProblem = item.LINK !== undefined ? urlProblem(item.LINK) : undefined;
    if (linkProblem) problems.push(`${at}.LINK: ${linkProblem}`);
    if (item.ACTION !== undefined && !ACTIONS.includes(String(item.ACTION))) problems.push(`${at}.ACTION: "${String(item.ACTION)}" is not one of ${ACTIONS.join(", ")}`);
    if (item.ACTION !== undefined && item.ACTION_VALUE === undefined) problems.push(`${at}.ACTION_VALUE: is required with ACTION`);
    if (item.BG_COLOR_TOKEN !== undefined && !COLOR_TOKENS.includes(item.BG_COLOR_TOKEN as ColorToken)) problems.push(`${at}.BG_COLOR_TOKEN: "${String(item.BG_COLOR_TOKEN)}" is not one of ${COLOR_TOKENS.join(", ")}`);
  });
  return problems;
}
