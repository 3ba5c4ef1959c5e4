// Before `npm pack` / `npm publish` (prepack): start from an empty dist/, so files left there by
// sources since removed or renamed are not shipped.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

rmSync(join(dirname(fileURLToPath(import.meta.url)), "..", "dist"), { recursive: true, force: true });
