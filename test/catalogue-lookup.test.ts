// The CLI finds a function by loading only the region module the generated directory names: every
// name, Russian name and earlier spelling of the whole catalogue resolves to the same definition
// the full catalogue holds, case-insensitively, and nothing else resolves.
import assert from "node:assert/strict";
import { it } from "node:test";
import { catalogue, findFunction } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { loadFunction } from "../src/catalogue/lookup.js";

it("every name of every function loads that function, and unknown names load nothing", async () => {
  for (const def of catalogue as readonly Definition[]) {
    for (const name of [def.name, def.ru, ...(def.aliases ?? []), def.name.toLowerCase(), def.ru.toUpperCase()]) {
      assert.equal(await loadFunction(name), def, name);
      assert.equal(findFunction(name), def, name);
    }
  }
  for (const name of ["SendMessag", "", "constructor", "__proto__", "toString"]) assert.equal(await loadFunction(name), undefined, name);
});
