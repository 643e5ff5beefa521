/**
 * Public address exhaustion, as users see it and as apinetlet recovers from it.
 *
 * When ironcore-net has no free public address of a family, creating an apinet IP (or a Public
 * LoadBalancer / NATGateway that needs one) fails with RESOURCE_EXHAUSTED. The ironcore object
 * then gets the condition
 *   {type: Allocated, status: "False", reason: PoolExhausted, message: <ironcore-net's message>}
 * and waits; once it has an address the condition turns to {Allocated, True, reason: Allocated}.
 *
 * Waiting is organised per family so that a full pool costs ironcore-net next to nothing (a
 * failed allocation walks the whole pool, as expensive as a successful one; hundreds of waiters
 * retrying on timers would saturate it):
 * - the first RESOURCE_EXHAUSTED closes the family's gate: from then on objects needing an
 *   address of that family queue up (FIFO) with the condition set, without asking ironcore-net;
 * - every IPAddress ironcore-net deletes frees one address (in any namespace): the longest
 *   waiter is woken and tries (one try per freed address, not a stampede);
 * - a waiter that gets an address wakes the next two (the pool may have grown, e.g. a prefix was
 *   added to ironcore-net or addresses were freed in other namespaces); when nobody waits any
 *   more the gate opens again;
 * - a probe wakes the longest waiter every second, backing off to every 15 s while the pool stays
 *   full, in case a wake-up went to a waiter that lost a race for the address (or one was missed
 *   while the watch reconnected);
 * - each waiter also has a long safety-net requeue, so no wake-up can be lost.
 * All of it is in memory: after a restart the first tries fail once and close the gate again.
 */
