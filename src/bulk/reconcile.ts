// Deciding whether messages whose batch got no answer went out. im.message.add cannot be asked
// "did you run?" and has no idempotency key, so the dialogs are read back instead
// (im.dialog.messages.get, newest first) and each pending line is matched against the messages its
// caller wrote after the line's batch was sent:
//  - only messages newer than the highest message ID the journal knew when the batch went out
//    (Bitrix24's message IDs grow), and not older than that run's start (minus a clock margin);
//  - messages the journal already attributes to other lines are never matched again;
//  - a match is the text as the portal stores it (outer spaces trimmed, cut at 20,000 characters
//    with " (...)") and the same sequence of ATTACH block types as stored: params.ATTACH is a list
//    of attachments whose BLOCKS keep each block's type key (an empty DELIMITER {} included; the
//    batch encoding delivers it, see transport/batch.ts). Block contents are not compared: Bitrix24
//    stores them in its own form (item blocks as lists, defaults filled in).
// The limit, said plainly: identical texts sent to the same dialog in the same run are matched by
// count. If two such lines were pending and one message is found, one line counts as sent and the
// other is sent again; which of the two is which cannot be known, and does not matter.
import type { Bitrix24Client } from "../transport/client.js";
import { Bitrix24Error } from "../transport/errors.js";

export interface PendingLine {
  line: number;
  payload: Record<string, unknown>;
  /** The highest message ID known sent when the line's batch went out. */
  after: number;
  /** When the run that sent it started (ISO), the lower bound when `after` is 0. */
  started: string;
}

export type Verdict =
  | { line: number; verdict: "sent"; id: number }
  | { line: number; verdict: "unsent" }
  /** The dialog could not be read back (the portal refused): the outcome stays unknown. */
  | { line: number; verdict: "unknown"; code: string; message: string };

interface DialogMessage {
  id: number;
  author_id: number;
  date: string;
  text: string;
  params?: { ATTACH?: { BLOCKS?: Record<string, unknown>[] }[]; IS_DELETED?: string } | unknown[];
}

/** Clocks of this machine and the portal may differ; dates are only a fallback bound. */
const CLOCK_MARGIN_MS = 10 * 60_000;
/** At most this many pages (of 50) are read back per dialog. */
const MAX_PAGES = 400;

/**
 * Reads back the dialogs of `pending` and says, per line, whether it went out. Transport errors
 * (no answer even after the client's retries) are thrown: the caller stops, the journal keeps the
 * lines pending for the next run.
 */
export async function reconcile(client: Bitrix24Client, pending: readonly PendingLine[], knownIds: ReadonlySet<number>): Promise<Verdict[]> {
  const caller = await callerId(client);
  const byDialog = new Map<string, PendingLine[]>();
  for (const p of pending) {
    const dialog = String(p.payload.DIALOG_ID);
    byDialog.set(dialog, [...(byDialog.get(dialog) ?? []), p]);
  }
  const verdicts: Verdict[] = [];
  for (const [dialog, lines] of byDialog) {
    let candidates: DialogMessage[];
    try {
      candidates = await readBack(client, dialog, lines, caller, knownIds);
    } catch (error) {
      if (!(error instanceof Bitrix24Error)) throw error;
      for (const p of lines) verdicts.push({ line: p.line, verdict: "unknown", code: "OUTCOME_UNKNOWN", message: `no answer to its batch, and dialog ${dialog} could not be read back to check (${error.code})` });
      continue;
    }
    // Oldest first, so repeated texts take their messages in the order the lines were sent.
    candidates.sort((a, b) => a.id - b.id);
    const used = new Set<number>();
    for (const p of [...lines].sort((a, b) => a.line - b.line)) {
      const key = fingerprint(storedText(p.payload.MESSAGE), blockTypesSent(p.payload.ATTACH));
      const match = candidates.find((m) => !used.has(m.id) && m.id > p.after && fingerprint(m.text, blockTypesStored(m.params)) === key);
      if (match) {
        used.add(match.id);
        verdicts.push({ line: p.line, verdict: "sent", id: match.id });
      } else verdicts.push({ line: p.line, verdict: "unsent" });
    }
  }
  return verdicts;
}

