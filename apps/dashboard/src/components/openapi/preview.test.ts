import { describe, expect, it } from "vitest";
import { excerptAround, readableUrl, formatBytes, hasChanges, matchesQuery, plural, readablePointer, toolText, toPreviewTool } from "./preview.ts";

describe("toPreviewTool", () => {
  it("keeps only what the preview shows: name, title, method, URL and scopes", () => {
    const tool = toPreviewTool({ name: "list_contacts", title: "List contacts", method: "get", url: "https://crm.example.com/contacts", requiredScopes: ["contacts:read"] });
    expect(tool).toEqual({ name: "list_contacts", title: "List contacts", method: "GET", url: "https://crm.example.com/contacts", scopes: ["contacts:read"] });
    expect(toPreviewTool({ name: "ping", method: "GET", url: "https://x.test/ping" })).toEqual({ name: "ping", method: "GET", url: "https://x.test/ping", scopes: [] });
  });
});

describe("matchesQuery", () => {
  it("needs every word, in any order and case", () => {
    const text = toolText({ name: "create_contact", method: "POST", url: "https://crm/contacts", scopes: ["contacts:write"], fields: ["description"] });
    expect(matchesQuery(text, "")).toBe(true);
    expect(matchesQuery(text, "post CONTACTS")).toBe(true);
    expect(matchesQuery(text, "contacts:write description")).toBe(true);
    expect(matchesQuery(text, "post delete")).toBe(false);
  });
});

describe("hasChanges", () => {
  it("is false when only unchanged and skipped operations remain", () => {
    expect(hasChanges({ added: [], changed: [], removed: [] })).toBe(false);
    expect(hasChanges({ added: [], changed: [], removed: [{ name: "old" }] })).toBe(true);
  });
});

describe("formatting", () => {
  it("says sizes and counts the way people read them", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20.0 MB");
    expect(plural(1, "tool")).toBe("1 tool");
    expect(plural(3, "tool")).toBe("3 tools");
  });
});

describe("error locations", () => {
  it("reads a JSON pointer as a path", () => {
    expect(readablePointer("/paths/~1contacts~1{id}/get/responses")).toBe("paths › /contacts/{id} › get › responses");
    expect(readablePointer("/")).toBe("the top level");
    expect(readablePointer("/a~0b")).toBe("a~b");
  });

  it("shows the lines before and one after the error line", () => {
    const text = "one\ntwo\nthree\nfour\nfive";
    expect(excerptAround(text, 3)).toEqual([
      { number: 1, text: "one" },
      { number: 2, text: "two" },
      { number: 3, text: "three" },
      { number: 4, text: "four" },
    ]);
    expect(excerptAround(text, 5).map((l) => l.number)).toEqual([3, 4, 5]);
    expect(excerptAround(text, 9)).toEqual([]);
  });
});

describe("readableUrl", () => {
  it("shows path parameters the way OpenAPI writes them", () => {
    expect(readableUrl("https://crm.test/contacts/{{input.pathParams.id}}/notes")).toBe("https://crm.test/contacts/{id}/notes");
    expect(readableUrl("https://crm.test/{{ input.pathParams.org_id }}/x")).toBe("https://crm.test/{org_id}/x");
    expect(readableUrl("https://crm.test/contacts")).toBe("https://crm.test/contacts");
  });
});
