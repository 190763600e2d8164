import { expect, test } from "@playwright/test";
import { ports, urls } from "../playwright.config.ts";
import { mcpClient, screenshot, signIn, signUp, uniqueEmail, open } from "../support/helpers.ts";

/**
 * Issue 3's journey, as a new admin does it in Chromium: sign up, create a project, create a
 * tool against the demo CRM, try it, create a key, call the tool with the MCP SDK client,
 * find the run and open it, revoke the key and see the next call fail. Then a viewer and a
 * second organization.
 */
test.describe.configure({ mode: "serial" });

const crm = `http://127.0.0.1:${ports.crm}`;
const admin = { name: "Ada Admin", email: uniqueEmail("ada"), password: "correct horse battery", organization: "Acme Robotics" };
const projectName = `Field Ops ${Date.now() % 100000}`;
let slug = "";
let viewerPassword = "";
const viewerEmail = uniqueEmail("vic");

test("an admin signs up, builds a tool, calls it over MCP and revokes the key", async ({ page }) => {
  await test.step("sign up", async () => {
    await signUp(page, admin);
    await expect(page.getByText("No projects yet")).toBeVisible();
  });

  await test.step("create a project", async () => {
    await page.getByLabel("Project name").fill(projectName);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+$/);
    slug = page.url().split("/projects/")[1]!;
    await expect(page.getByText(`${urls.gateway}/p/${slug}/mcp`).first()).toBeVisible();
  });

  await test.step("settings: allow the local http demo CRM and create a signing secret", async () => {
    await open(page, `/projects/${slug}/settings`);
    await page.getByLabel("Allow plain-http upstreams").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText(/saved/i).first()).toBeVisible();
    await page.getByRole("button", { name: "Create signing secret" }).first().click();
    await expect(page.getByTestId("one-time-secret")).toBeVisible();
  });

  await test.step("create a tool against the demo CRM", async () => {
    await open(page, `/projects/${slug}/tools`);
    await page.getByRole("link", { name: /New tool/ }).first().click();
    await page.getByLabel("Tool name").fill("find_contacts");
    await page.getByLabel("Description").fill("Searches the CRM's contacts by name or email.");
    await page.getByLabel("URL template").fill(`${crm}/contacts`);
    await page.getByLabel("Auth type").selectOption("hmac");
    await page.getByRole("button", { name: "Create tool" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${slug}/tools/find_contacts(\\?.*)?$`));
  });

  await test.step("try it", async () => {
    await page.getByLabel("Arguments (JSON)").fill("{}");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const result = page.getByRole("region", { name: "Try it result" });
    await expect(result).toContainText("succeeded");
    await expect(result).toContainText("200");
    await screenshot(page, "tool-editor-try-it");
  });

  let key = "";
  await test.step("create an API key, shown once", async () => {
    await open(page, `/projects/${slug}/keys`);
    await page.getByLabel("Name").fill("e2e client");
    await page.getByRole("button", { name: "Create key" }).click();
    key = (await page.getByTestId("new-api-key").textContent())!.trim();
    expect(key).toMatch(/^tengine_[A-Za-z0-9]{43}$/);
    await screenshot(page, "keys");
  });

  let runId = "";
  await test.step("call the tool with the MCP SDK client", async () => {
    const client = await mcpClient(`${urls.gateway}/p/${slug}/mcp`, key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("find_contacts");
    const result: any = await client.callTool({ name: "find_contacts", arguments: {} });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    runId = result._meta["tengine/runId"];
    await client.close();
  });

  await test.step("find the run in the runs table and open it", async () => {
    await open(page, `/projects/${slug}/runs`);
    const row = page.getByRole("row").filter({ hasText: "find_contacts" }).filter({ hasText: "e2e client" });
    await expect(row.first()).toBeVisible();
    await screenshot(page, "runs");
    await open(page, `/projects/${slug}/runs/${runId}`);
    await expect(page.getByText(runId).first()).toBeVisible();
    await expect(page.getByText("succeeded").first()).toBeVisible();
    await screenshot(page, "run-detail");
  });

  await test.step("the overview charts show the calls", async () => {
    await open(page, `/projects/${slug}`);
    await expect(page.getByRole("table", { name: /Top tools/i }).or(page.getByText("Top tools")).first()).toBeVisible();
    await expect(page.getByText("find_contacts").first()).toBeVisible();
    await screenshot(page, "project-overview");
    await open(page, "/projects");
    await screenshot(page, "projects");
  });

  await test.step("revoke the key: the next call fails", async () => {
    await open(page, `/projects/${slug}/keys`);
    await page.getByRole("button", { name: "Revoke e2e client" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText(/revoked/i).first()).toBeVisible();
    await expect(mcpClient(`${urls.gateway}/p/${slug}/mcp`, key)).rejects.toThrow(/401|Unauthorized|invalid_token/i);
  });

  await test.step("add a viewer to the organization", async () => {
    await open(page, "/org/members");
    await page.getByLabel("Email", { exact: true }).fill(viewerEmail);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    viewerPassword = (await page.getByTestId("one-time-secret").textContent())!.trim();
    expect(viewerPassword.length).toBeGreaterThan(8);
    await open(page, "/org/audit");
    await expect(page.getByText("member.add").first()).toBeVisible();
    await expect(page.getByText("api_key.revoke").first()).toBeVisible();
  });
});

test("a viewer can read but cannot create or revoke anything", async ({ page }) => {
  await signIn(page, viewerEmail, viewerPassword);
  // The account was created with a temporary password: the first thing asked is a new one.
  await open(page, `/projects/${slug}/tools`);
  await expect(page.getByRole("heading", { name: "Choose your password" })).toBeVisible();
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Temporary password").fill("not the temporary one");
  await form.getByLabel("New password", { exact: true }).fill("the viewer's own password");
  await form.getByLabel("New password again").fill("the viewer's own password");
  await form.getByRole("button", { name: "Set my password" }).click();
  await expect(form.locator("#password-current-error")).toHaveText("The current password is not right");
  await form.getByLabel("Temporary password").fill(viewerPassword);
  await form.getByRole("button", { name: "Set my password" }).click();
  await expect(page.getByRole("heading", { name: "Choose your password" })).toHaveCount(0);
  await expect(page.getByText("find_contacts").first()).toBeVisible();
  viewerPassword = "the viewer's own password";
  await open(page, `/projects/${slug}/tools`);
  await expect(page.getByText("find_contacts").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /New tool/ })).toHaveCount(0);
  await open(page, `/projects/${slug}/tools/find_contacts`);
  await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete tool" })).toHaveCount(0);
  await open(page, `/projects/${slug}/keys`);
  await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await open(page, `/projects/${slug}/settings`);
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create signing secret" })).toHaveCount(0);
  await open(page, "/projects");
  await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);
});

test("a second organization sees none of the first one's data", async ({ page }) => {
  await signUp(page, { name: "Bob", email: uniqueEmail("bob"), password: "another long password", organization: "Globex" });
  await expect(page.getByText("No projects yet")).toBeVisible();
  await expect(page.getByText(projectName)).toHaveCount(0);
  for (const path of [`/projects/${slug}`, `/projects/${slug}/tools/find_contacts`, `/projects/${slug}/runs`, `/projects/${slug}/keys`, `/projects/${slug}/settings`]) {
    await open(page, path);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});

test("an admin imports the demo CRM's tools from its OpenAPI document", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await open(page, `/projects/${slug}/tools`);
  await page.getByRole("link", { name: /Import OpenAPI/ }).first().click();
  await page.getByRole("tab", { name: "From URL" }).click();
  await page.getByLabel("Document URL").fill(`${crm}/openapi.json`);
  await page.getByRole("button", { name: "Preview import" }).click();
  const summary = page.getByLabel("Import summary");
  await expect(summary).toContainText("9");
  await expect(page.getByText("search_contacts").first()).toBeVisible();
  await screenshot(page, "openapi-import-preview");
  await page.getByRole("button", { name: "Apply import" }).click();
  await expect(page.getByRole("heading", { name: "Import applied" })).toBeVisible({ timeout: 60_000 });
  await open(page, `/projects/${slug}/tools`);
  await expect(page.getByText("create_contact").first()).toBeVisible();
  await expect(page.getByText("find_contacts").first()).toBeVisible();
});