/** The caller's user ID (messages by others are never matched); undefined when it cannot be read. */
async function callerId(client: Bitrix24Client): Promise<number | undefined> {
  try {
    const answer = await client.call<{ ID?: string | number }>("user.current", {}, { replay: "safe" });
    const id = Number(answer.result?.ID);
    return Number.isFinite(id) ? id : undefined;
  } catch (error) {
    if (error instanceof Bitrix24Error) return undefined; // a webhook without the `user` scope
    throw error;
  }
}

/** The caller's messages in `dialog` newer than the lines' bounds, newest first, page by page. */
async function readBack(client: Bitrix24Client, dialog: string, lines: readonly PendingLine[], caller: number | undefined, knownIds: ReadonlySet<number>): Promise<DialogMessage[]> {
  const floor = Math.min(...lines.map((p) => p.after));
  const since = Math.min(...lines.map((p) => Date.parse(p.started) - CLOCK_MARGIN_MS));
  const found: DialogMessage[] = [];
  let lastId = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.call<{ messages?: DialogMessage[] }>(
      "im.dialog.messages.get",
      { DIALOG_ID: dialog, LIMIT: 50, ...(lastId ? { LAST_ID: lastId } : {}) },
      { replay: "safe" },
    );
    const messages = answer.result?.messages ?? [];
    let older = messages.length === 0;
    for (const m of messages) {
      const id = Number(m.id);
      if (id <= floor || Date.parse(m.date) < since) older = true;
      else if (!knownIds.has(id) && (caller === undefined || Number(m.author_id) === caller || Number(m.author_id) === 0)) found.push({ ...m, id });
      lastId = lastId ? Math.min(lastId, id) : id;
    }
    if (older || messages.length < 50) break;
  }
  return found;
}

/** Bitrix24 cuts message text at 20,000 characters (code points) and marks the cut with " (...)". */
const MAX_MESSAGE_LENGTH = 20_000;

/** The text as the portal stores it from what was sent. */
function storedText(sent: unknown): string {
  const text = (typeof sent === "string" ? sent : typeof sent === "number" || typeof sent === "boolean" ? String(sent) : "").trim();
  if (text.length <= MAX_MESSAGE_LENGTH) return text;
  const chars = Array.from(text);
  return chars.length <= MAX_MESSAGE_LENGTH ? text : `${chars.slice(0, MAX_MESSAGE_LENGTH).join("")} (...)`;
}

function fingerprint(text: string, blocks: string[]): string {
  return `${text.replace(/\r\n?/g, "\n").trim()}\u0000${blocks.join(",")}`;
}

/** Block types of an ATTACH as sent: a list of blocks, or attach objects with BLOCKS. */
function blockTypesSent(attach: unknown): string[] {
  const list = Array.isArray(attach) ? attach : attach && typeof attach === "object" ? [attach] : [];
  return list.flatMap((item) => {
    if (item && typeof item === "object" && Array.isArray((item as { BLOCKS?: unknown }).BLOCKS)) return blockTypesOf((item as { BLOCKS: unknown[] }).BLOCKS);
    return blockTypesOf([item]);
  });
}

function blockTypesStored(params: DialogMessage["params"]): string[] {
  if (!params || Array.isArray(params) || !Array.isArray(params.ATTACH)) return [];
  return params.ATTACH.flatMap((a) => blockTypesOf(a?.BLOCKS ?? []));
}

function blockTypesOf(blocks: readonly unknown[]): string[] {
  return blocks.map((b) => (b && typeof b === "object" ? Object.keys(b)[0]?.toUpperCase() ?? "" : ""));
}
