// Every method area registers its handlers here.
import type { MethodRegistry } from "../registry.js";
import { imDialogMethods } from "./im-dialog.js";
import { imMessageMethods } from "./im-messages.js";
import { serverMethods } from "./server.js";

export function registerDefaultMethods(registry: MethodRegistry): MethodRegistry {
  return registry.registerAll(serverMethods).registerAll(imMessageMethods).registerAll(imDialogMethods);
}
