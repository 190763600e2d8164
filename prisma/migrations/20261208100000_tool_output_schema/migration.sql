-- A tool may declare the JSON Schema of its structured result (MCP outputSchema).
ALTER TABLE "Tool" ADD COLUMN "outputSchema" JSONB;
