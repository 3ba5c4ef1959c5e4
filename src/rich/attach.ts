// ATTACH: typed builders for every block type and the object form, and the checks oint makes
// before sending (bitrix24-rest.md §5.1-5.2), so a malformed attachment is refused locally with a
// message that says what is wrong instead of a bare ATTACH_ERROR from the portal.

export type ColorToken = "primary" | "secondary" | "alert" | "base";
export const COLOR_TOKENS: readonly ColorToken[] = ["primary", "secondary", "alert", "base"];
/** Bitrix24 counts the serialized ATTACH; over this it answers ATTACH_OVERSIZE. */
export const ATTACH_MAX_CHARS = 60_000;

export interface LinkFields { LINK: string; NAME?: string; DESC?: string; HTML?: string; PREVIEW?: string; WIDTH?: number; HEIGHT?: number; USER_ID?: number; CHAT_ID?: number; NETWORK_ID?: string }
export interface UserFields { NAME: string; AVATAR?: string; LINK?: string; USER_ID?: number; CHAT_ID?: number; BOT_ID?: number; NETWORK_ID?: string; AVATAR_TYPE?: "USER" | "CHAT" | "BOT" }
export interface GridItem { DISPLAY: "BLOCK" | "LINE" | "ROW" | "TABLE"; NAME?: string; VALUE?: string; WIDTH?: number; HEIGHT?: number; COLOR_TOKEN?: ColorToken; COLOR?: string; LINK?: string; USER_ID?: number; CHAT_ID?: number }
export interface ImageItem { LINK: string; NAME?: string; PREVIEW?: string; WIDTH?: number; HEIGHT?: number }
export interface FileItem { LINK: string; NAME?: string; SIZE?: number }
export interface DelimiterFields { SIZE?: number; COLOR?: string }

export type AttachBlock =
  | { MESSAGE: string }
  | { LINK: LinkFields }
  | { USER: UserFields }
  | { GRID: GridItem[] }
  | { IMAGE: ImageItem[] | ImageItem }
  | { FILE: FileItem[] | FileItem }
  | { DELIMITER: DelimiterFields };

/** The full form: an attachment with its own id and colour around the blocks. */
export interface AttachObject { ID?: number; COLOR_TOKEN?: ColorToken; COLOR?: string; BLOCKS: AttachBlock[] }

/** What SendMessage/EditMessage accept as blocks: the short form (a list of blocks) or the full form. */
export type Attach = AttachBlock[] | AttachObject;

/** Builders: `block.grid([{ DISPLAY: "ROW", NAME: "Status", VALUE: "Done" }])` and so on. */
export const block = {
  message: (text: string): AttachBlock => ({ MESSAGE: text }),
  link: (fields: LinkFields): AttachBlock => ({ LINK: fields }),
  user: (fields: UserFields): AttachBlock => ({ USER: fields }),
  grid: (items: GridItem[]): AttachBlock => ({ GRID: items }),
  image: (...items: ImageItem[]): AttachBlock => ({ IMAGE: items }),
  file: (...items: FileItem[]): AttachBlock => ({ FILE: items }),
  delimiter: (fields: DelimiterFields = {}): AttachBlock => ({ DELIMITER: fields }),
};

/** The full form: `attachment({ COLOR_TOKEN: "alert", BLOCKS: [block.message("Failed")] })`. */
export const attachment = (fields: AttachObject): AttachObject => fields;

// ---- checks -------------------------------------------------------------------------------------

/** `url`: an absolute http(s) URL; a `javascript:`, `data:` or other scheme is refused (it would run or load in the reader's client). */
type FieldType = "string" | "number" | "id" | "url";
const LINK_FIELDS: Record<string, FieldType> = { LINK: "url", NAME: "string", DESC: "string", HTML: "string", PREVIEW: "url", WIDTH: "number", HEIGHT: "number", USER_ID: "id", CHAT_ID: "id", NETWORK_ID: "string" };
const USER_FIELDS: Record<string, FieldType> = { NAME: "string", AVATAR: "url", LINK: "url", USER_ID: "id", CHAT_ID: "id", BOT_ID: "id", NETWORK_ID: "string", AVATAR_TYPE: "string" };
const GRID_FIELDS: Record<string, FieldType> = { DISPLAY: "string", NAME: "string", VALUE: "string", WIDTH: "number", HEIGHT: "number", COLOR_TOKEN: "string", COLOR: "string", LINK: "url", USER_ID: "id", CHAT_ID: "id" };
const IMAGE_FIELDS: Record<string, FieldType> = { LINK: "url", NAME: "string", PREVIEW: "url", WIDTH: "number", HEIGHT: "number" };
const FILE_FIELDS: Record<string, FieldType> = { LINK: "url", NAME: "string", SIZE: "number" };
const DELIMITER_FIELDS: Record<string, FieldType> = { SIZE: "number", COLOR: "string" };
const GRID_DISPLAYS = ["BLOCK", "LINE", "ROW", "TABLE"];
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Problems found in an ATTACH value, each naming where (`blocks[2].GRID[0].DISPLAY: …`); empty when fine. */
export function attachProblems(value: unknown): string[] {
  const problems: string[] = [];
  const serialized = JSON.stringify(value) ?? "";
  if (serialized.length > ATTACH_MAX_CHARS) {
    problems.push(`the attachment is ${serialized.length} characters as JSON; Bitrix24 accepts at most ${ATTACH_MAX_CHARS}`);
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (!(isObject(item) && "BLOCKS" in item)) return checkBlock(item, `[${i}]`, problems);
      if (value.length > 1) return void problems.push(`[${i}]: an object with BLOCKS (the full form) must be the only attachment`);
      checkObject(item, "", problems);
    });
  } else if (isObject(value)) {
    checkObject(value, "", problems);
  } else {
    problems.push("expected a list of blocks or an object with BLOCKS");
  }
  return problems;
}

