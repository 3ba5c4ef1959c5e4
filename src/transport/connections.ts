// Library functions take a URL on every call (OpenIntegrations' style); they share one client per
// portal connection so that everything a process sends to a portal goes through one pipeline.
import { Bitrix24Client } from "./client.js";

const pool = new Map<string, Bitrix24Client>();

export function sharedClient(url: string, token?: string): Bitrix24Client {
  const key = `${url}\u0000${token ?? ""}`;
  let client = pool.get(key);
  if (!client) {
    client = new Bitrix24Client({ url, token });
    pool.set(key, client);
  }
  return client;
}
