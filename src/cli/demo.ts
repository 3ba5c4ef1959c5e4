// `oint sandbox --demo`: the first thing a new user runs. Starts the local portal, sends the seed's
// example message (text, a picture block and a file block) through the real CLI path, prints the
// JSON answer and stops the portal.
import { parseArgs } from "node:util";
import { startPortal } from "../portal/index.js";
import { bitrix24 } from "../library.js";
import { MASK } from "../transport/redact.js";
import { run } from "./run.js";
import { EXIT } from "./exit-codes.js";

export async function runDemo(argv: readonly string[]): Promise<number> {
  let port = 0;
  try {
    const { values } = parseArgs({ args: [...argv], options: { demo: { type: "boolean" }, port: { type: "string" } }, strict: true });
    port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535`);
  } catch (error) {
    process.stderr.write(`oint: ${(error as Error).message}\n`);
    return EXIT.badInput;
  }

  const portal = await startPortal({ port });
  try {
    // Links the portal itself serves, so they open with no internet: its sample picture, and a
    // document put on the portal's Drive first.
    const folder = (await bitrix24.getChatFilesFolder(portal.webhookUrl, 1)).result.ID;
    const document = Buffer.from("A document attached to oint's demo message.\n").toString("base64");
    const uploaded = await bitrix24.uploadFileToFolder(portal.webhookUrl, "oint-demo.txt", document, folder);
    const blocks = JSON.stringify([
      { IMAGE: { NAME: "Picture1", LINK: `${portal.url}/ui/assets/sample.svg` } },
      { FILE: { NAME: "oint-demo.txt", LINK: uploaded.result.DOWNLOAD_URL } },
    ]);
    const args = ["bitrix24", "SendMessage", "--url", portal.webhookUrl, "--chat", "chat1", "--text", "Hello from oint: [b]text[/b], a picture block and a file block", "--blocks", blocks];
    const shown = args.map((a) => (a === portal.webhookUrl ? a.replace(portal.secret, MASK) : /[\s[\]{}"]/.test(a) ? `'${a}'` : a));
    process.stderr.write(`Local portal at ${portal.url} (webhook ${portal.webhookUrl.replace(portal.secret, MASK)})\n$ oint ${shown.join(" ")}\n`);
    return await run(args);
  } finally {
    await portal.close();
  }
}
