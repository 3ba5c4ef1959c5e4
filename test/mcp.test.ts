// `oint mcp`: the MCP server as an assistant sees it, through the official SDK's own client, over
// stdio and streamable HTTP, against the local portal.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CLI, runCli, usePortal, useScratchDir } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const CLI_ARGS = process.env.OINT_CLI_SOURCE === "1" ? ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts")] : [CLI];

type CallResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

function writeConfig(vars: Record<string, string>): string {
  const path = join(scratch.path, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ vars }));
  return path;
}

const clients: Client[] = [];
after(async () => {
  for (const c of clients) await c.close().catch(() => {});
});

async function stdioClient(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...CLI_ARGS, "mcp", "start", ...args],
    env: { ...(process.env as Record<string, string>), OINT_URL: "", OINT_TOKEN: "", ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "oint-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** Starts `oint mcp start --http 127.0.0.1:0 …` and returns its URL (from the line on stderr) and a stop. */
async function httpServer(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...CLI_ARGS, "mcp", "start", "--http", "127.0.0.1:0", ...args], {
    env: { ...process.env, OINT_URL: "", OINT_TOKEN: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM"))));
  after(stop);
  return { url, stop };
}

async function httpClient(url: string): Promise<Client> {
  const client = new Client({ name: "oint-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(client);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallResult>;
const executionResult = (r: CallResult): string => JSON.parse(r.content[0].text).execution_result;
const messagesIn = (chatId: number) => ctx.portal.state.listMessages(chatId, { limit: 1_000_000 });

describe("OpenIntegrations-compatible mode (stdio)", () => {
  test("the five tools with OpenIntegrations' names and schemas, server oint-mcp-server", async () => {
    const client = await stdioClient(["-c", "default"]);
    assert.equal(client.getServerVersion()?.name, "oint-mcp-server");
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ["get_services", "get_variables", "get_service_methods", "get_method_parameters", "execute_method"],
    );
    const execute = tools.find((t) => t.name === "execute_method")!;
    assert.deepEqual(execute.inputSchema.required, ["service", "method", "parameters"]);
    assert.equal(execute.description, "Executes a service method with specified parameters and returns the result");

    assert.deepEqual(JSON.parse((await call(client, "get_services", {})).content[0].text), { services: [{ name: "bitrix24", title: "Bitrix24" }] });
    const methods = JSON.parse((await call(client, "get_service_methods", { service: "bitrix24" })).content[0].text).methods;
    assert.ok(methods.some((m: { name: string }) => m.name === "SendMessage"));
    assert.ok(!methods.some((m: { name: string }) => m.name === "GetToken"), "credential exchanges are not offered");
    const params = JSON.parse((await call(client, "get_method_parameters", { service: "bitrix24", method: "SendMessage" })).content[0].text).parameters;
    assert.deepEqual(params[0], { name: "url", types: "String", description: params[0].description, default_value: "" });
    assert.equal(params.find((p: { name: string }) => p.name === "token").default_value, "Empty value");
    assert.deepEqual(JSON.parse((await call(client, "get_method_parameters", { service: "bitrix24", method: "NoSuch" })).content[0].text), { parameters: [] });
  });

  test("execute_method with @@ variables sends the message (seen in the portal); no secret in results or the log", async () => {
    const { portal } = ctx;
    const config = writeConfig({ B24: portal.webhookUrl });
    const log = join(scratch.path, "mcp.log");
    const client = await stdioClient(["--config", config, "--log", log]);
    assert.deepEqual(JSON.parse((await call(client, "get_variables", {})).content[0].text), { vars: ["@@B24"] });

    const sent = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text: "Hello from an assistant" } });
    assert.equal(sent.isError, undefined);
    const printed = executionResult(sent);
    const id = JSON.parse(printed).result;
    assert.equal(printed, JSON.stringify(JSON.parse(printed), null, 1), "the result as the CLI prints it");
    assert.equal(portal.state.getMessage(id)?.text, "Hello from an assistant");

    // A value is only a value: text that looks like an option, or a lone "-", is sent as written.
    for (const text of ["--test", "-", "-h"]) {
      const odd = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text } });
      assert.equal(odd.isError, undefined, executionResult(odd));
      assert.equal(portal.state.getMessage(JSON.parse(executionResult(odd)).result)?.text, text);
    }

    // A webhook URL given literally is masked in the log too.
    const time = await call(client, "execute_method", { service: "bitrix24", method: "servertime", parameters: { url: portal.webhookUrl } });
    assert.equal(typeof JSON.parse(executionResult(time)).result, "string");

    const logged = readFileSync(log, "utf8");
    assert.match(logged, /Tool: execute_method/);
    assert.ok(!logged.includes(portal.secret), "the webhook secret is not logged");
    assert.ok(!JSON.stringify([sent, time]).includes(portal.secret));
    assert.match(logged, /\/rest\/1\/\*\*\*/, "the literal URL was logged masked");
  });

  test("bad arguments are tool errors naming the parameter, and nothing is sent", async () => {
    const { portal } = ctx;
    const client = await stdioClient(["-c", writeConfig({ B24: portal.webhookUrl })]);
    const before = messagesIn(1).length;
    const missing = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1" } });
    assert.equal(missing.isError, true);
    assert.match(executionResult(missing), /^--text: is required/);
    const badJson = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text: "x", blocks: "[{oops" } });
    assert.match(executionResult(badJson), /^--blocks: /);
    const unknownVar = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@Nope", chat: "chat1", text: "x" } });
    assert.match(executionResult(unknownVar), /^--url: @@Nope is not one of the config's vars/);
    const unknownOption = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text: "x", colour: "red" } });
    assert.match(executionResult(unknownOption), /unknown option --colour/);
    const out = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text: "x", out: "/tmp/x" } });
    assert.match(executionResult(out), /^--out: is not available through MCP/);
    assert.equal(messagesIn(1).length, before, "nothing was sent");
    // The server is still there.
    assert.equal((await client.listTools()).tools.length, 5);
  });

  test("--profile connects both tool sets; its token never shows", async () => {
    const { portal } = ctx;
    const env = { OINT_CONFIG_DIR: join(scratch.path, "profiles") };
    const added = await runCli(["profile", "add", "work", "--url", portal.url, "--token", portal.accessToken], { env });
    assert.equal(added.code, 0, added.stderr);
    const client = await stdioClient(["--tools", "both", "--profile", "work"], env);
    const opi = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { chat: "chat1", text: "Through the profile" } });
    const typed = await call(client, "GetCurrentUser", {});
    assert.equal(portal.state.getMessage(JSON.parse(executionResult(opi)).result)?.text, "Through the profile");
    assert.equal(typed.structuredContent!.result.ID, "1");
    assert.ok(!JSON.stringify([opi, typed, await client.listTools()]).includes(portal.accessToken));
  });

  test("a Bitrix24 error comes back as the envelope the CLI prints", async () => {
    const client = await stdioClient(["-c", writeConfig({ B24: ctx.portal.webhookUrl })]);
    const r = await call(client, "execute_method", { service: "bitrix24", method: "EditMessage", parameters: { url: "@@B24", message: "999999", text: "nope" } });
    assert.equal(r.isError, true);
    assert.equal(JSON.parse(executionResult(r)).error, "CANT_EDIT_MESSAGE");
  });

  test("--read-only offers and runs only functions that change nothing", async () => {
    const client = await stdioClient(["--read-only", "--tools", "both", "-c", writeConfig({ B24: ctx.portal.webhookUrl })], { OINT_URL: ctx.portal.webhookUrl });
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes("GetUser") && names.includes("ServerTime") && names.includes("GetPictureBlock"));
    for (const write of ["SendMessage", "DeleteMessage", "CreateChat", "UploadFileToFolder", "SendWritingNotification"]) assert.ok(!names.includes(write), write);
    const methods = JSON.parse((await call(client, "get_service_methods", { service: "bitrix24" })).content[0].text).methods.map((m: { name: string }) => m.name);
    assert.ok(!methods.includes("SendMessage"));
    const before = messagesIn(1).length;
    const refused = await call(client, "execute_method", { service: "bitrix24", method: "SendMessage", parameters: { url: "@@B24", chat: "chat1", text: "x" } });
    assert.equal(refused.isError, true);
    const typedRead = await call(client, "GetUser", { userid: "1" });
    assert.equal(typedRead.structuredContent!.result[0].ID, "1", "typed tools connect through OINT_URL");
    assert.equal(messagesIn(1).length, before);
  });
});

