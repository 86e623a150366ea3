# One image for every process kind: `swarm worker --model <type>`, `swarm task ...`.
# The build stage compiles the sources (tsc) and prebuilds the workflow bundle; the image runs that
# compiled JavaScript (bin/swarm.js picks dist/ when it is current), with no TypeScript loader.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates bubblewrap && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Copied after the sources, so dist/.built is newer than every source file.
COPY --from=build /app/dist ./dist
ENTRYPOINT ["node", "bin/swarm.js"]
