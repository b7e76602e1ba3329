import assert from "node:assert/strict";
import { test } from "node:test";
import { hasUseNodeDirective } from "../../runtime/loader/use-node-directive.js";

test("finds the directive in the prologue", () => {
  assert.equal(hasUseNodeDirective('"use node";\nexport const x = 1;'), true);
  assert.equal(hasUseNodeDirective("'use node'\nexport const x = 1;"), true);
  assert.equal(hasUseNodeDirective('// header\n/* license */\n"use strict";\n"use node";\nimport x from "y";'), true);
  assert.equal(hasUseNodeDirective('#!/usr/bin/env node\n"use node";'), true);
  assert.equal(hasUseNodeDirective('\uFEFF"use node";'), true);
});

test("ignores it anywhere else", () => {
  assert.equal(hasUseNodeDirective('import x from "y";\n"use node";'), false);
  assert.equal(hasUseNodeDirective('// "use node"\nexport const x = 1;'), false);
  assert.equal(hasUseNodeDirective('"use node".length;'), false);
  assert.equal(hasUseNodeDirective('"use nodejs";'), false);
  assert.equal(hasUseNodeDirective('export const s = "use node";'), false);
});
