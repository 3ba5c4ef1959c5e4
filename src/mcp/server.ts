// The MCP server on the official SDK's low-level Server (tool schemas are generated JSON Schema, so
// no zod): stdio, or streamable HTTP at /mcp with one session per client, bound to loopback and
// refusing requests whose Host or Origin is not a loopback name (DNS rebinding).
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { VERSION } from "../cli/help.js";
import { redactKnown, redactValue } from "../transport/redact.js";
import type { Logger } from "./log.js";
import { opiTools, typedTools, type Tool, type ToolContext } from "./tools.js";
import { isLoopbackHost } from "../transport/endpoint.js";

export type ToolSet = "opi" | "typed" | "both";

export interface ServerSetup {
  tools: ToolSet;
  context: ToolContext;
  log: Logger;
}

export function toolsFor(setup: ServerSetup): Map<string, Tool> {
  const list = [...(setup.tools !== "typed" ? opiTools(setup.context) : []), ...(setup.tools !== "opi" ? typedTools(setup.context) : [])];
  return new Map(list.map((t) => [t.definition.name, t]));
}

/** One MCP server (one per stdio process, one per HTTP session); the tools are shared. */
export function createMcpServer(setup: ServerSetup, tools: Map<string, Tool>): Server {
  const server = new Server({ name: "oint-mcp-server", version: VERSION }, { capabilities: { tools: {} } });
  const { log } = setup;
  const secrets = setup.context.secrets;
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...tools.values()].map((t) => t.definition) }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    log.write(`Tool: ${name}`);
    log.write(`Arguments: ${redactKnown(JSON.stringify(redactValue(args)), secrets)}`);
    const tool = tools.get(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    let result;
    try {
      result = await tool.call(args);
    } catch (error) {
      // Not a user mistake (those are tool errors already): reported, never a crash of the server.
      result = { content: [{ type: "text" as const, text: `unexpected error: ${redactKnown(String((error as Error)?.message ?? error), secrets)}` }], isError: true };
    }
    log.write(`Result${result.isError ? " (error)" : ""}: ${redactKnown(result.content.map((c) => c.text).join("\n"), secrets)}`);
    return result;
  });
  return server;
}

export async function serveStdio(setup: ServerSetup): Promise<void> {
  const tools = toolsFor(setup);
  const server = createMcpServer(setup, tools);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  setup.log.write(`--SERVER START-- stdio, ${tools.size} tools`);
  await new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
  });
  setup.log.write("--SERVER STOP--");
  await server.close();
}

/** The hostname of a Host header or an Origin URL ("[::1]:3000" -> "[::1]"). */
function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value.includes("://") ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

export interface HttpServing {
  url: string;
  close(): Promise<void>;
}

/**
 * Streamable HTTP at `/mcp`. On a loopback address only loopback Host/Origin headers are accepted
 * (a web page cannot reach the server through a rebound DNS name); `checkHosts` false (an address
 * opened on purpose with --allow-remote) accepts any.
 */
export async function serveHttp(setup: ServerSetup, host: string, port: number, checkHosts: boolean): Promise<HttpServing> {
  const tools = toolsFor(setup);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/mcp") return refuse(res, 404, "Not found: the MCP endpoint is /mcp");
    if (checkHosts) {
      const hostName = hostnameOf(req.headers.host ?? "");
      const origin = req.headers.origin;
      const originName = origin === undefined ? undefined : hostnameOf(origin);
      if (!hostName || !isLoopbackHost(hostName) || (origin !== undefined && (!originName || !isLoopbackHost(originName)))) {
        return refuse(res, 403, "Forbidden: Host and Origin must be a loopback address");
      }
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = sessions.get(sessionId);
      if (!session) return refuse(res, 404, "Session not found");
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== "POST") return refuse(res, 400, "Bad Request: no session (send initialize first)");
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const server = createMcpServer(setup, tools);
    await server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) await server.close(); // not an initialize: nothing to keep
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      setup.log.write(`HTTP error: ${redactKnown(String((error as Error)?.message ?? error), setup.context.secrets)}`);
      if (!res.headersSent) refuse(res, 500, "Internal server error");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/mcp`;
  setup.log.write(`--SERVER START-- ${url}, ${tools.size} tools`);
  return {
    url,
    close: async () => {
      for (const { server } of sessions.values()) await server.close();
      sessions.clear();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
