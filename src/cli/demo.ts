// `oint sandbox --demo`: the first thing a new user runs. Starts the local portal (port 3777 when it
// is free), sends the seed's example message (text, a picture block and a file block) through the
// real CLI path and prints the JSON answer; then keeps the portal running so the message can be
// seen on its web page, prints where to look and a command to try next, and stops on Ctrl+C.
import { basename, relative } from "node:path";
import { parseArgs } from "node:util";
import { startPortal, type RunningPortal } from "../portal/index.js";
import { DEFAULT_SANDBOX_PORT, untilStopped } from "../portal/cli.js";
import { bitrix24 } from "../library.js";
import { MASK } from "../transport/redact.js";
import { run } from "./run.js";
import { EXIT } from "./exit-codes.js";

export async function runDemo(argv: readonly string[], signal?: AbortSignal): Promise<number> {
  let port: number | undefined;
  try {
    const { values } = parseArgs({ args: [...argv], options: { demo: { type: "boolean" }, port: { type: "string" } }, strict: true });
    port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be a number from 0 to 65535`);
  } catch (error) {
    process.stderr.write(`oint: ${(error as Error).message}\n`);
    return EXIT.badInput;
  }

  const portal = await start(port);
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
    const code = await run(args);
    if (code !== EXIT.ok) return code;

    // The webhook URL in full: it is this throw-away portal's own, and gone when it stops.
    process.stderr.write(
      [
        ``,
        `The message is on the local portal's web page: ${portal.url}/  (open it in a browser; chat "General")`,
        `The portal keeps running. Its webhook URL, for more commands:`,
        `  ${portal.webhookUrl}`,
        `For example, in another terminal:`,
        `  ${cliCommand()} bitrix24 SendMessage --url ${portal.webhookUrl} --chat chat1 --text "Hello again"`,
        `Press Ctrl+C to stop the portal.`,
        ``,
      ].join("\n"),
    );
    await untilStopped(signal);
    process.stderr.write("Portal stopped.\n");
    return EXIT.ok;
  } finally {
    await portal.close();
  }
}

/** The port asked for, or 3777 (the README's examples) when free, else any free port. */
async function start(port: number | undefined): Promise<RunningPortal> {
  if (port !== undefined) return startPortal({ port });
  try {
    return await startPortal({ port: DEFAULT_SANDBOX_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startPortal({ port: 0 });
  }
}

/** How this CLI was started: `node dist/cli/main.js` inside the repository, else `oint`. */
function cliCommand(): string {
  const script = process.argv[1] ?? "";
  return basename(script) === "main.js" ? `node ${relative(process.cwd(), script) || script}` : "oint";
}
