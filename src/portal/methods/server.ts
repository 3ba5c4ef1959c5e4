// Methods of the `server` area.
import { atom } from "../dates.js";
import type { MethodHandler } from "../registry.js";

/** server.time: the portal's current time as an ATOM string. */
const serverTime: MethodHandler = () => atom(Date.now());

export const serverMethods: Record<string, MethodHandler> = {
  "server.time": serverTime,
};
