# cordon's worker (and CLI) as a container image. Build: docker build -t cordon .
# Run the worker against a cluster, configured by environment (see README.md, "Deploying"):
#   docker run --env-file cordon.env -p 9464:9464 cordon
# Other commands: docker run --env-file cordon.env cordon node bin/cordon.js serve --port 3000
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts run after the sources are in: `prepare` builds dist/ (the CLI and the workflow bundle) from them.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CORDON_LOG_FORMAT=json \
    CORDON_METRICS_PORT=9464 \
    CORDON_STRICT_PLAYBOOKS=true
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 9464 3000
CMD ["node", "dist/worker.js"]
