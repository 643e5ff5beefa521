# One image for every ironcore-ts service; SERVICE picks which one runs (ironcore-api, ironcore-net,
# apinetlet, dpservice, metalbond, ...). Built from the repository root: docker build -t ironcore-ts .
FROM node:20-bookworm-slim
WORKDIR /app
ENV CI=true
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY scripts ./scripts
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY test/package.json ./test/package.json
COPY bench/package.json ./bench/package.json
COPY proto ./proto
COPY buf.yaml buf.gen.yaml tsconfig.json tsconfig.base.json ./
# The bootstrap installs the pinned pnpm, the workspace and generates the protobuf code.
RUN node scripts/bootstrap.mjs run generate
ENV SERVICE=ironcore-api LOG_FORMAT=json
EXPOSE 7443 7080
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
