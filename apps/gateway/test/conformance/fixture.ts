import http from "node:http";
import type { AddressInfo } from "node:net";

/** A 1×1 PNG and a short silent WAV: real bytes of the media types the scenarios ask for. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
function wav(): Buffer {
  const samples = Buffer.alloc(800);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write("data", 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples.fill(128)]);
}

/**
 * The upstream of the conformance fixture project: the answers the conformance suite's tool
 * scenarios expect of its reference server, served over HTTP so the gateway's own tools
 * (templates, response mapping) produce them.
 */
export async function startFixtureUpstream() {
  const server = http.createServer((req, res) => {
    switch (req.url) {
      case "/text":
        return res.writeHead(200, { "content-type": "text/plain" }).end("This is a simple text response for testing.");
      case "/image":
        return res.writeHead(200, { "content-type": "image/png" }).end(PNG);
      case "/audio":
        return res.writeHead(200, { "content-type": "audio/wav" }).end(wav());
      case "/error":
        return res.writeHead(500, { "content-type": "text/plain" }).end("This tool intentionally returns an error for testing");
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const JSON_SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: { address: { $anchor: "addressDef", type: "object", properties: { street: { type: "string" }, city: { type: "string" } } } },
  properties: { name: { type: "string" }, address: { $ref: "#/$defs/address" }, contactMethod: { type: "string", enum: ["phone", "email"] }, phone: { type: "string" }, email: { type: "string" } },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false,
};

/** The fixture project's tools: one per conformance tool scenario an HTTP tool can answer. */
export function fixtureTools(upstream: string) {
  const tool = (name: string, path: string, description: string) => ({ name, description, inputSchema: { type: "object" }, method: "GET", url: `${upstream}${path}`, annotations: { readOnlyHint: true } });
  return [
    tool("test_simple_text", "/text", "Returns simple text content"),
    tool("test_image_content", "/image", "Returns image content"),
    tool("test_audio_content", "/audio", "Returns audio content"),
    tool("test_error_handling", "/error", "Always returns an error"),
    // An argument mirrored as an Mcp-Param-Region header (x-mcp-header).
    { ...tool("test_region_text", "/text", "Returns text for a region"), inputSchema: { type: "object", properties: { region: { type: "string", "x-mcp-header": "Region" }, text: { type: "string" } } } },
    // A 2020-12 schema with $defs, $ref, composition and conditionals, listed as stored.
    { ...tool("json_schema_2020_12_tool", "/text", "Takes a contact described with JSON Schema 2020-12"), inputSchema: JSON_SCHEMA_2020_12 },
  ];
}

/**
 * The conformance CLI takes a URL and no credential: this forwards every request to the
 * gateway endpoint set with `route`, the fixture project's API key added and nothing else
 * changed. Started first, so the gateway can list its origin as allowed.
 */
export async function startCredentialProxy() {
  let target = "";
  let key = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, target);
    const upstream = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host, authorization: `Bearer ${key}` } }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    route(gateway: string, apiKey: string) {
      target = gateway;
      key = apiKey;
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