function checkObject(value: Record<string, unknown>, at: string, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!["ID", "COLOR_TOKEN", "COLOR", "BLOCKS"].includes(key)) problems.push(`${at}${at ? "." : ""}${key}: unknown attachment field (known: ID, COLOR_TOKEN, COLOR, BLOCKS)`);
  }
  checkColors(value, at, problems);
  if (!Array.isArray(value.BLOCKS)) problems.push(`${at}.BLOCKS: must be a list of blocks`);
  else value.BLOCKS.forEach((b, i) => checkBlock(b, `${at}.BLOCKS[${i}]`, problems));
}

function checkBlock(value: unknown, at: string, problems: string[]): void {
  if (!isObject(value) || Object.keys(value).length !== 1) {
    problems.push(`${at}: a block is an object with exactly one key naming its type (MESSAGE, LINK, USER, GRID, IMAGE, FILE, DELIMITER)`);
    return;
  }
  const [type, body] = Object.entries(value)[0];
  const where = `${at}.${type}`;
  switch (type) {
    case "MESSAGE":
      if (typeof body !== "string") problems.push(`${where}: must be text`);
      return;
    case "LINK":
      return checkFields(body, LINK_FIELDS, ["LINK"], where, problems);
    case "USER":
      return checkFields(body, USER_FIELDS, ["NAME"], where, problems);
    case "DELIMITER":
      return checkFields(body, DELIMITER_FIELDS, [], where, problems);
    case "GRID":
      if (!Array.isArray(body)) return void problems.push(`${where}: must be a list of items`);
      body.forEach((item, i) => {
        checkFields(item, GRID_FIELDS, ["DISPLAY"], `${where}[${i}]`, problems);
        if (isObject(item) && typeof item.DISPLAY === "string" && !GRID_DISPLAYS.includes(item.DISPLAY)) {
          problems.push(`${where}[${i}].DISPLAY: "${item.DISPLAY}" is not one of ${GRID_DISPLAYS.join(", ")}`);
        }
      });
      return;
    case "IMAGE":
    case "FILE": {
      const items = Array.isArray(body) ? body : [body];
      items.forEach((item, i) => checkFields(item, type === "IMAGE" ? IMAGE_FIELDS : FILE_FIELDS, ["LINK"], Array.isArray(body) ? `${where}[${i}]` : where, problems));
      return;
    }
    default:
      problems.push(`${at}: unknown block type "${type}" (known: MESSAGE, LINK, USER, GRID, IMAGE, FILE, DELIMITER)`);
  }
}

function checkFields(value: unknown, known: Record<string, FieldType>, required: string[], at: string, problems: string[]): void {
  if (!isObject(value)) return void problems.push(`${at}: must be an object`);
  for (const [key, v] of Object.entries(value)) {
    const type = known[key];
    if (!type) problems.push(`${at}.${key}: unknown field (known: ${Object.keys(known).join(", ")})`);
    else if (type === "number" && !(typeof v === "number" || (typeof v === "string" && /^\d+$/.test(v)))) problems.push(`${at}.${key}: must be a number`);
    else if (type === "id" && !/^\d+$/.test(String(v))) problems.push(`${at}.${key}: must be a numeric ID`);
    else if (type === "string" && typeof v !== "string" && typeof v !== "number") problems.push(`${at}.${key}: must be text`);
    else if (type === "url" && v !== "") {
      const problem = urlProblem(v);
      if (problem) problems.push(`${at}.${key}: ${problem}`);
    }
  }
  for (const key of required) if (value[key] === undefined || value[key] === "") problems.push(`${at}.${key}: is required`);
  checkColors(value, at, problems);
}

function checkColors(value: Record<string, unknown>, at: string, problems: string[]): void {
  if (value.COLOR_TOKEN !== undefined && !COLOR_TOKENS.includes(value.COLOR_TOKEN as ColorToken)) {
    problems.push(`${at}${at ? "." : ""}COLOR_TOKEN: "${String(value.COLOR_TOKEN)}" is not one of ${COLOR_TOKENS.join(", ")}`);
  }
  if (value.COLOR !== undefined && value.COLOR !== "" && !HEX_COLOR.test(String(value.COLOR))) {
    problems.push(`${at}${at ? "." : ""}COLOR: "${String(value.COLOR)}" is not a #RGB or #RRGGBB colour`);
  }
}

/** Why a link is refused (undefined when it is an absolute http(s) URL). Shared by ATTACH, keyboards and menus. */
export function urlProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be an http(s) URL";
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    /* not absolute */
  }
  // The scheme is checked on the text as given: URL() would forgive leading blanks a client might not.
  if (/^https?:\/\//i.test(value) && parsed && (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname) return undefined;
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  return scheme && !/^https?$/i.test(scheme) ? `"${scheme.toLowerCase()}:" links are refused; only http(s) URLs` : "must be an absolute http(s) URL";
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
