import { describe, expect, it } from "vitest";
import { MAX_TOOL_NAME, namespaceTools } from "./namespace-tools.ts";

describe("namespaceTools", () => {
  it("prefixes with the server name and turns other characters into _", () => {
    expect(namespaceTools("gh", ["create_issue", "repos.list"], {}, new Set())).toEqual([
      { name: "gh_create_issue", upstreamName: "create_issue" },
      { name: "gh_repos_list", upstreamName: "repos.list", renamed: "gh_repos.list is not a valid tool name of at most 64 characters" },
    ]);
  });

  it("resolves collisions deterministically, whatever order the server lists its tools in", () => {
    const taken = new Set(["gh_a_b"]);
    const one = namespaceTools("gh", ["a.b", "a_b", "a-b"], {}, taken);
    const two = namespaceTools("gh", ["a-b", "a_b", "a.b"], {}, taken);
    expect(one).toEqual(two);
    expect(one.map((t) => t.name)).toEqual(["gh_a-b", "gh_a_b_2", "gh_a_b_3"]);
    expect(one[1]!.renamed).toContain("gh_a_b is already taken");
  });

  it("keeps names within 64 characters, distinct for distinct long names", () => {
    const long = "x".repeat(80);
    const [a, b] = namespaceTools("server", [`${long}1`, `${long}2`], {}, new Set());
    expect(a!.name.length).toBeLessThanOrEqual(MAX_TOOL_NAME);
    expect(b!.name.length).toBeLessThanOrEqual(MAX_TOOL_NAME);
    expect(a!.name).not.toBe(b!.name);
  });

  it("applies an admin's rename", () => {
    expect(namespaceTools("gh", ["create_issue"], { create_issue: { name: "new_issue" } }, new Set())).toEqual([{ name: "new_issue", upstreamName: "create_issue" }]);
  });
});
