-- AlterTable
ALTER TABLE "OAuthConnection" ADD COLUMN     "stepUpRequestedAt" TIMESTAMP(3);
