// The reference docs are generated from the definitions; this fails when they drift apart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { REFERENCE_PATH, renderReference } from "../scripts/reference.js";

it("docs/bitrix24-reference.md is what the definitions generate (run `npm run reference`)", () => {
  assert.equal(readFileSync(REFERENCE_PATH, "utf8"), renderReference());
});
