import type { NatsConnection } from "@nats-io/transport-node";
import { defaultLogger } from "./logger.js";
import { NatsRouteStore } from "./natsRouteStore.js";
import type { RouteBusOptions } from "./routeBus.js";
import { StoreRouteBus } from "./storeRouteBus.js";

export interface NatsRouteBusOptions extends RouteBusOptions {
  /** NATS URL(s); default NATS_URL or 127.0.0.1:4222. */
  servers?: string | string[];
  /** Use this connection instead of opening one (its owner closes it). */
  connection?: NatsConnection;
  /** Bucket name prefix, to run several buses on one NATS; default "routebus". */
  namespace?: string;
  /** JetStream replicas for the buckets; default 1. */
  replicas?: number;
  /** Bucket storage; default "file" so the table survives NATS restarts. */
  storage?: "file" | "memory";
}

/** The route bus client over NATS JetStream (see README.md for the subjects and buckets). */
export class NatsRouteBus extends StoreRouteBus {
  private readonly natsStore: NatsRouteStore;

  constructor(options: NatsRouteBusOptions) {
    const logger = options.logger ?? defaultLogger();
    const store = new NatsRouteStore({
      servers: options.servers,
      connection: options.connection,
      namespace: options.namespace,
      replicas: options.replicas,
      storage: options.storage,
      connectionName: `routebus:${options.origin}`,
      logger,
    });
    super(store, { ...options, logger });
    this.natsStore = store;
  }

  /** The NATS connection in use (after connect()). */
  get connection(): NatsConnection | undefined {
    return this.natsStore.connection;
  }
}
