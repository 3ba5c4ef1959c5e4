// The reference docs are generated from the definitions; this fails when they drift apart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { README_PATH, readmeWithTable, REFERENCE_PATH, renderReference } from "../scripts/reference.js";
import { LIBRARY_API_TS, renderLibraryApi } from "../scripts/library-api.js";
import { DIRECTORY_TS, renderDirectory } from "../scripts/catalogue-directory.js";
import { OPI_FUNCTIONS_TS, OPI_REGIONS_TS, renderOpiFunctions, renderOpiRegions } from "../scripts/opi-index.js";

it("the region table and OpenIntegrations' function list are what its index generates (run `npm run reference`)", () => {
  assert.equal(readFileSync(OPI_REGIONS_TS, "utf8"), renderOpiRegions());
  assert.equal(readFileSync(OPI_FUNCTIONS_TS, "utf8"), renderOpiFunctions());
});

it("docs/bitrix24-reference.md is what the definitions generate (run `npm run reference`)", () => {
  assert.equal(readFileSync(REFERENCE_PATH, "utf8"), renderReference());
});

it("README's function table is what the definitions generate (run `npm run reference`)", () => {
  const readme = readFileSync(README_PATH, "utf8");
  assert.equal(readme, readmeWithTable(readme));
});

it("the library's typed declarations are what the definitions generate (run `npm run reference`)", () => {
  assert.equal(readFileSync(LIBRARY_API_TS, "utf8"), renderLibraryApi());
});

it("the catalogue directory (name -> region module, for the CLI's start-up) is what the definitions generate (run `npm run reference`)", async () => {
  assert.equal(readFileSync(DIRECTORY_TS, "utf8"), await renderDirectory());
});
