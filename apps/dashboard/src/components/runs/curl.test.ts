import { describe, expect, it } from "vitest";
import { curlCommand } from "./curl.ts";

describe("curlCommand", () => {
  it("quotes every word for the shell and keeps redacted headers visible as such", () => {
    const command = curlCommand({ method: "POST", url: "https://api.example.com/notes?q=a b", headers: { "content-type": "application/json", authorization: "[redacted]", "content-length": "20" }, body: `{"text":"it's"}` });
    expect(command.split(" \\\n  ")).toEqual(["curl -X POST 'https://api.example.com/notes?q=a b'", "-H 'content-type: application/json'", "-H 'authorization: [redacted]'", `--data-binary '{"text":"it'\\''s"}'`]);
    expect(curlCommand({ method: "GET", url: "https://api.example.com/x", headers: {} })).toBe("curl 'https://api.example.com/x'");
  });
});
