/**
 * docs/providers.md lists every preset: a preset added without a row in the table fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { presets } from "../../src/providers/registry.js";

const doc = readFileSync(new URL("../../docs/providers.md", import.meta.url), "utf8");

describe("docs/providers.md", () => {
  it.each(Object.keys(presets).filter((k) => k !== "microsoft"))("has a row for %s", (id) => {
    expect(doc).toContain(`| \`gatehouse/providers/${id}\` | \`/callback/${id}\` |`);
  });
});