import { isApiError } from "@ironcore-ts/apimachinery";
import type { ConditionJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";
import { type ConditionValue, withCondition } from "./conditions.js";

export const allocatedConditionType = "Allocated";
export const poolExhaustedReason = "PoolExhausted";
export const allocatedReason = "Allocated";

/** Whether an error means "no free public address". */
export function isPoolExhausted(err: unknown): boolean {
  return isApiError(err, "ResourceExhausted");
}

export interface AllocationRetryOptions {
  /** First probe interval of a full pool; 1 s unless set. */
  probeMs?: number;
  /** Probe interval cap while the pool stays full; 15 s unless set. */
  maxProbeMs?: number;
  /** Safety-net requeue of each waiter; 60 s unless set (plus up to 20 % jitter). */
  safetyMs?: number;
  /** How many waiters a successful waiter wakes; 2 unless set. */
  fanOut?: number;
}

interface FamilyState {
  /** The gate: while closed, only woken waiters try. */
  exhausted: boolean;
  /** ironcore-net's last exhaustion message, shown to waiters that have not tried themselves. */
  message: string;
  /** Waiters in arrival order (Maps iterate in insertion order). */
  waiters: Map<string, () => void>;
  /** Woken waiters allowed one try. */
  allowed: Set<string>;
  probeDelay: number;
  probeTimer?: ReturnType<typeof setTimeout>;
}

export class AllocationRetry {
  private readonly probeMs: number;
  private readonly maxProbeMs: number;
  private readonly safetyMs: number;
  private readonly fanOut: number;
  private readonly families = new Map<string, FamilyState>();
  private stopped = false;

  constructor({
    probeMs = 1000,
    maxProbeMs = 15_000,
    safetyMs = 60_000,
    fanOut = 2,
  }: AllocationRetryOptions = {}) {
    this.probeMs = probeMs;
    this.maxProbeMs = maxProbeMs;
    this.safetyMs = safetyMs;
    this.fanOut = fanOut;
  }

  private family(family: string): FamilyState {
    let f = this.families.get(family);
    if (!f) {
      f = { exhausted: false, message: "", waiters: new Map(), allowed: new Set(), probeDelay: this.probeMs };
      this.families.set(family, f);
    }
    return f;
  }

  /**
   * Whether `id` (e.g. `virtualip:ns/name`) should ask ironcore-net for an address of `family`
   * now: yes unless the family is known to be exhausted and `id` has not been woken.
   */
  mayTry(id: string, family: string): boolean {
    const f = this.families.get(family);
    if (!f?.exhausted) return true;
    if (f.allowed.has(id)) return true;
    // Nobody waits who could be woken: the gate would never open; let this one find out.
    return f.waiters.size === 0 && f.allowed.size === 0;
  }

  /** The last exhaustion message of the family (for objects waiting without having tried). */
  message(family: string): string {
    return this.families.get(family)?.message || `no free public IP address of family ${family}`;
  }

  /**
   * `id` tried and got RESOURCE_EXHAUSTED: the gate closes and `id` waits (a woken waiter keeps
   * its place at the front). Returns the safety-net requeue delay; `wake` is called earlier.
   */
  exhausted(id: string, family: string, message: string, wake: () => void): number {
    const f = this.family(family);
    f.exhausted = true;
    f.message = message;
    const wasWoken = f.allowed.delete(id);
    if (wasWoken) {
      // It was woken for a freed address and lost it (to a racing request): keep its place and
      // look again soon.
      f.waiters.delete(id);
      f.waiters = new Map([[id, wake], ...f.waiters]);
      this.resetProbe(family, f);
    } else {
      if (!f.waiters.has(id)) f.waiters.set(id, wake);
      this.scheduleProbe(family, f);
    }
    return this.safetyDelay();
  }

  /** `id` needs an address but the gate is closed: queue up without trying. Returns the safety-net delay. */
  wait(id: string, family: string, wake: () => void): number {
    const f = this.family(family);
    if (!f.waiters.has(id) && !f.allowed.has(id)) f.waiters.set(id, wake);
    this.scheduleProbe(family, f);
    return this.safetyDelay();
  }

  /** `id` got its address: it stops waiting, and the pool had room, so the next ones may try. */
  allocated(id: string, family: string): void {
    const f = this.families.get(family);
    if (!f) return;
    const wasWaiting = f.waiters.delete(id) || f.allowed.delete(id);
    if (!f.exhausted) return;
    if (wasWaiting) for (let i = 0; i < this.fanOut; i++) this.wakeNext(f);
    this.maybeOpen(family, f);
  }

  /** An address of `family` was freed: the longest waiter tries. */
  freed(family: string): void {
    const f = this.families.get(family);
    if (!f?.exhausted) return;
    this.wakeNext(f);
    this.resetProbe(family, f);
  }

  /** `id` no longer needs an address (deleted); a wake-up it did not use goes to the next waiter. */
  forget(id: string): void {
    for (const [family, f] of this.families) {
      f.waiters.delete(id);
      if (f.allowed.delete(id)) this.wakeNext(f);
      this.maybeOpen(family, f);
    }
  }

  /** How many objects wait for an address (for tests and debugging). */
  waiting(family?: string): number {
    const count = (f: FamilyState) => f.waiters.size + f.allowed.size;
    if (family !== undefined) {
      const f = this.families.get(family);
      return f ? count(f) : 0;
    }
    let n = 0;
    for (const f of this.families.values()) n += count(f);
    return n;
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.families.values()) clearTimeout(f.probeTimer);
  }

  private wakeNext(f: FamilyState): void {
    const first = f.waiters.entries().next();
    if (first.done) return;
    const [id, wake] = first.value;
    f.waiters.delete(id);
    f.allowed.add(id);
    wake();
  }

  private maybeOpen(family: string, f: FamilyState): void {
    if (f.waiters.size > 0 || f.allowed.size > 0) return;
    clearTimeout(f.probeTimer);
    this.families.delete(family);
  }

  /** Things are moving: probe again soon, from the first interval. */
  private resetProbe(family: string, f: FamilyState): void {
    clearTimeout(f.probeTimer);
    f.probeTimer = undefined;
    f.probeDelay = this.probeMs;
    this.scheduleProbe(family, f);
  }

  private scheduleProbe(family: string, f: FamilyState): void {
    if (f.probeTimer || this.stopped) return;
    f.probeTimer = setTimeout(() => {
      f.probeTimer = undefined;
      if (this.families.get(family) !== f || f.waiters.size === 0) return;
      this.wakeNext(f);
      f.probeDelay = Math.min(this.maxProbeMs, f.probeDelay * 2);
      this.scheduleProbe(family, f);
    }, f.probeDelay);
    f.probeTimer.unref?.();
  }

  private safetyDelay(): number {
    return Math.round(this.safetyMs * (1 + 0.2 * Math.random()));
  }
}

/** The conditions with Allocated set as given, or undefined when they already say that. */
export function withAllocatedCondition(
  current: readonly ConditionJson[] | undefined,
  next: ConditionValue,
): ConditionJson[] | undefined {
  return withCondition(current, allocatedConditionType, next);
}

export function allocatedTrue(message?: string): ConditionValue {
  return { status: "True", reason: allocatedReason, message };
}

export function poolExhaustedMessage(message: string): ConditionValue {
  return { status: "False", reason: poolExhaustedReason, message };
}
