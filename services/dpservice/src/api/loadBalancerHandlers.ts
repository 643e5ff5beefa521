import { type LbPort as LbPortMessage, Protocol } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import type { DataplaneState } from "../state/dataplaneState.js";
import { ipv6Addr } from "../state/ipAddr.js";
import { Limits } from "../state/limits.js";
import type { LbPort, LoadBalancer } from "../state/loadBalancer.js";
import {
  createLoadBalancer,
  createLoadBalancerTarget,
  deleteLoadBalancer,
  deleteLoadBalancerTarget,
  getLoadBalancer,
  listLoadBalancerTargets,
} from "../state/ops/loadBalancerOps.js";
import { requireInitialized } from "./initGuard.js";
import { invalidArgument } from "./requestErrors.js";
import { readId, readPreferredUnderlay, readVni } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { ipMessage, readIp, underlayBytes } from "./wireAddress.js";
import { textBytes } from "./wireText.js";

type Handlers = Pick<
  DpdkImpl,
  | "createLoadBalancer"
  | "getLoadBalancer"
  | "deleteLoadBalancer"
  | "listLoadBalancers"
  | "createLoadBalancerTarget"
  | "listLoadBalancerTargets"
  | "deleteLoadBalancerTarget"
>;

export function loadBalancerHandlers(state: DataplaneState): Handlers {
  return {
    createLoadBalancer: requireInitialized(state, (req) => {
      const id = readId(req.loadbalancerId, "loadbalancer_id");
      const vni = readVni(req.vni);
      const ip = readIp(req.loadbalancedIp, "loadbalanced_ip");
      const ports = readPorts(req.loadbalancedPorts);
      const preferredUnderlay = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => {
        const lb = createLoadBalancer(state, { id, vni, ip, ports, preferredUnderlay });
        return { underlayRoute: underlayBytes(lb.underlay) };
      });
    }),

    getLoadBalancer: requireInitialized(state, (req) => {
      const id = readId(req.loadbalancerId, "loadbalancer_id");
      return withStatus(() => {
        const lb = getLoadBalancer(state, id);
        return {
          loadbalancedIp: ipMessage(lb.ip),
          vni: lb.vni,
          loadbalancedPorts: lb.ports.map(portMessage),
          underlayRoute: underlayBytes(lb.underlay),
        };
      });
    }),

    deleteLoadBalancer: requireInitialized(state, (req) => {
      const id = readId(req.loadbalancerId, "loadbalancer_id");
      return withStatus(() => {
        deleteLoadBalancer(state, id);
        return {};
      });
    }),

    listLoadBalancers: requireInitialized(state, () =>
      withStatus(() => ({ loadbalancers: state.loadBalancers.list().map(loadBalancerMessage) })),
    ),

    createLoadBalancerTarget: requireInitialized(state, (req) => {
      const id = readId(req.loadbalancerId, "loadbalancer_id");
      const target = readIp(req.targetIp, "target_ip");
      return withStatus(() => {
        createLoadBalancerTarget(state, id, target);
        return {};
      });
    }),

    listLoadBalancerTargets: requireInitialized(state, (req) => {
      // Empty id: the targets of every load balancer.
      const id = req.loadbalancerId.length === 0 ? "" : readId(req.loadbalancerId, "loadbalancer_id");
      return withStatus(() => ({
        targetIps: listLoadBalancerTargets(state, id).map((t) => ipMessage(ipv6Addr(t.key))),
      }));
    }),

    deleteLoadBalancerTarget: requireInitialized(state, (req) => {
      const id = readId(req.loadbalancerId, "loadbalancer_id");
      const target = readIp(req.targetIp, "target_ip");
      return withStatus(() => {
        deleteLoadBalancerTarget(state, id, target);
        return {};
      });
    }),
  };
}

/**
 * TCP/UDP only, fewer than 16, each (protocol, port) once; upstream's texts. Port 0 is accepted
 * and dropped, as upstream (which stores it but never reports or serves it).
 */
function readPorts(ports: readonly LbPortMessage[]): LbPort[] {
  if (ports.length > Limits.loadBalancerPorts) invalidArgument("Too many loadbalanced_ports");
  const out: LbPort[] = [];
  for (const p of ports) {
    if (p.port > 0xffff) invalidArgument("Invalid loadbalanced_ports.port");
    const protocol = p.protocol === Protocol.TCP ? 6 : p.protocol === Protocol.UDP ? 17 : undefined;
    if (protocol === undefined) invalidArgument("Invalid loadbalanced_ports.protocol");
    if (out.some((o) => o.protocol === protocol && o.port === p.port)) {
      invalidArgument("Duplicate loadbalanced_ports entry");
    }
    if (p.port !== 0) out.push({ protocol, port: p.port });
  }
  return out;
}

function portMessage(p: LbPort) {
  return { port: p.port, protocol: p.protocol === 6 ? Protocol.TCP : Protocol.UDP };
}

function loadBalancerMessage(lb: LoadBalancer) {
  return {
    id: textBytes(lb.id),
    vni: lb.vni,
    ip: ipMessage(lb.ip),
    ports: lb.ports.map(portMessage),
    underlayRoute: underlayBytes(lb.underlay),
  };
}
