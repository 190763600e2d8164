import type { Tool } from "@tengine/db";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { PreparedTool } from "../runtime/prepared-tool.ts";
import { familyTool, groupByFamily, resolveFamilyCall } from "./family-tools.ts";
import { ToolSearchIndex } from "./search-index.ts";
import { bodyWords, parameterValues } from "./schema-words.ts";
import { compoundWords, initialismOf, splitWords, stemWord, tokenize } from "./tokenize.ts";

const box = new SecretBox(SecretBox.generateKey());
function tool(name: string, method: string, path: string, description: string, extra: Partial<Tool> = {}): PreparedTool {
  const row = {
    id: `tool_${name}`, projectId: "prj_1", name, title: null, description, enabled: true,
    inputSchema: { type: "object", properties: { pathParams: { type: "object", properties: { owner: { type: "string" } } } } },
    annotations: method === "GET" ? { readOnlyHint: true } : {}, requiredScopes: [], requiresApproval: false, method,
    url: `https://api.example.com${path.replace(/\{(\w+)\}/g, "{{input.pathParams.$1}}")}`, query: null, headers: null, body: null,
    authType: "none", authConfig: {}, authSecretEnc: null, timeoutMs: 10000, maxAttempts: 3, maxResponseBytes: 262144, idempotencyWindowSec: 60,
    source: "openapi", importId: null, operationId: null, importedDefinition: null, tags: [], createdAt: new Date(0), updatedAt: new Date(0), ...extra,
  } as unknown as Tool;
  return new PreparedTool(row, box);
}

/** The name of the best match for `query` among all of `index`'s tools. */
const topName = (index: ToolSearchIndex, query: string) => index.search(query, () => true, 1)[0]!.tool.name;

describe("tokenize", () => {
  it("splits identifiers and paths into words", () => {
    expect(splitWords("listRepoIssues")).toEqual(["list", "repo", "issues"]);
    expect(splitWords("list_repo-issues /repos/{owner}/HTTPServer")).toEqual(["list", "repo", "issues", "repos", "owner", "http", "server"]);
  });
  it("stems plural and verb forms to one word, and is stable on its own output", () => {
    for (const [a, b] of [["issues", "issue"], ["repositories", "repository"], ["branches", "branch"], ["deleting", "delete"], ["created", "creates"], ["running", "run"], ["approval", "approve"], ["removal", "removes"], ["successful", "success"]]) expect(stemWord(a!)).toBe(stemWord(b!));
    for (const word of ["issues", "repositories", "deployments", "reviewers", "assignees", "status", "successful", "careful"]) expect(stemWord(stemWord(word))).toBe(stemWord(word));
  });
  it("drops stop words and reads abbreviations as their word", () => {
    expect(tokenize("close an issue on a repo")).toEqual(tokenize("close issue repository"));
  });
  it("keeps a plural initialism and a word with accents whole", () => {
    expect(splitWords("list the CRDs and URLs")).toEqual(["list", "the", "crds", "and", "urls"]);
    expect(tokenize("CRDs")).toEqual(["crd"]);
    expect(splitWords("My Team Näme")).toEqual(["my", "team", "näme"]);
  });
  it("reads 'I' as me, and 'logged in' as authenticated rather than as logs", () => {
    expect(tokenize("who am I logged in as")).toEqual(["me", stemWord("authenticated")]);
    expect(tokenize("tear down a deployment")).toEqual(tokenize("delete deployment"));
    expect(tokenize("download the logs")).toContain("log");
  });
  it("gives CamelCase names of three words or more their initialism", () => {
    expect(initialismOf("CustomResourceDefinition")).toBe("crd");
    expect(initialismOf("HorizontalPodAutoscaler")).toBe("hpa");
    expect(initialismOf("ConfigMap")).toBeUndefined();
    expect(initialismOf("myFieldName")).toBeUndefined();
    expect(compoundWords("list objects of kind PersistentVolumeClaim")).toEqual(["persistentvolumeclaim", "pvc"]);
  });
});

