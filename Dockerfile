# syntax=docker/dockerfile:1
# One image for the web server and the worker:
#   docker run -e DATABASE_URL=... -e SHOPIFY_API_KEY=... crosschannel            (web, port 3000)
#   docker run -e DATABASE_URL=... -e REDIS_URL=...      crosschannel node --import tsx app/jobs/worker.server.ts

FROM node:22-slim AS base
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends openssl ca-certificates && rm -rf /var/lib/apt/lists/*

# Everything, to build the Remix app.
FROM base AS build
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

# Production dependencies only (the postinstall step generates the Prisma client).
FROM base AS deps
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund

FROM base AS runtime
ENV NODE_ENV=production PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json package-lock.json prisma.config.ts remix.config.js tsconfig.json ./
COPY app ./app
COPY connectors ./connectors
COPY prisma ./prisma
COPY scripts ./scripts
COPY public ./public
USER node
EXPOSE 3000
# What `npm start` runs: applies pending migrations (prisma migrate deploy), then serves the app.
# Node itself is PID 1, not npm: `docker stop`'s SIGTERM reaches the process that stops the
# server (npm does not pass signals on to its script's children reliably).
CMD ["node", "--import", "tsx", "scripts/start.ts"]
