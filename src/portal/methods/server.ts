// Methods of the `server` area.
import { atom } from "../http/dates.js";
import type { MethodHandler } from "../http/registry.js";

/** server.time: the portal's current time as an ATOM string. */
const serverTime: MethodHandler = () => atom(Date.now());

export const serverMethods: Record<string, MethodHandler> = {
  "server.time": serverTime,
};
