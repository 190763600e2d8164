-- Clients identified by the https URL of their Client ID Metadata Document keep the fetched copy here, until it expires.
ALTER TABLE "OAuthClient" ADD COLUMN "metadataExpiresAt" TIMESTAMP(3);
