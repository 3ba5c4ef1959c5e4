// The page's COMMAND presses and the buttons they blocked (BLOCK=Y) are kept with --data: after a
// restart on the same file the press is still listed, the button is still refused, and new
// presses go on numbering after the saved ones.
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";

const tmp = useScratchDir();
const portals: RunningPortal[] = [];
after(async () => {
  for (const portal of portals) await portal.close();
});

/**
 * One request on a connection of its own: a pooled keep-alive connection to the closed portal
 * would meet a socket the old server had closed.
 */
function send(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body ? "POST" : "GET", agent: false, headers: body ? { "content-type": "application/json", ...headers } : headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) })).on("error", reject);
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const press = (portal: RunningPortal, messageId: number, kind: "keyboard" | "menu", index: number) =>
  send(`${portal.url}/ui/act/press`, { userId: 2, messageId, kind, index }, { "x-oint-page": "1" });

describe("command presses with --data", () => {
  it("keep a BLOCK=Y press and its blocked button across a restart", async () => {
    const file = join(tmp.path, "presses.db");
    const first = await startPortal({ data: file });
    portals.push(first);
    const added = await send(`${first.webhookUrl}im.message.add`, {
      DIALOG_ID: "chat1",
      MESSAGE: "Approve?",
      KEYBOARD: { BOT_ID: 7, BUTTONS: [{ TEXT: "Yes", COMMAND: "approve", COMMAND_PARAMS: "142", BLOCK: "Y" }, { TEXT: "Later", COMMAND: "later" }] },
    });
    const messageId = added.body.result as number;
    const pressed = await press(first, messageId, "keyboard", 0);
    assert.equal(pressed.status, 200, JSON.stringify(pressed.body));
    const before = first.commandPresses.list;
    await first.close();

    const second = await startPortal({ data: file });
    portals.push(second);
    assert.deepEqual(second.commandPresses.list, before);
    assert.deepEqual(
      second.commandPresses.list.map((p) => ({ ...p, date: undefined })),
      [{ id: 1, date: undefined, userId: 2, messageId, chatId: 1, dialogId: "chat1", command: "approve", commandParams: "142", context: "KEYBOARD", botId: 7 }],
    );
    const again = await press(second, messageId, "keyboard", 0);
    assert.deepEqual([again.status, again.body.error], [409, "BUTTON_BLOCKED"]);
    const dialog = await send(`${second.url}/ui/api/chats/1`);
    assert.deepEqual(dialog.body.blocked[messageId], [0]);

    // The other button was never blocked, and a new press is numbered after the saved one.
    const later = await press(second, messageId, "keyboard", 1);
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.equal(later.body.result.id, 2);
    assert.deepEqual(second.commandPresses.list.map((p) => p.command), ["approve", "later"]);
  });
});
