import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Lease } from "./lease.js";

export interface RedisLeaseOptions {
  redis: Redis;
  /** The Redis key, e.g. `ironcore-api:leader:controllers`; every replica of one group uses the same. */
  key: string;
  /**
   * This replica's identity, stored as the key's value so `GET key` shows who leads. Must be
   * unique per replica; the default (host, pid, random suffix) is.
   */
  identity?: string;
  /** How long the lease lasts without renewal; 15 s unless set. */
  ttlMs?: number;
}

// Compare-and-act in Lua so that the check and the change are one atomic step: without it, a
// lease that expired and was taken by another replica between our GET and our PEXPIRE/DEL
// would be extended or deleted on the new holder's behalf.
const renewScript = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`;

const releaseScript = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

export function defaultIdentity(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** A Lease stored as one Redis key whose value is the holder's identity and whose TTL is the lease's. */
export class RedisLease implements Lease {
  readonly key: string;
  readonly holder: string;
  readonly ttlMs: number;
  private readonly redis: Redis;

  constructor({ redis, key, identity = defaultIdentity(), ttlMs = 15_000 }: RedisLeaseOptions) {
    if (!(ttlMs > 0)) throw new RangeError(`lease ttlMs must be positive, got ${ttlMs}`);
    this.redis = redis;
    this.key = key;
    this.holder = identity;
    this.ttlMs = ttlMs;
  }

  async tryAcquire(): Promise<boolean> {
    const set = await this.redis.set(this.key, this.holder, "PX", this.ttlMs, "NX");
    if (set === "OK") return true;
    // Taken: maybe by us (a retry after a lost reply); then this is a renewal.
    return this.renew();
  }

  async renew(): Promise<boolean> {
    return Number(await this.redis.eval(renewScript, 1, this.key, this.holder, this.ttlMs)) === 1;
  }

  async release(): Promise<boolean> {
    return Number(await this.redis.eval(releaseScript, 1, this.key, this.holder)) === 1;
  }

  currentHolder(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}
