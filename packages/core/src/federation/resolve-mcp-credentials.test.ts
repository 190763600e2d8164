import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { credentialEnvName, credentialHeaders, loadCredentialsFile, resolveMcpCredentials } from "./resolve-mcp-credentials.ts";

describe("MCP credentials", () => {
  it("takes each value from the first source: stored, then TENGINE_MCP_<SERVER>_<KEY>, then the file", () => {
    const declared = [{ key: "api_key", secret: true }, { key: "region", secret: false }, { key: "org", secret: true }, { key: "missing", secret: true }];
    const resolved = resolveMcpCredentials("my-gh", declared, { api_key: "stored-value" }, {
      env: { TENGINE_MCP_MY_GH_API_KEY: "env-value", TENGINE_MCP_MY_GH_REGION: "eu-west" },
      file: { "my-gh": { api_key: "file-value", region: "us", org: "acme-org" } },
    });
    expect(resolved.values).toEqual({ api_key: "stored-value", region: "eu-west", org: "acme-org" });
    expect(resolved.missing).toEqual(["missing"]);
    expect(resolved.secretValues.sort()).toEqual(["acme-org", "stored-value"]);
  });

  it("names environment variables upper-cased with non-alphanumerics as _", () => {
    expect(credentialEnvName("my-gh.v2", "api-key")).toBe("TENGINE_MCP_MY_GH_V2_API_KEY");
  });

  it("maps credentials to HTTP headers", () => {
    expect(credentialHeaders({ token: "abc" })).toEqual({ authorization: "Bearer abc" });
    expect(credentialHeaders({ authorization: "Bearer xyz" })).toEqual({ authorization: "Bearer xyz" });
    expect(credentialHeaders({ header_x_api_key: "k1", region: "eu" })).toEqual({ "x-api-key": "k1" });
  });

  it("reads [mcp.<server>] tables; a missing file is empty, a broken one is an error naming it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "creds-"));
    const file = path.join(dir, "credentials.toml");
    writeFileSync(file, '[mcp.linear]\napi_key = "lin_123"\nretries = 3\n\n[other]\nx = "y"\n');
    expect(loadCredentialsFile(file)).toEqual({ linear: { api_key: "lin_123", retries: "3" } });
    expect(loadCredentialsFile(path.join(dir, "none.toml"))).toEqual({});
    writeFileSync(file, "[mcp.linear\n");
    expect(() => loadCredentialsFile(file)).toThrow(/credentials file .* is not valid TOML/);
  });
});
