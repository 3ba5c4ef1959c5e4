// The web page's routes, outside /rest: the page itself at "/", its files under /ui/assets/, the
// JSON it reads under /ui/api/, /ui/events (server-sent events: one line per portal change) and
// the writes it makes under /ui/act/ (actions.ts). Only loopback Host names are answered, so a web
// site cannot read the portal through DNS rebinding; the page's Content-Security-Policy lets no
// script run but its own; writes are refused unless they come from the page itself.
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import type { ExtraRoute, ExtraRouteContext } from "../http/server.js";
import { dialog, overview, type WebDeps } from "./api.js";
import { SECTION_ASSETS, SECTIONS } from "./sections/index.js";
import { handleAction, sendJsonAnswer } from "./actions.js";

const ASSETS = new URL("./assets/", import.meta.url);
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};
/** The files the page may load; anything else under /ui/assets/ is 404 (no path games). */
const SERVED = new Set(["index.html", "style.css", "app.js", "bbcode.js", "rich.js", "sample.svg", ...SECTION_ASSETS]);

const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** How often an idle event stream gets a comment line, so proxies and browsers keep it open. */
const KEEPALIVE_MS = 15_000;

/** The routes to add to the portal's server; the root page last, since "/" matches every path. */
export function webRoutes(deps: WebDeps): ExtraRoute[] {
  const cache = new Map<string, Buffer>();
  const asset = async (name: string): Promise<Buffer> => {
    let body = cache.get(name);
    if (!body) cache.set(name, (body = await readFile(new URL(name, ASSETS))));
    return body;
  };
  const sendAsset = async (res: ServerResponse, name: string) => {
    const body = await asset(name);
    res.writeHead(200, {
      ...PAGE_HEADERS,
      "Content-Type": TYPES[name.split(".").pop() ?? ""] ?? "application/octet-stream",
      "Content-Length": body.length,
      "Cache-Control": "no-cache",
    });
    res.end(body);
  };

  return [
    {
      // Reads its own (small) body, so a large one is refused before it is held.
      prefix: "/ui/act/",
      streamsBody: true,
      async handle(ctx) {
        if (!loopbackHost(ctx)) {
          ctx.req.resume();
          return forbidden(ctx.res);
        }
        sendJsonAnswer(ctx.res, await handleAction(deps, ctx));
      },
    },
    {
      prefix: "/ui/",
      async handle(ctx) {
        if (!loopbackHost(ctx)) return forbidden(ctx.res);
        const path = ctx.url.pathname;
        const file = /^\/ui\/assets\/([a-z0-9.-]+)$/.exec(path)?.[1];
        if (file !== undefined) return SERVED.has(file) ? sendAsset(ctx.res, file).catch(() => notFound(ctx.res)) : notFound(ctx.res);
        if (path === "/ui/events") return streamChanges(deps, ctx);
        if (path === "/ui/api/overview") return sendJson(ctx.res, 200, overview(deps));
        const section = /^\/ui\/api\/section\/([a-z]+)$/.exec(path)?.[1];
        if (section !== undefined) {
          const known = Object.hasOwn(SECTIONS, section) ? SECTIONS[section] : undefined;
          return known ? sendJson(ctx.res, 200, await known.data(deps, ctx.url.searchParams)) : notFound(ctx.res);
        }
        const chatId = /^\/ui\/api\/chats\/(\d+)$/.exec(path)?.[1];
        if (chatId !== undefined) {
          const view = await dialog(deps, Number(chatId));
          return view ? sendJson(ctx.res, 200, view) : sendJson(ctx.res, 404, { error: "chat not found" });
        }
        notFound(ctx.res);
      },
    },
    {
      prefix: "/",
      async handle(ctx) {
        if (ctx.url.pathname !== "/" && ctx.url.pathname !== "/index.html") return notFound(ctx.res);
        if (!loopbackHost(ctx)) return forbidden(ctx.res);
        await sendAsset(ctx.res, "index.html");
      },
    },
  ];
}

/** Server-sent events: `data: {"kind": "message", "action": "add", …}` for every change. */
function streamChanges(deps: WebDeps, ctx: ExtraRouteContext): void {
  const { req, res } = ctx;
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
  });
  res.write("retry: 1000\n\n");
  const unsubscribe = deps.state.changes.subscribe((change) => {
    res.write(`data: ${JSON.stringify(change)}\n\n`);
  });
  const keepalive = setInterval(() => res.write(": keep-alive\n\n"), KEEPALIVE_MS);
  keepalive.unref();
  const stop = () => {
    unsubscribe();
    clearInterval(keepalive);
  };
  req.once("close", stop);
  res.once("close", stop);
}

/** Host: 127.x.x.x, localhost or [::1] (with any port). */
function loopbackHost(ctx: ExtraRouteContext): boolean {
  const host = (ctx.req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
  res.end("Not Found");
}

function forbidden(res: ServerResponse): void {
  res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" });
  res.end("The portal's page answers only on a loopback address (http://127.0.0.1:PORT/).");
}
