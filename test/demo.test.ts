// `oint sandbox --demo` (what `npm run demo`, the README's first command, runs): sends the example
// message, prints its JSON answer, then keeps the portal running with the page's address, the
// webhook URL and a command to paste; Ctrl+C stops it cleanly.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { bitrix24 } from "../src/index.js";
import { CLI, runCli } from "./helpers.js";

describe("oint sandbox --demo (the README's first command)", () => {
  it("sends text with a picture and a file block, stays up showing where to look, stops on Ctrl+C with exit 0", async () => {
    const child = spawn(process.execPath, [CLI, "sandbox", "--demo", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const exited = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      // Waits for the last line of the guidance (or for the process to end early).
      await new Promise<void>((resolve) => {
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
          stderr += d;
          if (stderr.includes("Press Ctrl+C")) resolve();
        });
        void exited.then(() => resolve());
      });
      assert.equal(child.exitCode, null, `the demo must keep running after sending:\n${stderr}`);

      const answer = JSON.parse(stdout);
      assert.equal(typeof answer.result, "number");
      assert.match(stderr, /\$ oint bitrix24 SendMessage --url http:\/\/127\.0\.0\.1:\d+\/rest\/1\/\*\*\*\/ --chat chat1 /);
      assert.match(stderr, /"IMAGE":\{"NAME":"Picture1","LINK":"http:\/\/127\.0\.0\.1:\d+\/ui\/assets\/sample\.svg"\}/);
      assert.match(stderr, /"FILE":\{"NAME":"oint-demo\.txt","LINK":"http:\/\/127\.0\.0\.1:\d+\/download\//);

      // The page's address answers with the web page; the printed webhook URL reads the message back.
      const page = /web page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
      assert.ok(page, stderr);
      const html = await fetch(page);
      assert.equal(html.status, 200);
      assert.match(html.headers.get("content-type") ?? "", /text\/html/);
      const webhook = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/rest\/1\/[A-Za-z0-9]+\/)$/m.exec(stderr)?.[1];
      assert.ok(webhook, stderr);
      assert.ok(webhook.startsWith(page), "the webhook is on the same portal as the page");
      const messages = (await bitrix24.getChatMessagesList(webhook, "chat1")).result.messages;
      const sent = messages.find((m: { id: number }) => m.id === answer.result);
      assert.ok(sent, "the demo's message is on the portal");
      assert.match(sent.text, /^Hello from oint/);

      // The ready-to-paste command works as printed.
      const command = /^ {2}node \S+ (bitrix24 SendMessage .*)$/m.exec(stderr)?.[1];
      assert.ok(command, stderr);
      const args = command.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ""));
      const again = await runCli(args);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(typeof JSON.parse(again.stdout).result, "number");

      child.kill("SIGINT");
      const [code] = await exited;
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Portal stopped\.\n$/);
      await assert.rejects(fetch(page), "the portal no longer answers");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
