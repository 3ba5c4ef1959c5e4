// The page's "Calendar" section: the JSON its view (assets/section-calendar.js) reads from /ui/api/section/calendar.
// Filled in by the region that owns it; until then it says so.
import type { WebDeps } from "../api.js";

export function calendarSection(_deps: WebDeps, _query: URLSearchParams): unknown {
  return { ready: false };
}
