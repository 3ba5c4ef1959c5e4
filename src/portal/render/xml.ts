// The `.xml` answer format (`/rest/…/method.xml`): the same envelope Bitrix24 sends as JSON,
// written as XML (`<response><result>…</result><time>…</time></response>`). Lists become repeated
// <item> elements; keys that are not XML names (numbers) become <item key="…">.
import type { ServerResponse } from "node:http";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function element(name: string, value: unknown): string {
  const [open, close] = NAME.test(name) ? [`<${name}>`, `</${name}>`] : [`<item key="${escape(name)}">`, "</item>"];
  return `${open}${content(value)}${close}`;
}

function content(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => element("item", v)).join("");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => element(k, v)).join("");
  return escape(String(value));
}

/** An envelope as Bitrix24's XML answer. */
export function toXml(envelope: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>${element("response", envelope)}`;
}

/**
 * Makes `res` write XML wherever the pipeline writes its JSON answer (success or error, same
 * status), so the one request pipeline serves both formats.
 */
export function answerInXml(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string | number>) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  let json = false;
  (res as unknown as { writeHead: typeof writeHead }).writeHead = (status, headers = {}) => {
    json = String(headers["Content-Type"] ?? "").startsWith("application/json");
    if (!json) return writeHead(status, headers);
    const { "Content-Length": _length, ...rest } = headers;
    return writeHead(status, { ...rest, "Content-Type": "application/xml; charset=utf-8" });
  };
  (res as unknown as { end: typeof end }).end = (chunk?: unknown) => {
    if (!json || typeof chunk !== "string") return end(chunk);
    let body: unknown;
    try {
      body = JSON.parse(chunk);
    } catch {
      return end(chunk);
    }
    return end(toXml(body));
  };
}