describe("schema words", () => {
  const schema = {
    type: "object",
    properties: {
      pathParams: { type: "object", properties: { sha: { type: "string", description: "The commit SHA." } } },
      query: { type: "object", properties: { state: { type: "string", enum: ["open", "closed"] } } },
      body: { $ref: "#/$defs/io.k8s.api.core.v1.ResourceQuota" },
    },
    $defs: {
      "io.k8s.api.core.v1.ResourceQuota": { type: "object", description: "ResourceQuota sets aggregate quota restrictions", properties: { spec: { $ref: "#/$defs/io.k8s.api.core.v1.ResourceQuotaSpec" } } },
      "io.k8s.api.core.v1.ResourceQuotaSpec": { type: "object", properties: { hard: { type: "object" }, scope: { type: "string", enum: ["Terminating", "BestEffort"] } } },
    },
  };
  it("reads the parameters' string enum values, not their prose", () => {
    expect(parameterValues(schema)).toBe("open closed");
  });
  it("reads the body's schema names and property names one level deep, and enum values", () => {
    expect(bodyWords(schema)).toBe("ResourceQuota spec ResourceQuotaSpec");
    const inline = { type: "object", properties: { body: { type: "object", properties: { state: { type: "string", enum: ["error", "success"] }, context: { type: "string" } } } } };
    expect(bodyWords(inline)).toBe("state error success context");
  });
  it("follows a schema that refers to itself only once", () => {
    const loop = { type: "object", properties: { body: { $ref: "#/$defs/Node" } }, $defs: { Node: { type: "object", description: "A node", properties: { child: { $ref: "#/$defs/Node" } } } } };
    expect(bodyWords(loop)).toBe("Node child");
  });
});

