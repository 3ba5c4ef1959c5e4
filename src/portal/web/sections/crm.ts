// The page's "CRM" section: the JSON its view (assets/section-crm.js) reads from /ui/api/section/crm.
// Filled in by the region that owns it; until then it says so.
import type { WebDeps } from "../api.js";

export function crmSection(_deps: WebDeps, _query: URLSearchParams): unknown {
  return { ready: false };
}
