// Which REST call a path names. Bitrix24 accepts
//   /rest/<userId>/<secret>/<method>   (inbound webhook)
//   /rest/<method>                     (OAuth: token in the `auth` parameter)
// with the method optionally followed by ".json" and/or a trailing "/".

export type Route =
  | { kind: "webhook"; userId: string; secret: string; method: string }
  | { kind: "oauth"; method: string }
  /** Under /rest/ but no form we serve (e.g. REST 3.0 /rest/api/…): answered as an unknown method. */
  | { kind: "unknown" };

/** The route for a raw (still percent-encoded) path, or null when the path is not under /rest. */
export function routeRequest(pathname: string): Route | null {
  if (pathname !== "/rest" && !pathname.startsWith("/rest/")) return null;
  const segments = pathname.slice("/rest/".length).split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop(); // trailing slash
  const decoded = segments.map(safeDecode);
  if (decoded.some((s) => s === null)) return { kind: "unknown" };
  const [first, second, third] = decoded as string[];

  if (decoded.length === 1) return { kind: "oauth", method: methodName(first ?? "") };
  if (/^\d+$/.test(first) && (decoded.length === 2 || decoded.length === 3)) {
    return { kind: "webhook", userId: first, secret: second, method: methodName(third ?? "") };
  }
  return { kind: "unknown" };
}

/** "im.message.add.json" -> "im.message.add". */
function methodName(segment: string): string {
  return segment.replace(/\.json$/i, "");
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
