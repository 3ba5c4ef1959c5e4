// Parity with OpenIntegrations' option index: every messaging function exists under its name, calls
// the same REST method, and takes the same long and short options in the same order (oint's own
// additions may follow them).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import { OPI_MESSAGING } from "../scripts/opi-parity.js";

describe("OpenIntegrations parity (messaging regions)", () => {
  for (const opi of OPI_MESSAGING) {
    it(`${opi.name}: ${opi.options}`, () => {
      const def = findFunction(opi.name);
      assert.ok(def, `${opi.name} is in the catalogue`);
      assert.equal(def.name, opi.name);
      if (opi.method === "local") assert.equal(def.kind, "local");
      else if (def.kind === "rest") assert.equal(def.method, opi.method);
      else assert.equal(def.kind, "flow", `${opi.name} calls ${opi.method}`);
      if (def.kind === "flow" && opi.method !== "oauth") assert.ok(def.calls.includes(opi.method), `${opi.name} calls ${opi.method}`);
      const options = def.params.map((p) => `--${p.option} -${p.short}`).join(" ");
      assert.ok(`${options} `.startsWith(`${opi.options} `), `options: expected "${opi.options}", got "${options}"`);
    });
  }
});
