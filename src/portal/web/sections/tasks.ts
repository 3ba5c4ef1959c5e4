// The page's "Tasks" section: the JSON its view (assets/section-tasks.js) reads from /ui/api/section/tasks.
// Filled in by the region that owns it; until then it says so.
import type { WebDeps } from "../api.js";

export function tasksSection(_deps: WebDeps, _query: URLSearchParams): unknown {
  return { ready: false };
}
