/**
 * machinescheduler: puts Machines without `spec.machinePoolRef` on a MachinePool. Reference:
 * ironcore-api.md section 12. A pool is a candidate when
 * - it is not being deleted and is ready: condition `Ready` is True (what upstream's pool
 *   lifecycle maintains and its scheduler filters on); a pool that reports no Ready condition at
 *   all counts as ready when `status.state` is `Ready`, for machine pools that only report a state;
 * - the machine tolerates all its taints;
 * - its labels match the machine's `spec.machinePoolSelector`;
 * - it offers the machine's class (`status.availableMachineClasses`) with `status.allocatable`
 *   for that class (a count per class name, a quantity string; missing = 0) above 0.
 * The candidate with the most allocatable machines of the class wins (ties: first by name, so the
 * choice is deterministic). Like upstream's scheduler cache, machines placed on a pool since the
 * pool last reported its status count against its allocatable, so a burst of new machines is
 * spread instead of all landing on the pool that looked emptiest. Without a candidate the machine stays Pending; the reason goes to the
 * log and to the machine's `Scheduled` condition (False, reason `OutOfCapacity`), where upstream
 * records an event.
 */
import { isConditionTrue, isDeleting, objectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueObject } from "@ironcore-ts/controller";
import type { TolerationJson } from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machine_pb.js";
import type { TaintJson } from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machinepool_pb.js";
import type { MachineObject } from "../kinds/machine.js";
import type { MachinePoolObject } from "../kinds/machinePool.js";
import { setMachineCondition } from "./conditions.js";
import type { ControllerContext } from "./context.js";
import { indexes } from "./informers.js";
import { mergePatch, refs, requeueOnConflict } from "./refs.js";

export const scheduledCondition = "Scheduled";

const binarySuffixes: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimalSuffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const quantityPattern =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** The value of a Kubernetes quantity string (`4`, `1k`, `2Ki`); 0 when missing or malformed. */
export function quantityValue(text: string | undefined): number {
  const m = text === undefined ? null : quantityPattern.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix = m[2] ?? "";
  if (suffix in binarySuffixes) return n * binarySuffixes[suffix]!;
  if (suffix in decimalSuffixes) return n * decimalSuffixes[suffix]!;
  return n * 10 ** Number(suffix.slice(1));
}

/** Upstream's Toleration.ToleratesTaint. */
function tolerates(t: TolerationJson, taint: TaintJson): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const operator = t.operator || "Equal";
  if (operator === "Exists") return true;
  return operator === "Equal" && (t.value ?? "") === (taint.value ?? "");
}

export function isMachinePoolReady(pool: MachinePoolObject): boolean {
  const conditions = pool.status?.conditions ?? [];
  if (conditions.some((c) => c.type === "Ready")) {
    return isConditionTrue(
      conditions.map((c) => ({
        type: c.type ?? "",
        status: (c.status ?? "Unknown") as "True" | "False" | "Unknown",
      })),
      "Ready",
    );
  }
  return pool.status?.state === "Ready";
}

export interface PoolVerdict {
  pool: string;
  /** Why the pool cannot take the machine; undefined when it can. */
  reason?: string;
  allocatable: number;
}

/** Judges one pool for one machine; `assumed` machines of the class were placed there since its last status. */
export function judgePool(machine: MachineObject, pool: MachinePoolObject, assumed = 0): PoolVerdict {
  const name = pool.metadata.name!;
  const className = machine.spec?.machineClassRef?.name ?? "";
  const allocatable = quantityValue(pool.status?.allocatable?.[className]) - assumed;
  const verdict = (reason?: string): PoolVerdict => ({ pool: name, reason, allocatable });
  if (isDeleting(pool)) return verdict("being deleted");
  if (!isMachinePoolReady(pool)) return verdict("not ready");
  const untolerated = (pool.spec?.taints ?? []).find(
    (taint) => !(machine.spec?.tolerations ?? []).some((t) => tolerates(t, taint)),
  );
  if (untolerated)
    return verdict(`taint ${untolerated.key}=${untolerated.value ?? ""}:${untolerated.effect} not tolerated`);
  const selector = machine.spec?.machinePoolSelector ?? {};
  const labels = pool.metadata.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v))
    return verdict("labels do not match machinePoolSelector");
  if (!(pool.status?.availableMachineClasses ?? []).some((c) => c.name === className)) {
    return verdict(`machine class ${className} not available`);
  }
  if (allocatable < 1) return verdict(`no allocatable capacity for machine class ${className}`);
  return verdict();
}

