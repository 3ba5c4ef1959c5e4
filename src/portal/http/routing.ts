// Which REST call a path names. Bitrix24 accepts
//   /rest/<userId>/<secret>/<method>   (inbound webhook)
//   /rest/<method>                     (OAuth: token in the `auth` parameter)
// with the method optionally followed by ".json" or ".xml" (the answer in XML) and/or a trailing
// "/". Repeated slashes count as one, as the web server in front of Bitrix24 treats them (the
// official SDK joins `client_endpoint` ".../rest/" and "/method" into ".../rest//method").

/** How the answer is written: the method's suffix `.xml` asks for XML, anything else is JSON. */
export type Format = "json" | "xml";

export type Route =
  | { kind: "webhook"; userId: string; secret: string; method: string; format: Format }
  | { kind: "oauth"; method: string; format: Format }
  /** Under /rest/ but no form we serve (e.g. REST 3.0 /rest/api/…): answered as an unknown method. */
  | { kind: "unknown" };

/** The route for a raw (still percent-encoded) path, or null when the path is not under /rest. */
export function routeRequest(rawPathname: string): Route | null {
  const pathname = rawPathname.replace(/\/{2,}/g, "/");
  if (pathname !== "/rest" && !pathname.startsWith("/rest/")) return null;
  const segments = pathname.slice("/rest/".length).split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop(); // trailing slash
  const decoded = segments.map(safeDecode);
  if (decoded.some((s) => s === null)) return { kind: "unknown" };
  const [first, second, third] = decoded as string[];

  if (decoded.length === 1) return { kind: "oauth", ...methodName(first ?? "") };
  if (/^\d+$/.test(first) && (decoded.length === 2 || decoded.length === 3)) {
    return { kind: "webhook", userId: first, secret: second, ...methodName(third ?? "") };
  }
  return { kind: "unknown" };
}

/** "im.message.add.json" -> "im.message.add" (JSON); "im.message.add.xml" -> the same in XML. */
function methodName(segment: string): { method: string; format: Format } {
  const xml = /\.xml$/i.test(segment);
  return { method: segment.replace(/\.(json|xml)$/i, ""), format: xml ? "xml" : "json" };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
