import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

export interface SubscriberCounts {
  /** Active subscriptions per VNI. */
  perVni: Map<number, number>;
  /** Subscriptions to every VNI at once (reflectors). */
  allVnis: number;
}

/** Answers "who subscribes to what", or undefined when the bus cannot tell right now. */
export type SubscriberSource = () => Promise<SubscriberCounts | undefined>;

/**
 * Subscribers as the NATS route bus has them: a subscription to VNI v is a push consumer on the
 * routes bucket's stream filtered to `$KV.<bucket>.<v>.>`. Only consumers with a client bound
 * count: those of a process that died linger unbound until the server expires them.
 */
export function natsSubscribers(
  connection: () => NatsConnection | undefined,
  routesBucket: string,
  timeoutMs = 1000,
): SubscriberSource {
  const prefix = `$KV.${routesBucket}.`;
  let cached: { nc: NatsConnection; jsm: Promise<JetStreamManager> } | undefined;
  return async () => {
    const nc = connection();
    if (!nc || nc.isClosed()) return undefined;
    if (cached?.nc !== nc)
      cached = { nc, jsm: jetstreamManager(nc, { timeout: timeoutMs, checkAPI: false }) };
    try {
      const jsm = await cached.jsm;
      const counts: SubscriberCounts = { perVni: new Map(), allVnis: 0 };
      for await (const info of jsm.consumers.list(`KV_${routesBucket}`)) {
        if (!info.push_bound) continue;
        const filters = info.config.filter_subjects ?? [info.config.filter_subject ?? ""];
        for (const filter of filters) {
          if (!filter.startsWith(prefix)) continue;
          const rest = filter.slice(prefix.length);
          if (rest === ">") counts.allVnis++;
          const vni = /^(\d+)\.>$/.exec(rest)?.[1];
          if (vni !== undefined) counts.perVni.set(Number(vni), (counts.perVni.get(Number(vni)) ?? 0) + 1);
        }
      }
      return counts;
    } catch {
      // NATS down or slow: the counts are informational, the table does not depend on them.
      cached = undefined;
      return undefined;
    }
  };
}
