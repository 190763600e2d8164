ALTER TABLE "McpServer" ADD COLUMN "protocolVersion" TEXT;
