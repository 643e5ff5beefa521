import { eventually } from "@ironcore-ts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MachineObject } from "../kinds/machine.js";
import type { MachinePoolObject } from "../kinds/machinePool.js";
import { choosePool, judgePool, quantityValue, scheduledCondition } from "./machineSchedulerReconciler.js";
import { mergePatch } from "./refs.js";
import {
  find,
  machine,
  machinePool,
  machinePoolStatus,
  ns,
  refs,
  settled,
  startTestApi,
  type TestApi,
} from "./testSupport.js";

function pool(
  name: string,
  status: Parameters<typeof machinePoolStatus>[0],
  extra: Parameters<typeof machinePool>[1] = {},
): MachinePoolObject {
  return { ...machinePool(name, extra), status: machinePoolStatus(status) };
}

describe("pool choice", () => {
  const m = machine("m", []);

  it("reads allocatable counts as quantities, missing as 0", () => {
    expect(quantityValue("3")).toBe(3);
    expect(quantityValue("1k")).toBe(1000);
    expect(quantityValue("2Ki")).toBe(2048);
    expect(quantityValue(undefined)).toBe(0);
    expect(quantityValue("lots")).toBe(0);
  });

  it("picks the ready pool with the most allocatable machines of the class", () => {
    const { chosen } = choosePool(m, [
      pool("a", { allocatable: { "machineclass-sample": "2" } }),
      pool("b", { allocatable: { "machineclass-sample": "5" } }),
      pool("c", { allocatable: { "machineclass-sample": "9" }, ready: false }),
      pool("d", { allocatable: { other: "9" }, classes: ["other"] }),
    ]);
    expect(chosen?.pool).toBe("b");
  });

  it("says why a pool does not fit", () => {
    const reason = (p: MachinePoolObject, mm: MachineObject = m) => judgePool(mm, p).reason;
    expect(reason(pool("x", { allocatable: { "machineclass-sample": "1" }, ready: false }))).toBe(
      "not ready",
    );
    expect(reason(pool("x", { allocatable: { "machineclass-sample": "0" } }))).toMatch(/no allocatable/);
    expect(reason(pool("x", { allocatable: {} }))).toMatch(/no allocatable/);
    expect(reason(pool("x", { allocatable: { "machineclass-sample": "1" }, classes: [] }))).toMatch(
      /not available/,
    );
    const tainted = pool(
      "x",
      { allocatable: { "machineclass-sample": "1" } },
      { taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] },
    );
    expect(reason(tainted)).toMatch(/taint gpu=yes:NoSchedule not tolerated/);
    const tolerant = machine("t", []);
    tolerant.spec!.tolerations = [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoSchedule" }];
    expect(reason(tainted, tolerant)).toBeUndefined();
    const selective = machine("s", []);
    selective.spec!.machinePoolSelector = { zone: "a" };
    expect(
      reason(
        pool("x", { allocatable: { "machineclass-sample": "1" } }, { labels: { zone: "b" } }),
        selective,
      ),
    ).toMatch(/labels/);
    expect(
      reason(
        pool("x", { allocatable: { "machineclass-sample": "1" } }, { labels: { zone: "a" } }),
        selective,
      ),
    ).toBeUndefined();
  });

  it("takes the Ready condition, or status.state Ready when a pool reports no Ready condition", () => {
    const stateOnly = pool("x", { allocatable: { "machineclass-sample": "1" } });
    stateOnly.status = { ...stateOnly.status, conditions: undefined, state: "Ready" };
    expect(judgePool(m, stateOnly).reason).toBeUndefined();
    stateOnly.status.state = "Pending";
    expect(judgePool(m, stateOnly).reason).toBe("not ready");
    const conditionWins = pool("x", { allocatable: { "machineclass-sample": "1" }, ready: false });
    conditionWins.status = { ...conditionWins.status, state: "Ready" };
    expect(judgePool(m, conditionWins).reason).toBe("not ready");
  });

  it("counts machines already placed on a pool since its last status", () => {
    const pools = [
      pool("a", { allocatable: { "machineclass-sample": "3" } }),
      pool("b", { allocatable: { "machineclass-sample": "2" } }),
    ];
    expect(choosePool(m, pools, (p) => (p.metadata.name === "a" ? 2 : 0)).chosen?.pool).toBe("b");
  });
});

describe("machinescheduler", () => {
  let test: TestApi;
  beforeAll(async () => {
    test = await startTestApi();
  });
  afterAll(async () => {
    await test.stop();
  });

  const get = (name: string) => find<MachineObject>(test.client, refs.Machine, ns, name);
  const addPool = async (name: string, status: Parameters<typeof machinePoolStatus>[0]) => {
    await test.client.create(machinePool(name));
    await test.client.patch(
      refs.MachinePool,
      undefined,
      name,
      mergePatch({ status: machinePoolStatus(status) }),
      {
        status: true,
      },
    );
  };

  it("leaves a machine Pending with an OutOfCapacity condition when no pool fits", async () => {
    await addPool("small", { allocatable: { "machineclass-sample": "0" } });
    await test.client.create(machine("waiting", []));
    const m = await eventually(async () => {
      const got = await get("waiting");
      expect(got?.status?.conditions?.find((c) => c.type === scheduledCondition)).toMatchObject({
        status: "False",
        reason: "OutOfCapacity",
      });
      return got!;
    });
    expect(m.spec?.machinePoolRef).toBeUndefined();
    expect(m.status?.state).toBe("Pending");
    expect(m.status?.conditions?.find((c) => c.type === scheduledCondition)?.message).toContain(
      "small: no allocatable",
    );
  });

  it("schedules a waiting machine once a pool fits, and clears the condition", async () => {
    await addPool("large", { allocatable: { "machineclass-sample": "8" } });
    await eventually(async () => {
      const got = await get("waiting");
      expect(got?.spec?.machinePoolRef).toEqual({ name: "large" });
      expect(got?.status?.conditions?.find((c) => c.type === scheduledCondition)).toMatchObject({
        status: "True",
        reason: "Scheduled",
      });
    });
  });

  it("puts a new machine on the pool with the most allocatable", async () => {
    await addPool("medium", { allocatable: { "machineclass-sample": "2" } });
    await settled(test.client);
    await test.client.create(machine("direct", []));
    await eventually(async () =>
      expect((await get("direct"))?.spec?.machinePoolRef).toEqual({ name: "large" }),
    );
    await settled(test.client);
    // Scheduled straight away: no condition to report.
    expect((await get("direct"))?.status?.conditions).toBeUndefined();
  });
});
