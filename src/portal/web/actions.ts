// The page's writes (POST /ui/act/…): a message written as a chosen user, and a COMMAND button or
// menu item pressed as that user. A message goes through the registry's im.message.add handler
// called as that user, so validation, limits on text and rendering are the portal's own. The other
// keyboard actions (LINK, PUT, SEND, COPY, CALL, DIALOG) run in the page, as in Bitrix24, where
// they are client-side; SEND then writes through /ui/act/message.
//
// Only the page itself may post: loopback Host, a same-origin Origin (when the browser sends one),
// the X-Oint-Page header (which a cross-site form cannot send and a cross-site fetch cannot send
// without a preflight the portal never grants), a JSON body, at most MAX_ACTION_BYTES.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, declaredLength, discardBody, readBody } from "../http/body.js";
import { RestError } from "../http/errors.js";
import type { ExtraRouteContext } from "../http/server.js";
import type { ChatRecord, MessageRecord } from "../data/state.js";
import type { WebDeps } from "./api.js";
import type { PressContext } from "./presses.js";

/** A page's message or press is a few KB; Bitrix24's message text limit fits well inside. */
export const MAX_ACTION_BYTES = 64 * 1024;

type Answer = { status: number; body: unknown };
const refusal = (status: number, error: string, description: string): Answer => ({ status, body: { error, error_description: description } });

/** Why a POST to /ui/act/ is not from the page itself, or null when it is. */
export function foreignRequest(req: IncomingMessage): Answer | null {
  if (req.method !== "POST") return refusal(405, "METHOD_NOT_ALLOWED", "The page's actions are POST requests");
  if (req.headers["x-oint-page"] !== "1") return refusal(403, "NOT_THE_PAGE", "Only the portal's own page may post here (X-Oint-Page: 1)");
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host ?? "")) {
    return refusal(403, "CROSS_SITE", "Requests from another site are refused");
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return refusal(403, "CROSS_SITE", "Requests from another site are refused");
  const type = String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return refusal(415, "JSON_ONLY", "The body must be JSON (Content-Type: application/json)");
  return null;
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Reads the JSON body (small), runs the action, answers JSON. The caller checked the Host. */
export async function handleAction(deps: WebDeps, ctx: ExtraRouteContext): Promise<Answer> {
  const { req } = ctx;
  const refused = foreignRequest(req);
  if (refused) {
    discardBody(req);
    return refused;
  }
  const action = /^\/ui\/act\/(message|press)$/.exec(ctx.url.pathname)?.[1];
  if (!action) {
    discardBody(req);
    return refusal(404, "NOT_FOUND", "No such action");
  }
  if (declaredLength(req) > MAX_ACTION_BYTES) {
    discardBody(req);
    return refusal(413, "TOO_LARGE", `The body is over ${MAX_ACTION_BYTES} bytes`);
  }
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse((await readBody(req, MAX_ACTION_BYTES)).toString("utf8"));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return refusal(400, "BAD_BODY", "The body must be a JSON object");
    input = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refusal(413, "TOO_LARGE", `The body is over ${MAX_ACTION_BYTES} bytes`);
    return refusal(400, "BAD_BODY", "The body is not JSON");
  }
  try {
    return action === "message" ? await writeMessage(deps, input) : press(deps, input);
  } catch (error) {
    if (error instanceof RestError) return { status: error.status, body: error.envelope() };
    throw error;
  }
}

/** The active user the page acts as. */
function actingUser(deps: WebDeps, value: unknown): number {
  const id = typeof value === "number" ? value : Number.NaN;
  const user = Number.isInteger(id) ? deps.state.getUser(id) : undefined;
  if (!user || !user.active) throw new RestError("USER_NOT_FOUND", "The page acts as an active user of the portal (userId)");
  return id;
}

