-- CreateEnum
CREATE TYPE "McpTransport" AS ENUM ('http', 'stdio');

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "toolsets" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "transport" "McpTransport" NOT NULL,
    "url" TEXT,
    "headersEnc" TEXT,
    "catalogEntry" TEXT,
    "credentials" JSONB NOT NULL DEFAULT '[]',
    "credentialsEnc" TEXT,
    "credentialKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "activation" TEXT NOT NULL DEFAULT 'always',
    "toolSettings" JSONB NOT NULL DEFAULT '{}',
    "tools" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "lastCheckedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_projectId_name_key" ON "McpServer"("projectId", "name");

-- AddForeignKey
ALTER TABLE "McpServer" ADD CONSTRAINT "McpServer_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
