// Library functions take a URL on every call (OpenIntegrations' style); they share one client per
// portal connection so that everything a process sends to a portal goes through one pipeline. The
// limiter's state is the process's (per portal), not the client's, so the pool can stay small: the
// least recently used connections are let go (an app that passes each event's fresh OAuth token
// would otherwise keep every token it ever saw).
import { Bitrix24Client } from "./client.js";

/** How many connections (URL and token pairs) are kept. */
export const POOL_SIZE = 64;

const pool = new Map<string, Bitrix24Client>();

export function sharedClient(url: string, token?: string): Bitrix24Client {
  const key = `${url}\u0000${token ?? ""}`;
  let client = pool.get(key);
  if (client) pool.delete(key); // re-inserted below: the newest at the end
  else client = new Bitrix24Client({ url, token });
  pool.set(key, client);
  if (pool.size > POOL_SIZE) pool.delete(pool.keys().next().value!);
  return client;
}

/** How many connections are kept now (for tests). */
export const pooledConnections = (): number => pool.size;
