// The page's "Drive" section: the JSON its view (assets/section-drive.js) reads from /ui/api/section/drive.
// Filled in by the region that owns it; until then it says so.
import type { WebDeps } from "../api.js";

export function driveSection(_deps: WebDeps, _query: URLSearchParams): unknown {
  return { ready: false };
}
