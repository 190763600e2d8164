-- CreateEnum
CREATE TYPE "ToolDiscovery" AS ENUM ('list', 'search', 'auto', 'families');

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "pinnedTools" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "toolDiscovery" "ToolDiscovery" NOT NULL DEFAULT 'list',
ADD COLUMN     "toolDiscoveryThreshold" INTEGER NOT NULL DEFAULT 60;

-- AlterTable
ALTER TABLE "Tool" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
