ALTER TABLE "Tool" ADD COLUMN "bodyEncoding" JSONB;
