import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { busNames, defaultNamespace } from "./subjects.js";

export interface DeleteNatsRouteBusOptions {
  servers?: string | string[];
  connection?: NatsConnection;
  namespace?: string;
}

/**
 * Deletes a route bus namespace's buckets (every stored route and session). For tests, benchmarks
 * and decommissioning; running clients of that namespace recreate empty buckets on reconnect.
 */
export async function deleteNatsRouteBus(options: DeleteNatsRouteBusOptions): Promise<void> {
  const nc =
    options.connection ??
    (await connect({ servers: options.servers ?? process.env.NATS_URL ?? "127.0.0.1:4222" }));
  try {
    const jsm = await jetstreamManager(nc);
    const names = busNames(options.namespace ?? defaultNamespace);
    for (const bucket of [names.routesBucket, names.sessionsBucket]) {
      await jsm.streams.delete(`KV_${bucket}`).catch((err: unknown) => {
        if (!(err instanceof Error && /stream not found/i.test(err.message))) throw err;
      });
    }
  } finally {
    if (!options.connection) await nc.close();
  }
}
