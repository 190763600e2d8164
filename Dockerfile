# One image for every Tengine process: gateway, dashboard, worker and the `tengine` CLI
# (migrations). docker-compose.yml picks the process with `command`.
FROM node:20-slim

ENV NEXT_TELEMETRY_DISABLED=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1

WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so the layer is reused while only sources change. Every workspace's
# package.json must be here for `npm ci` (add new workspaces to this list; test/install.test.ts
# fails when one is missing).
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node apps/dashboard/package.json apps/dashboard/
COPY --chown=node:node apps/demo-crm/package.json apps/demo-crm/
COPY --chown=node:node apps/gateway/package.json apps/gateway/
COPY --chown=node:node apps/worker/package.json apps/worker/
COPY --chown=node:node packages/cli/package.json packages/cli/
COPY --chown=node:node packages/core/package.json packages/core/
COPY --chown=node:node packages/db/package.json packages/db/
COPY --chown=node:node packages/sdk/package.json packages/sdk/
COPY --chown=node:node packages/queue/package.json packages/queue/
COPY --chown=node:node e2e/package.json e2e/
# Local packages package.json points at (file:), e.g. the stand-in for @prisma/streams-local.
COPY --chown=node:node scripts/stubs/ scripts/stubs/
# Dev dependencies included: the apps run TypeScript through tsx, and the Prisma CLI generates
# the client below.
RUN npm ci --include=dev --no-audit --no-fund

COPY --chown=node:node . .

# `prisma generate` only checks that a schema engine binary exists (generation runs in JS);
# pointing it at node avoids downloading a native engine. Migrations use the wasm engine.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node npx prisma generate

RUN npm run build -w @tengine/dashboard

ENV NODE_ENV=production
EXPOSE 8081 3000 9464
CMD ["node", "--import", "tsx", "apps/gateway/src/main.ts"]
