import { JetStreamApiError, type JetStreamClient, jetstream, StorageType } from "@nats-io/jetstream";
import { Bucket, type KV, Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { delay } from "./deferred.js";
import type { Logger } from "./logger.js";
import { NatsWatch } from "./natsWatch.js";
import type {
  BucketName,
  ConnectionState,
  RouteStore,
  StoredEntry,
  StoreWatch,
  WatchSink,
} from "./routeStore.js";
import { type BusNames, busNames, defaultNamespace } from "./subjects.js";

export interface NatsRouteStoreOptions {
  /** NATS URL(s); default NATS_URL or 127.0.0.1:4222. Ignored when `connection` is given. */
  servers?: string | string[];
  /** An existing connection; the store then leaves closing it to its owner. */
  connection?: NatsConnection;
  /** Bucket name prefix (subjects.ts); default "routebus". */
  namespace?: string;
  /** JetStream replicas of the buckets (1 for a single server, 3 in a cluster). */
  replicas?: number;
  /** "file" (default) survives NATS restarts; "memory" is for throwaway setups. */
  storage?: "file" | "memory";
  connectionName?: string;
  logger: Logger;
}

/** JetStream "wrong last sequence": a conditional write lost the race. */
const wrongLastSequence = 10071;

const keysTimeoutMs = 30_000;

/** How long open() keeps trying while JetStream is not ready (e.g. right after a server start). */
const openAttempts = 20;

/** RouteStore on NATS JetStream KV (subjects.ts has the layout). */
export class NatsRouteStore implements RouteStore {
  private readonly names: BusNames;
  private nc: NatsConnection | undefined;
  private jsClient: JetStreamClient | undefined;
  private readonly kv = new Map<BucketName, KV>();
  private readonly watches = new Set<NatsWatch>();
  private readonly listeners: Array<(state: ConnectionState) => void> = [];
  private current: ConnectionState = "disconnected";
  /** Bumped on every disconnect/reconnect so a stale recovery loop gives up. */
  private link = 0;

  constructor(private readonly options: NatsRouteStoreOptions) {
    this.names = busNames(options.namespace ?? defaultNamespace);
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  async open(): Promise<void> {
    const nc =
      this.options.connection ??
      (await connect({
        servers: this.options.servers ?? process.env.NATS_URL ?? "127.0.0.1:4222",
        name: this.options.connectionName ?? "routebus",
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        reconnectJitter: 250,
        pingInterval: 10_000,
        maxPingOut: 3,
        // Every KV write is a request; capturing a stack trace for each one cost ~15% of the CPU of
        // a busy announcer. Errors still carry their message.
        noAsyncTraces: true,
      }));
    this.nc = nc;
    this.jsClient = jetstream(nc, { timeout: 5000 });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ensureBuckets();
        break;
      } catch (err) {
        if (attempt >= openAttempts || nc.isClosed()) {
          if (!this.options.connection) await nc.close().catch(() => {});
          throw err;
        }
        await delay(Math.min(100 * attempt, 1000));
      }
    }
    this.current = "connected";
    void this.followStatus(nc);
    nc.closed().then(
      () => this.setState("closed"),
      () => this.setState("closed"),
    );
  }

  onStateChange(listener: (state: ConnectionState) => void): void {
    this.listeners.push(listener);
  }

  async put(bucket: BucketName, key: string, value: Uint8Array): Promise<number> {
    return this.bucket(bucket).put(key, value);
  }

  async get(bucket: BucketName, key: string): Promise<StoredEntry | null> {
    const e = await this.bucket(bucket).get(key);
    if (!e) return null;
    return {
      key,
      revision: e.revision,
      createdMs: e.created.getTime(),
      value: e.operation === "PUT" ? e.value : null,
    };
  }

  async delete(bucket: BucketName, key: string, ifRevision?: number): Promise<boolean> {
    try {
      await this.bucket(bucket).delete(key, ifRevision ? { previousSeq: ifRevision } : undefined);
      return true;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === wrongLastSequence) return false;
      throw err;
    }
  }

  /** A headers-only snapshot on our own watch (kv.keys() can wait 30 s for an idle heartbeat). */
  keys(bucket: BucketName, filter: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const present = new Set<string>();
      const timer = setTimeout(() => {
        watch.stop();
        reject(new Error(`listing ${bucket} keys ${filter} timed out`));
      }, keysTimeoutMs);
      const watch = this.watch(
        bucket,
        filter,
        {
          reset: () => present.clear(),
          entry: (e) => {
            if (e.value === null) present.delete(e.key);
            else present.add(e.key);
          },
          synced: () => {
            clearTimeout(timer);
            watch.stop();
            resolve([...present]);
          },
        },
        true,
      );
    });
  }

  watch(bucket: BucketName, filter: string, sink: WatchSink, headersOnly = false): StoreWatch {
    const name = bucket === "routes" ? this.names.routesBucket : this.names.sessionsBucket;
    const watch = new NatsWatch(
      { js: () => this.js(), connected: () => this.current === "connected", log: this.options.logger },
      `KV_${name}`,
      `$KV.${name}.`,
      filter,
      sink,
      headersOnly,
    );
    this.watches.add(watch);
    if (this.current === "connected") watch.start();
    return {
      stop: () => {
        watch.stop();
        this.watches.delete(watch);
      },
    };
  }

  async compact(olderThanMs: number): Promise<number> {
    const kv = this.bucket("routes");
    if (!(kv instanceof Bucket)) return 0;
    return (await kv.purgeDeletes(olderThanMs)).purged;
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    const nc = this.nc;
    this.setState("closed");
    if (nc && !this.options.connection && !nc.isClosed()) await nc.close();
  }

  private js(): JetStreamClient {
    if (!this.jsClient) throw new Error("NATS route store is not open");
    return this.jsClient;
  }

  private bucket(name: BucketName): KV {
    const kv = this.kv.get(name);
    if (!kv) throw new Error("NATS route store is not open");
    return kv;
  }

  /** Creates the buckets if missing (again after a server lost its storage), else binds to them. */
  private async ensureBuckets(): Promise<void> {
    const kvm = new Kvm(this.js());
    const settings = {
      history: 1,
      storage: this.options.storage === "memory" ? StorageType.Memory : StorageType.File,
      replicas: this.options.replicas ?? 1,
    };
    this.kv.set(
      "routes",
      await kvm.create(this.names.routesBucket, { ...settings, description: "route bus: announced routes" }),
    );
    this.kv.set(
      "sessions",
      await kvm.create(this.names.sessionsBucket, {
        ...settings,
        description: "route bus: origin heartbeats",
      }),
    );
  }

  private async followStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.current === "closed") return;
      if (status.type === "disconnect") {
        this.link++;
        for (const watch of this.watches) watch.suspend();
        this.setState("disconnected");
      } else if (status.type === "reconnect") {
        this.link++;
        void this.recover(this.link);
      }
    }
  }

  /** After a reconnect: wait until JetStream answers (it may still be starting), then resume watches. */
  private async recover(link: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stale(link)) return;
      try {
        await this.ensureBuckets();
        break;
      } catch (err) {
        this.options.logger.debug({ err, attempt }, "JetStream not ready after reconnect; retrying");
        await delay(Math.min(100 * attempt, 1000));
      }
    }
    if (this.stale(link)) return;
    this.setState("connected");
    for (const watch of this.watches) watch.start();
  }

  /** A newer disconnect/reconnect happened, or the store closed: this recovery is moot. */
  private stale(link: number): boolean {
    return link !== this.link || this.current === "closed";
  }

  private setState(state: ConnectionState): void {
    if (this.current === state || this.current === "closed") return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