/** The pool to put the machine on, and the verdict on every pool. */
export function choosePool(
  machine: MachineObject,
  pools: readonly MachinePoolObject[],
  assumed: (pool: MachinePoolObject) => number = () => 0,
): { chosen?: PoolVerdict; verdicts: PoolVerdict[] } {
  const verdicts = pools
    .map((pool) => judgePool(machine, pool, assumed(pool)))
    .sort((a, b) => a.pool.localeCompare(b.pool));
  let chosen: PoolVerdict | undefined;
  for (const v of verdicts) {
    if (v.reason === undefined && (!chosen || v.allocatable > chosen.allocatable)) chosen = v;
  }
  return { chosen, verdicts };
}

/**
 * Machines this scheduler placed on a pool, per pool status version and class: forgotten as soon
 * as the pool reports a new status (which then accounts for them).
 */
class Assumptions {
  private readonly byPool = new Map<string, { version: string; classes: Map<string, number> }>();

  count(pool: MachinePoolObject, className: string): number {
    const entry = this.byPool.get(pool.metadata.name!);
    if (!entry || entry.version !== pool.metadata.resourceVersion) return 0;
    return entry.classes.get(className) ?? 0;
  }

  add(pool: MachinePoolObject, className: string): void {
    const name = pool.metadata.name!;
    let entry = this.byPool.get(name);
    if (!entry || entry.version !== pool.metadata.resourceVersion) {
      entry = { version: pool.metadata.resourceVersion ?? "", classes: new Map() };
      this.byPool.set(name, entry);
    }
    entry.classes.set(className, (entry.classes.get(className) ?? 0) + 1);
  }
}

export function machineSchedulerReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;
  const assumptions = new Assumptions();
  return new Controller({
    name: "machinescheduler",
    logger: ctx.logger,
    // One decision at a time: two machines must not both count the last free slot of a pool.
    concurrency: 1,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const machine = informers.machines.get(key);
      if (!machine || isDeleting(machine)) return;
      const assigned = machine.spec?.machinePoolRef?.name;
      if (assigned) {
        // Assigned (by us or by the user): a Scheduled condition left from waiting must not lie.
        const current = machine.status?.conditions?.find((c) => c.type === scheduledCondition);
        if (current && current.status !== "True") {
          await setMachineCondition(client, machine, {
            type: scheduledCondition,
            status: "True",
            reason: "Scheduled",
            message: `scheduled on MachinePool ${assigned}`,
          });
        }
        return;
      }

      const className = machine.spec?.machineClassRef?.name ?? "";
      const pools = informers.machinePools.list();
      const { chosen, verdicts } = choosePool(machine, pools, (pool) => assumptions.count(pool, className));
      if (!chosen) {
        const why =
          verdicts.length === 0
            ? "no MachinePools exist"
            : verdicts.map((v) => `${v.pool}: ${v.reason}`).join("; ");
        log.info(
          { machineClass: machine.spec?.machineClassRef?.name, pools: verdicts },
          "no machine pool fits; machine stays Pending",
        );
        await setMachineCondition(client, machine, {
          type: scheduledCondition,
          status: "False",
          reason: "OutOfCapacity",
          message: `no MachinePool can run machine class ${machine.spec?.machineClassRef?.name ?? ""}: ${why}`,
        });
        return;
      }

      // With the version decided on: machinePoolRef is set-once, a concurrent assignment wins.
      await client.patch<MachineObject>(
        refs.Machine,
        machine.metadata.namespace,
        machine.metadata.name!,
        mergePatch({
          metadata: { resourceVersion: machine.metadata.resourceVersion },
          spec: { machinePoolRef: { name: chosen.pool } },
        }),
      );
      const pool = pools.find((p) => p.metadata.name === chosen.pool);
      if (pool) assumptions.add(pool, className);
      // A Scheduled=False condition from waiting is turned True by the reconcile this write
      // triggers (the assigned branch above).
      log.info({ machinePool: chosen.pool, allocatable: chosen.allocatable }, "scheduled machine");
    }),
  })
    .watch(informers.machines, enqueueObject())
    .watch(
      informers.machinePools,
      // A pool that appears or changes may fit any machine still waiting.
      enqueueMapped(() =>
        informers.machines.byIndex(indexes.unscheduled, "true").map((m) => objectKey(m.metadata)),
      ),
    );
}