describe("typed tools (streamable HTTP)", () => {
  test("one tool per function with a generated schema and annotations; no connection details in schemas", async () => {
    const { portal } = ctx;
    const { url } = await httpServer(["--tools", "typed", "-c", writeConfig({ url: portal.webhookUrl })]);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await httpClient(url);
    const { tools } = await client.listTools();
    const send = tools.find((t) => t.name === "SendMessage")!;
    assert.deepEqual(send.inputSchema.required, ["chat", "text"]);
    assert.ok(!("url" in send.inputSchema.properties!) && !("token" in send.inputSchema.properties!));
    assert.equal((send.inputSchema.properties as any).blocks.type, "array");
    assert.equal((send.inputSchema.properties as any).system.type, "boolean");
    assert.deepEqual(send.annotations, { title: "SendMessage (ОтправитьСообщение)", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    const edit = tools.find((t) => t.name === "EditMessage")!;
    assert.equal(edit.annotations?.idempotentHint, true);
    assert.equal(tools.find((t) => t.name === "GetUser")!.annotations?.readOnlyHint, true);
    assert.ok(!JSON.stringify(tools).includes(portal.secret));

    const before = messagesIn(1).length;
    const sent = (await call(client, "SendMessage", { chat: "chat1", text: "Typed hello", blocks: [{ DELIMITER: {} }] })) as CallResult;
    assert.equal(sent.isError, undefined);
    const id = sent.structuredContent!.result;
    assert.equal(portal.state.getMessage(id)?.text, "Typed hello");
    assert.equal(messagesIn(1).length, before + 1);

    const user = await call(client, "GetUser", { userid: 1 });
    assert.equal(user.structuredContent!.result[0].ID, "1");
    assert.ok(!JSON.stringify([sent, user]).includes(portal.secret));

    const wrongType = await call(client, "SendMessage", { chat: { id: 1 }, text: "x" });
    assert.equal(wrongType.isError, true);
    assert.equal(wrongType.structuredContent!.parameter, "chat");
    assert.match(wrongType.content[0].text, /^chat: must be a string or a number/);
    const unknown = await call(client, "SendMessage", { chat: "chat1", text: "x", url: "http://elsewhere/" });
    assert.equal(unknown.structuredContent!.parameter, "url");
    const missing = await call(client, "SendMessage", { chat: "chat1" });
    assert.match(missing.content[0].text, /^text: is required/);
    assert.equal(messagesIn(1).length, before + 1, "no bad call was sent");
  });

  test("an unsafe write whose outcome is unknown is reported as such and not sent again", async () => {
    const { portal } = ctx;
    const { url } = await httpServer(["--tools", "typed", "--functions", "SendMessage", "-c", writeConfig({ url: portal.webhookUrl })]);
    const client = await httpClient(url);
    portal.faults.add({ kind: "drop-after", method: "im.message.add" });
    const r = await call(client, "SendMessage", { chat: "chat1", text: "Sent once only" });
    assert.equal(r.isError, true);
    assert.equal(r.structuredContent!.outcomeUnknown, true);
    assert.match(r.content[0].text, /not sent again/);
    assert.equal(messagesIn(1).filter((m) => m.text === "Sent once only").length, 1);
  });

  test("a Host that is not loopback is refused (DNS rebinding); other addresses need --allow-remote", async () => {
    const { url } = await httpServer(["--tools", "opi"]);
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(init) });
    assert.equal((await post({ origin: "http://evil.example.com" })).status, 403);
    assert.equal((await post({})).status, 200);
    const remote = await runCli(["mcp", "start", "--http", "0.0.0.0:0"]);
    assert.equal(remote.code, 4);
    assert.match(remote.stderr, /--http: 0\.0\.0\.0 is not a loopback address/);
  });
});

describe("oint mcp config and start options", () => {
  test("config prints OpenIntegrations' template", async () => {
    const empty = await runCli(["mcp", "config"]);
    assert.equal(empty.code, 0);
    assert.deepEqual(JSON.parse(empty.stdout), { vars: {} });
    const described = await runCli(["mcp", "config", "--empty", "false"]);
    assert.match(JSON.parse(described.stdout).vars.TextKey, /@@/);
  });

  test("bad start options are one line and exit 4", async () => {
    for (const [args, pattern] of [
      [["--tools", "all"], /--tools: must be opi, typed or both/],
      [["--tools", "typed"], /typed tools need a connection/],
      [["--functions", "NoSuch"], /--functions: unknown function "NoSuch"/],
      [["-c", join(scratch.path, "missing.json")], /--config: cannot read/],
    ] as const) {
      const run = await runCli(["mcp", "start", ...args], { env: { OINT_URL: "" } });
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split("\n").length, 1);
    }
  });
});
