/**
 * Status conditions apinetlet writes on ironcore objects (VirtualIP, NATGateway, LoadBalancer:
 * Allocated; NetworkPolicy: Applied). Written only when they change; lastTransitionTime moves
 * only when the status flips.
 */
import { type Condition, setCondition } from "@ironcore-ts/apimachinery";
import type { ConditionJson } from "@ironcore-ts/gen/ironcore/meta/v1/meta_pb.js";

export interface ConditionValue {
  status: "True" | "False";
  reason: string;
  message?: string;
}

function asConditions(list: readonly ConditionJson[] | undefined): Condition[] {
  return (list ?? []).map((c) => ({
    ...c,
    type: c.type ?? "",
    status: (c.status ?? "Unknown") as Condition["status"],
  }));
}

/** The conditions with `type` set to `next`, or undefined when they already say that (nothing to write). */
export function withCondition(
  current: readonly ConditionJson[] | undefined,
  type: string,
  next: ConditionValue,
): ConditionJson[] | undefined {
  const list = asConditions(current);
  const existing = list.find((c) => c.type === type);
  if (
    existing &&
    existing.status === next.status &&
    (existing.reason ?? "") === next.reason &&
    (existing.message ?? "") === (next.message ?? "")
  ) {
    return undefined;
  }
  return setCondition(list, { type, ...next });
}
