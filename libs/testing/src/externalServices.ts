import net from "node:net";

/**
 * Where a test finds Redis or NATS. Order: the env var (REDIS_URL / NATS_URL, what CI sets), a
 * container when a container runtime answers (testcontainers), then the standard loopback port
 * of a developer machine. With REQUIRE_SERVICES=1 a missing service fails the run instead of
 * skipping, so CI cannot pass by skipping.
 */
export interface ExternalService {
  url: string;
  stop(): Promise<void>;
}

interface ServiceSpec {
  envVar: string;
  image: string;
  port: number;
  scheme: string;
  loopbackPort: number;
  containerArgs?: string[];
}

const specs = {
  redis: { envVar: "REDIS_URL", image: "redis:7-alpine", port: 6379, scheme: "redis", loopbackPort: 6379 },
  nats: {
    envVar: "NATS_URL",
    image: "nats:2.10-alpine",
    port: 4222,
    scheme: "nats",
    loopbackPort: 4222,
    containerArgs: ["-js"],
  },
} satisfies Record<string, ServiceSpec>;

function portAnswers(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function fromContainer(spec: ServiceSpec): Promise<ExternalService | null> {
  try {
    const { GenericContainer } = await import("testcontainers");
    let container = new GenericContainer(spec.image).withExposedPorts(spec.port);
    if (spec.containerArgs) container = container.withCommand(spec.containerArgs);
    const started = await container.start();
    return {
      url: `${spec.scheme}://${started.getHost()}:${started.getMappedPort(spec.port)}`,
      stop: async () => {
        await started.stop();
      },
    };
  } catch {
    // No container runtime here (the usual case on CI machines): fall through to loopback.
    return null;
  }
}

async function resolve(spec: ServiceSpec): Promise<ExternalService | null> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const container = await fromContainer(spec);
  if (container) return container;
  if (await portAnswers("127.0.0.1", spec.loopbackPort)) {
    return { url: `${spec.scheme}://127.0.0.1:${spec.loopbackPort}`, stop: async () => {} };
  }
  if (process.env.REQUIRE_SERVICES) {
    throw new Error(`${spec.envVar} is not set and no ${spec.scheme} server could be found or started`);
  }
  return null;
}

const cache = new Map<string, Promise<ExternalService | null>>();

function cached(name: keyof typeof specs): Promise<ExternalService | null> {
  let p = cache.get(name);
  if (!p) {
    p = resolve(specs[name]);
    cache.set(name, p);
  }
  return p;
}

/** Redis for this test file, or null (then skip with a note: describe.skipIf(!redis)). */
export function redisService(): Promise<ExternalService | null> {
  return cached("redis");
}

/** NATS with JetStream for this test file, or null. */
export function natsService(): Promise<ExternalService | null> {
  return cached("nats");
}

/** A key prefix unique to one test, so parallel test files share a Redis without clashing. */
export function uniquePrefix(label: string): string {
  return `t:${label}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}:`;
}
