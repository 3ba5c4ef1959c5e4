// The chat avatar link im.dialog.get gives (`/upload/im/avatar/chat<id>.<ext>`): the image a chat
// got through im.chat.updateAvatar, served so the link opens like on a real portal.
import type { ExtraRoute, ExtraRouteContext } from "../http/server.js";

const TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp", bmp: "image/bmp" };

function avatar({ req, res, url, state }: ExtraRouteContext): void {
  const match = /^\/upload\/im\/avatar\/chat(\d+)\.([a-z]+)$/.exec(url.pathname);
  const stored = match ? state.chatExtras.avatar(Number(match[1])) : undefined;
  if (!match || !stored || stored.extension !== match[2] || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Not Found");
    return;
  }
  const bytes = Buffer.from(stored.base64, "base64");
  res.writeHead(200, { "Content-Type": TYPES[stored.extension] ?? "application/octet-stream", "Content-Length": bytes.length });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

/** Must come before the Drive's `/upload/` route, which takes every other path under /upload/. */
export const avatarRoutes: readonly ExtraRoute[] = [{ prefix: "/upload/im/avatar/", handle: avatar }];
