import { ipv6FromBigInt } from "@ironcore-ts/packet";
import type { DataplaneState } from "../dataplaneState.js";
import type { IpAddr } from "../ipAddr.js";
import { Limits } from "../limits.js";
import { type LbPort, LoadBalancer } from "../loadBalancer.js";
import { fail, StatusCode } from "../statusCode.js";
import { type Underlay, underlayFromBytes } from "../underlay.js";
import { chooseUnderlay } from "./chooseUnderlay.js";
import { releaseVni } from "./vniUsage.js";

export interface LoadBalancerSpec {
  id: string;
  vni: number;
  ip: IpAddr;
  /** Already validated: TCP/UDP, at most 15, no duplicates. */
  ports: readonly LbPort[];
  preferredUnderlay?: Uint8Array;
}

/** A load balancer on this node; it keeps its VNI's route tables alive like an interface does. */
export function createLoadBalancer(state: DataplaneState, spec: LoadBalancerSpec): LoadBalancer {
  if (state.loadBalancers.get(spec.id) || state.loadBalancers.findByAddress(spec.vni, spec.ip)) {
    fail(StatusCode.ALREADY_EXISTS);
  }
  if (state.loadBalancers.size >= Limits.loadBalancers) fail(StatusCode.LIMIT_REACHED);
  const underlay = chooseUnderlay(state, spec.preferredUnderlay, "lb");
  const lb = new LoadBalancer(spec.id, spec.vni, spec.ip, spec.ports, underlay);
  state.underlays.add({ type: "LB", underlay, vni: spec.vni, lb });
  try {
    state.vnis.acquire(spec.vni);
  } catch (err) {
    state.underlays.remove(underlay.key);
    throw err;
  }
  state.loadBalancers.add(lb);
  return lb;
}

export function getLoadBalancer(state: DataplaneState, id: string): LoadBalancer {
  return state.loadBalancers.get(id) ?? fail(StatusCode.NOT_FOUND);
}

export function deleteLoadBalancer(state: DataplaneState, id: string): void {
  const lb = state.loadBalancers.get(id) ?? fail(StatusCode.NOT_FOUND);
  state.underlays.remove(lb.underlay.key);
  state.loadBalancers.remove(lb);
  releaseVni(state, lb.vni);
  state.events.emit({ type: "lb-deleted", lb });
}

/** Adds a backend (an IPv6 underlay); the Maglev table is rebuilt. */
export function createLoadBalancerTarget(state: DataplaneState, id: string, target: IpAddr): void {
  if (target.family !== 6) fail(StatusCode.BAD_IPVER);
  const lb = state.loadBalancers.get(id) ?? fail(StatusCode.NO_LB);
  const result = lb.addTarget(underlayFromBytes(ipv6FromBigInt(target.value)));
  if (result === "exists") fail(StatusCode.ALREADY_EXISTS);
  if (result === "full") fail(StatusCode.BACKIP_ADD);
}

export function deleteLoadBalancerTarget(state: DataplaneState, id: string, target: IpAddr): void {
  if (target.family !== 6) fail(StatusCode.BAD_IPVER);
  const lb = state.loadBalancers.get(id) ?? fail(StatusCode.NO_LB);
  const removed = lb.removeTarget(target.value) ?? fail(StatusCode.NOT_FOUND);
  state.events.emit({ type: "lb-target-deleted", lb, target: removed });
}

/** Targets of one load balancer, or of every load balancer for id "". */
export function listLoadBalancerTargets(state: DataplaneState, id: string): Underlay[] {
  if (id === "") return state.loadBalancers.list().flatMap((lb) => lb.targets);
  const lb = state.loadBalancers.get(id) ?? fail(StatusCode.NO_LB);
  return [...lb.targets];
}
