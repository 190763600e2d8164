// Ready-to-paste client setup for a project's MCP URL. Keys are never filled in: the page
// cannot know them (they are shown once), so every snippet carries a placeholder or a prompt.

export const API_KEY_PLACEHOLDER = "<YOUR_API_KEY>";

export type SetupSnippet = {
  id: "claude-code" | "cursor" | "vscode" | "typescript";
  label: string;
  /** where the snippet goes */
  where: string;
  language: "shell" | "json" | "ts";
  code: string;
  /** how the key gets in */
  keyHint: string;
};

/** The MCP server name clients show: the slug, kept to characters every client accepts. */
export function serverName(slug: string): string {
  return slug.replace(/[^A-Za-z0-9_-]/g, "-");
}

export function setupSnippets(input: { url: string; slug: string; projectName: string }): SetupSnippet[] {
  const name = serverName(input.slug);
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return [
    {
      id: "claude-code",
      label: "Claude Code",
      where: "Run in a terminal, then check with `claude mcp list`.",
      language: "shell",
      keyHint: `Replace ${API_KEY_PLACEHOLDER} with a project API key.`,
      code: `claude mcp add --transport http ${name} ${input.url} --header "Authorization: Bearer ${API_KEY_PLACEHOLDER}"`,
    },
    {
      id: "cursor",
      label: "Cursor",
      where: "Add to `.cursor/mcp.json` in your project (or `~/.cursor/mcp.json` for every project).",
      language: "json",
      keyHint: `Replace ${API_KEY_PLACEHOLDER} with a project API key.`,
      code: json({ mcpServers: { [name]: { url: input.url, headers: { Authorization: `Bearer ${API_KEY_PLACEHOLDER}` } } } }),
    },
    {
      id: "vscode",
      label: "VS Code",
      where: "Add to `.vscode/mcp.json`; VS Code asks for the key when it starts the server and stores it securely.",
      language: "json",
      keyHint: "Paste a project API key when VS Code prompts for it.",
      code: json({
        inputs: [{ type: "promptString", id: `${name}-api-key`, description: `Tengine API key for ${input.projectName}`, password: true }],
        servers: { [name]: { type: "http", url: input.url, headers: { Authorization: `Bearer \${input:${name}-api-key}` } } },
      }),
    },
    {
      id: "typescript",
      label: "TypeScript",
      where: "`npm install @modelcontextprotocol/sdk`, then run with `TENGINE_API_KEY` set in the environment.",
      language: "ts",
      keyHint: "Set TENGINE_API_KEY to a project API key.",
      code: [
        `import { Client } from "@modelcontextprotocol/sdk/client/index.js";`,
        `import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";`,
        ``,
        `const transport = new StreamableHTTPClientTransport(new URL(${JSON.stringify(input.url)}), {`,
        "  requestInit: { headers: { Authorization: `Bearer ${process.env.TENGINE_API_KEY}` } },",
        `});`,
        `const client = new Client({ name: "my-app", version: "1.0.0" });`,
        `await client.connect(transport);`,
        ``,
        `const { tools } = await client.listTools();`,
        `console.log(tools.map((tool) => tool.name));`,
        `// mcp_whoami is built in: it tells who the gateway thinks you are`,
        `const result = await client.callTool({ name: "mcp_whoami", arguments: {} });`,
        `console.log(result.content);`,
        `await client.close();`,
      ].join("\n"),
    },
  ];
}