/** {userId, dialogId, text} -> {result: message id}, through im.message.add as userId. */
async function writeMessage(deps: WebDeps, input: Record<string, unknown>): Promise<Answer> {
  const userId = actingUser(deps, input.userId);
  if (typeof input.dialogId !== "string" && typeof input.dialogId !== "number") throw new RestError("DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  const handler = deps.registry.get("im.message.add");
  if (!handler) throw new RestError("ERROR_METHOD_NOT_FOUND", "im.message.add is not registered on this portal", 404);
  const result = await handler({
    method: "im.message.add",
    params: { DIALOG_ID: String(input.dialogId), MESSAGE: typeof input.text === "string" ? input.text : "" },
    userId,
    auth: { type: "webhook" },
    state: deps.state,
    portalUrl: deps.portalUrl(),
  });
  return { status: 200, body: { result } };
}

/** {userId, messageId, kind: "keyboard" | "menu", index} for a COMMAND button or item -> {result: the press}. */
function press(deps: WebDeps, input: Record<string, unknown>): Answer {
  const { state, presses } = deps;
  const userId = actingUser(deps, input.userId);
  const message = state.getMessage(Number(input.messageId));
  const chat = message && state.getChat(message.chatId);
  if (!message || message.isDeleted || !chat) throw new RestError("MESSAGE_NOT_FOUND", "No such message");
  if (!chat.members.includes(userId)) throw new RestError("ACCESS_ERROR", "Action unavailable", 403);
  const context: PressContext | null = input.kind === "keyboard" ? "KEYBOARD" : input.kind === "menu" ? "MENU" : null;
  if (!context) throw new RestError("BAD_KIND", 'kind must be "keyboard" or "menu"');
  const index = Number(input.index);
  const { owner, buttons } = buttonsOf(message, context);
  const button = Number.isInteger(index) ? buttons[index] : undefined;
  if (!button || typeof button !== "object") throw new RestError("BUTTON_NOT_FOUND", "The message has no such button");
  const b = button as Record<string, unknown>;
  const command = typeof b.COMMAND === "string" || typeof b.COMMAND === "number" ? String(b.COMMAND) : "";
  if (command === "") throw new RestError("NOT_A_COMMAND", "Only COMMAND buttons are pressed on the portal; the page runs the others");
  if (String(b.DISABLED ?? "").toUpperCase() === "Y") throw new RestError("BUTTON_DISABLED", "The button is disabled");
  if (presses.isBlocked(message.id, index, button)) throw new RestError("BUTTON_BLOCKED", "The button was pressed and is blocked (BLOCK=Y)", 409);

  const botId = Number(b.BOT_ID ?? owner?.BOT_ID);
  const entry = presses.record({
    userId,
    messageId: message.id,
    chatId: chat.id,
    dialogId: dialogIdFor(chat, userId),
    command,
    commandParams: b.COMMAND_PARAMS === undefined || b.COMMAND_PARAMS === null ? "" : String(b.COMMAND_PARAMS),
    context,
    botId: Number.isInteger(botId) && botId > 0 ? botId : null,
  }, {
    index,
    button,
    // BLOCK is documented for keyboard COMMAND buttons only.
    blocks: context === "KEYBOARD" && String(b.BLOCK ?? "").toUpperCase() === "Y",
  }, state.now());
  state.changes.emit({
    kind: "command",
    action: "add",
    chatId: chat.id,
    messageId: message.id,
    userId,
    command: entry.command,
    commandParams: entry.commandParams,
  });
  return { status: 200, body: { result: { ...entry, date: entry.date.toISOString() } } };
}

/** The keyboard's BUTTONS or the menu's ITEMS, and the object holding them (for BOT_ID). */
export function buttonsOf(message: MessageRecord, context: PressContext): { owner: Record<string, unknown> | null; buttons: unknown[] } {
  const holder = context === "KEYBOARD" ? message.keyboard : message.menu;
  if (Array.isArray(holder)) return { owner: null, buttons: holder };
  if (!holder || typeof holder !== "object") return { owner: null, buttons: [] };
  const owner = holder as Record<string, unknown>;
  const list = owner[context === "KEYBOARD" ? "BUTTONS" : "ITEMS"];
  return { owner, buttons: Array.isArray(list) ? list : [] };
}

/** DIALOG_ID as `userId` would write it: "chatN", or the other member's id in a private dialog. */
export function dialogIdFor(chat: ChatRecord, userId: number): string {
  if (chat.type !== "private") return `chat${chat.id}`;
  return String(chat.members.find((id) => id !== userId) ?? userId);
}

export function sendJsonAnswer(res: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}