describe("ToolSearchIndex", () => {
  const tools = [
    tool("update_an_issue", "PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "Issue owners and users with push access can edit an issue.", { tags: ["issues"] }),
    tool("list_repository_issues", "GET", "/repos/{owner}/{repo}/issues", "List issues in a repository.", { tags: ["issues"] }),
    tool("merge_a_pull_request", "PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", "Merges a pull request into the base branch.", { tags: ["pulls"] }),
    tool("delete_a_label", "DELETE", "/repos/{owner}/{repo}/labels/{name}", "Deletes a label using the given label name.", { tags: ["issues"], requiredScopes: ["labels:write"] }),
    tool("get_a_repository", "GET", "/repos/{owner}/{repo}", "The parent and source objects are present when the repository is a fork.", { tags: ["repos"] }),
  ];
  const index = new ToolSearchIndex(tools);

  it("ranks by name, path, description, method and synonyms", () => {
    expect(index.search("close an issue", () => true, 3)[0]!.tool.name).toBe("update_an_issue");
    expect(index.search("remove a label", () => true, 3)[0]!.tool.name).toBe("delete_a_label");
    expect(index.search("merge PR", () => true, 3)[0]!.tool.name).toBe("merge_a_pull_request");
    expect(index.search("show me the issues of a repo", () => true, 3)[0]!.tool.name).toBe("list_repository_issues");
    expect(index.search("zzz qqq", () => true, 3)).toEqual([]);
  });
  it("scores only what the filter allows: a hidden tool is never returned", () => {
    const hits = index.search("delete a label", (t) => t.requiredScopes.length === 0, 5);
    expect(hits.map((h) => h.tool.name)).not.toContain("delete_a_label");
  });
  it("meets a resource written as one word, ignores versions in names, and ranks deprecated tools lower", () => {
    const k8s = new ToolSearchIndex([
      tool("create_storage_v1_storage_class", "POST", "/apis/storage.k8s.io/v1/storageclasses", "create a StorageClass", { tags: ["storage_v1"] }),
      tool("create_apps_v1_namespaced_stateful_set", "POST", "/apis/apps/v1/namespaces/{namespace}/statefulsets", "create a StatefulSet", { tags: ["apps_v1"] }),
      tool("list_core_v1_namespaced_pod", "GET", "/api/v1/namespaces/{namespace}/pods", "list or watch objects of kind Pod", { tags: ["core_v1"] }),
      tool("watch_core_v1_namespaced_pod_list", "GET", "/api/v1/watch/namespaces/{namespace}/pods", "watch individual changes to a list of Pod. deprecated: use the 'watch' parameter with a list operation instead.", { tags: ["core_v1"] }),
    ]);
    expect(k8s.search("create a statefulset", () => true, 2)[0]!.tool.name).toBe("create_apps_v1_namespaced_stateful_set");
    expect(k8s.search("watch the pods of a namespace", () => true, 2)[0]!.tool.name).toBe("list_core_v1_namespaced_pod");
  });
  it("reads a question as a read, and a verb's synonyms as its HTTP method", () => {
    const sc = [
      tool("create_storage_class", "POST", "/storageclasses", "create a StorageClass"),
      tool("delete_storage_class", "DELETE", "/storageclasses/{name}", "delete a StorageClass"),
      tool("list_storage_class", "GET", "/storageclasses", "list or watch objects of kind StorageClass"),
    ];
    const index = new ToolSearchIndex(sc);
    expect(topName(index, "which storage classes are there")).toBe("list_storage_class");
    expect(topName(index, "make a storage class")).toBe("create_storage_class");
    expect(topName(index, "drop a storage class")).toBe("delete_storage_class");
  });
  it("reads a word no tool has as the start of longer words", () => {
    const pods = new ToolSearchIndex([
      tool("create_pod_binding", "POST", "/pods/{name}/binding", "create binding of a Pod"),
      tool("create_pod_eviction", "POST", "/pods/{name}/eviction", "create eviction of a Pod"),
    ]);
    expect(topName(pods, "evict a pod")).toBe("create_pod_eviction");
    // Too short to stand for a prefix: "bin" finds nothing rather than binding.
    expect(pods.search("bin", () => true, 1)).toEqual([]);
  });
  it("finds a resource by its initialism, and by its body's words for every operation on it", () => {
    const quotaSchema = {
      type: "object",
      properties: { body: { $ref: "#/$defs/ResourceQuota" } },
      $defs: { ResourceQuota: { type: "object", properties: { hard: { type: "object" }, scopeSelector: { type: "object" } } } },
    };
    const k8s = new ToolSearchIndex([
      tool("list_custom_resource_definition", "GET", "/customresourcedefinitions", "list or watch objects of kind CustomResourceDefinition"),
      tool("list_cluster_role", "GET", "/clusterroles", "list or watch objects of kind ClusterRole"),
      tool("create_namespaced_resource_quota", "POST", "/namespaces/{namespace}/resourcequotas", "create a ResourceQuota", { inputSchema: quotaSchema }),
      tool("read_namespaced_resource_quota", "GET", "/namespaces/{namespace}/resourcequotas/{name}", "read the specified ResourceQuota"),
      tool("create_namespaced_limit_range", "POST", "/namespaces/{namespace}/limitranges", "create a LimitRange"),
    ]);
    expect(topName(k8s, "list the CRDs in the cluster")).toBe("list_custom_resource_definition");
    expect(k8s.search("hard scope selector", () => true, 2).map((h) => h.tool.name)).toEqual(["create_namespaced_resource_quota", "read_namespaced_resource_quota"]);
  });
  it("finds a tool by a value its body accepts", () => {
    const statuses = new ToolSearchIndex([
      tool("create_a_commit_status", "POST", "/repos/{owner}/{repo}/statuses/{sha}", "Create a commit status", { inputSchema: { type: "object", properties: { body: { type: "object", properties: { state: { type: "string", enum: ["error", "failure", "pending", "success"] } } } } } }),
      tool("list_commits", "GET", "/repos/{owner}/{repo}/commits", "List commits"),
    ]);
    expect(topName(statuses, "mark a commit as successful")).toBe("create_a_commit_status");
  });
  it("reads kill and terminate as delete, suspend as update", () => {
    const pods = new ToolSearchIndex([
      tool("read_pod", "GET", "/pods/{name}", "read the specified Pod"),
      tool("delete_pod", "DELETE", "/pods/{name}", "delete a Pod"),
      tool("patch_cron_job", "PATCH", "/cronjobs/{name}", "partially update the specified CronJob"),
      tool("delete_cron_job", "DELETE", "/cronjobs/{name}", "delete a CronJob"),
    ]);
    expect(topName(pods, "kill a stuck pod")).toBe("delete_pod");
    expect(topName(pods, "terminate a pod")).toBe("delete_pod");
    expect(topName(pods, "suspend a cron job")).toBe("patch_cron_job");
  });
  it("finds a tool by a thesaurus synonym of its words: ticket for issue, follow for watch, erase for delete", () => {
    const tracker = new ToolSearchIndex([
      tool("create_issue", "POST", "/issue", "Creates an issue or, where the option to create subtasks is enabled, a subtask."),
      tool("delete_issue", "DELETE", "/issue/{issueIdOrKey}", "Deletes an issue."),
      tool("get_issue", "GET", "/issue/{issueIdOrKey}", "Returns the details for an issue."),
      tool("add_watcher", "POST", "/issue/{issueIdOrKey}/watchers", "Adds a user as a watcher of an issue."),
      tool("delete_project", "DELETE", "/project/{projectIdOrKey}", "Deletes a project."),
    ]);
    expect(topName(tracker, "erase a ticket")).toBe("delete_issue");
    expect(topName(tracker, "start following a ticket")).toBe("add_watcher");
    expect(topName(tracker, "look at one ticket")).toBe("get_issue");
  });
  it("ranks the tool whose HTTP method the query's verb stands for first among one resource's tools", () => {
    const widgets = new ToolSearchIndex([
      tool("widget", "DELETE", "/widgets/{id}", "A widget."),
      tool("widget_2", "GET", "/widgets/{id}", "A widget."),
      tool("widget_3", "PATCH", "/widgets/{id}", "A widget."),
      tool("widget_4", "POST", "/widgets", "A widget."),
    ]);
    const first = (query: string) => widgets.search(query, () => true, 1)[0]!.tool.method;
    expect(first("wipe a widget")).toBe("DELETE");
    expect(first("fetch a widget")).toBe("GET");
    expect(first("amend a widget")).toBe("PATCH");
    expect(first("generate a widget")).toBe("POST");
    expect(first("set up a widget")).toBe("POST");
  });
  it("lets a typed verb weigh less than the resource it acts on", () => {
    const pages = new ToolSearchIndex([
      tool("get_a_widget", "GET", "/widgets/{id}", "Gets a widget."),
      tool("list_widgets", "GET", "/widgets", "Lists widgets."),
      tool("delete_a_widget", "DELETE", "/widgets/{id}", "Deletes a widget."),
      tool("show_banner", "GET", "/banner", "Shows the banner at the top of the site."),
      tool("get_a_page", "GET", "/pages/{id}", "Gets a page."),
      tool("list_pages", "GET", "/pages", "Lists pages."),
    ]);
    // "view" stands for get and show: the banner that shows shares the verb only, not the widget.
    expect(pages.search("view widget", () => true, 2).map((h) => h.tool.name)).toEqual(["get_a_widget", "list_widgets"]);
  });
  it("reads phrasal verbs as the verb they stand for", () => {
    expect(tokenize("throw away a branch")).toEqual(tokenize("delete branch"));
    expect(tokenize("set up a webhook")).toEqual(tokenize("create webhook"));
    expect(tokenize("turn off a workflow")).toEqual(tokenize("disable workflow"));
    expect(tokenize("bring back a deleted file")).toEqual(tokenize("restore deleted file"));
  });
  it("reuses its postings for the same tools in a reloaded runtime", () => {
    const again = index.withTools(tools.map((t) => t));
    expect(topName(again, "merge pull request")).toBe("merge_a_pull_request");
  });
});

describe("families", () => {
  it("carries a definition the family's tools share once, and prefixes the ones that differ", () => {
    const meta = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const schema = (spec: object, wrapper: object): Tool["inputSchema"] => ({
      type: "object",
      properties: { body: { $ref: "#/$defs/Spec" }, meta: { $ref: "#/$defs/Meta" }, wrapped: { $ref: "#/$defs/Wrapper" } },
      $defs: { Meta: meta, Spec: spec, Wrapper: wrapper } as never,
    });
    // Wrapper is written the same in both tools but refers to Spec, which differs: it cannot be shared.
    const wrapper = { type: "object", properties: { spec: { $ref: "#/$defs/Spec" } } };
    const tools = [
      tool("create_pod", "POST", "/pods", "create a Pod", { tags: ["core"], inputSchema: schema({ type: "object", properties: { image: { type: "string" } }, required: ["image"] }, wrapper) }),
      tool("create_job", "POST", "/jobs", "create a Job", { tags: ["core"], inputSchema: schema({ type: "object", properties: { command: { type: "string" } }, required: ["command"] }, wrapper) }),
    ];
    const listed = familyTool(groupByFamily(tools).groups[0]!);
    expect(Object.keys(listed.inputSchema.$defs as object).sort()).toEqual(["Meta", "create_job.Spec", "create_job.Wrapper", "create_pod.Spec", "create_pod.Wrapper"]);
    const validate = new Ajv2020({ strict: false }).compile(listed.inputSchema);
    expect(validate({ action: "create_pod", arguments: { body: { image: "nginx" }, meta: { name: "web" }, wrapped: { spec: { image: "nginx" } } } })).toBe(true);
    expect(validate({ action: "create_job", arguments: { body: { image: "nginx" } } })).toBe(false);
    expect(validate({ action: "create_job", arguments: { body: { command: "true" }, wrapped: { spec: { image: "x" } } } })).toBe(false);
    expect(validate({ action: "create_pod", arguments: { meta: {} } })).toBe(false);
  });

  it("groups by the first tag and resolves an action to its tool", () => {
    const tools = [tool("list_issues", "GET", "/issues", "List issues", { tags: ["Issues"] }), tool("create_issue", "POST", "/issues", "Create an issue", { tags: ["Issues"] }), tool("ping", "GET", "/ping", "Ping")];
    const { groups, loose } = groupByFamily(tools);
    expect(groups.map((g) => [g.toolName, g.tools.map((t) => t.name)])).toEqual([["family_issues", ["list_issues", "create_issue"]]]);
    expect(loose.map((t) => t.name)).toEqual(["ping"]);
    const listed = familyTool(groups[0]!);
    expect((listed.inputSchema.properties as Record<string, { enum?: string[] }>).action!.enum).toEqual(["list_issues", "create_issue"]);
    expect(resolveFamilyCall(groups, "family_issues", { action: "create_issue", arguments: { a: 1 } })).toEqual({ ok: true, toolName: "create_issue", args: { a: 1 } });
    expect(resolveFamilyCall(groups, "family_issues", { action: "ping" })).toEqual({ ok: false, message: "action must be one of: list_issues, create_issue" });
    expect(resolveFamilyCall(groups, "family_other", {})).toBeUndefined();
  });
});
