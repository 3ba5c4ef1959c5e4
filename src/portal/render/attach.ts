// ATTACH, KEYBOARD and MENU parameters: accepted as objects, arrays or JSON text (Bitrix24 parses
// loosely, so JSON5 is the fallback for hand-written text), validated, and normalised into the
// shape Bitrix24 stores in message params and returns from im.dialog.messages.get:
//   params.ATTACH = [{ID, BLOCKS: [...], COLOR, COLOR_TOKEN}]
// with single-item blocks (LINK, USER, IMAGE, FILE, RICH_LINK) turned into one-element arrays.
import JSON5 from "json5";
import { badRequest } from "../http/errors.js";
import { isBlank } from "../http/params.js";
import type { AttachRecord } from "../data/state.js";

/** Serialized ATTACH limit (docs: 60,000 characters). */
export const MAX_ATTACH_LENGTH = 60_000;
/** KEYBOARD / MENU limit: the docs only say "limited"; the outdated bot docs say 30 KB. */
export const MAX_KEYBOARD_LENGTH = 30_000;

const ITEM_BLOCKS = new Set(["LINK", "USER", "IMAGE", "FILE", "RICH_LINK"]);
const KNOWN_BLOCKS = new Set(["MESSAGE", "DELIMITER", "GRID", ...ITEM_BLOCKS]);
const COLOR_TOKENS = new Set(["primary", "secondary", "alert", "base"]);

const attachError = () => badRequest("ATTACH_ERROR", "Incorrect attach params");

/** True when the parameter says "remove it" in im.message.update: `N` or an empty value. */
export function isRemoval(value: unknown): boolean {
  return isBlank(value) || (typeof value === "string" && value.trim().toUpperCase() === "N") || (Array.isArray(value) && value.length === 0);
}

/**
 * Parses an ATTACH parameter. Returns null when none was given (blank, or an empty list of
 * blocks); throws ATTACH_ERROR / ATTACH_OVERSIZE like Bitrix24.
 */
export function parseAttach(value: unknown, newId: () => number): AttachRecord[] | null {
  if (isBlank(value)) return null;
  if (serializedLength(value) > MAX_ATTACH_LENGTH) {
    throw badRequest("ATTACH_OVERSIZE", "You have exceeded the maximum allowable size of attach");
  }
  const parsed = typeof value === "string" ? parseText(value) : value;
  if (parsed === undefined) throw attachError();

  let blocks: unknown;
  let id: unknown;
  let color: unknown;
  let colorToken: unknown;
  if (Array.isArray(parsed)) {
    blocks = parsed; // short form: the list of blocks itself
  } else if (isPlainObject(parsed) && isIndexMap(parsed)) {
    blocks = Object.values(parsed); // a form-encoded list of blocks
  } else if (isPlainObject(parsed) && "BLOCKS" in parsed) {
    ({ ID: id, BLOCKS: blocks, COLOR: color, COLOR_TOKEN: colorToken } = parsed); // full form
  } else {
    throw attachError();
  }
  if (isPlainObject(blocks) && isIndexMap(blocks)) blocks = Object.values(blocks);
  if (!Array.isArray(blocks)) throw attachError();
  if (blocks.length === 0) return null;

  return [
    {
      ID: typeof id === "number" || (typeof id === "string" && id !== "") ? id : newId(),
      BLOCKS: blocks.map(normalizeBlock),
      COLOR: typeof color === "string" && color !== "" ? color : "transparent",
      COLOR_TOKEN: typeof colorToken === "string" && COLOR_TOKENS.has(colorToken) ? colorToken : "base",
    },
  ];
}

/** A block is an object with exactly one known type key; its value must fit that type. */
function normalizeBlock(block: unknown): Record<string, unknown> {
  if (!isPlainObject(block)) throw attachError();
  const keys = Object.keys(block);
  if (keys.length !== 1 || !KNOWN_BLOCKS.has(keys[0])) throw attachError();
  const type = keys[0];
  const value = block[type];

  if (type === "MESSAGE") {
    if (typeof value !== "string" && typeof value !== "number") throw attachError();
    return { MESSAGE: String(value) };
  }
  if (type === "DELIMITER") {
    if (Array.isArray(value) && value.length === 0) return { DELIMITER: {} }; // PHP's empty map
    if (!isPlainObject(value)) throw attachError();
    return { DELIMITER: value };
  }
  // GRID and the item blocks: one item or a list of items, stored as a list.
  const items = Array.isArray(value) ? value : isPlainObject(value) ? (isIndexMap(value) ? Object.values(value) : [value]) : undefined;
  if (!items || items.length === 0 || !items.every(isPlainObject)) throw attachError();
  return { [type]: items };
}

/** Parses KEYBOARD: JSON text, `{BUTTONS: [...]}` or a bare button list (wrapped into BUTTONS). */
export function parseKeyboard(value: unknown): Record<string, unknown> | null {
  return parseButtons(value, "BUTTONS", "KEYBOARD", "keyboard");
}

/** Parses MENU: JSON text, `{ITEMS: [...]}` or a bare item list (wrapped into ITEMS). */
export function parseMenu(value: unknown): Record<string, unknown> | null {
  return parseButtons(value, "ITEMS", "MENU", "menu");
}

function parseButtons(value: unknown, listKey: string, code: string, noun: string): Record<string, unknown> | null {
  if (isBlank(value)) return null;
  if (serializedLength(value) > MAX_KEYBOARD_LENGTH) {
    throw badRequest(`${code}_OVERSIZE`, `You have exceeded the maximum allowable size of ${noun}`);
  }
  const parsed = typeof value === "string" ? parseText(value) : value;
  const wrapped = Array.isArray(parsed) ? { [listKey]: parsed } : parsed;
  const list = isPlainObject(wrapped) ? wrapped[listKey] : undefined;
  if (!isPlainObject(wrapped) || !Array.isArray(list) || list.length === 0 || !list.every(isPlainObject)) {
    throw badRequest(`${code}_ERROR`, `Incorrect ${noun} params`);
  }
  return wrapped;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON5.parse(text);
    } catch {
      return undefined;
    }
  }
}

function serializedLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A form-encoded list arrives as {"0": …, "1": …}. */
function isIndexMap(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k, i) => k === String(i));
}
