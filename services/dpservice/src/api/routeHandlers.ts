import { VniType } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import type { DataplaneState } from "../state/dataplaneState.js";
import { ipv4Addr, ipv6Addr } from "../state/ipAddr.js";
import { createRoute, deleteRoute, listRoutes } from "../state/ops/routeOps.js";
import { isVniInUse, resetVni, type VniTableType } from "../state/ops/vniOps.js";
import { requireInitialized } from "./initGuard.js";
import { invalidArgument } from "./requestErrors.js";
import { readVni } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { ipMessage, prefixMessage, readIp, readPrefix } from "./wireAddress.js";

type Handlers = Pick<DpdkImpl, "listRoutes" | "createRoute" | "deleteRoute" | "checkVniInUse" | "resetVni">;

/** Routes to other nodes, and the VNI calls. */
export function routeHandlers(state: DataplaneState): Handlers {
  return {
    listRoutes: requireInitialized(state, (req) =>
      withStatus(() => ({
        routes: listRoutes(state, req.vni).map(({ entry }) => ({
          prefix: prefixMessage({ addr: ipv4Addr(entry.address), length: entry.length }),
          nexthopVni: entry.value.nextHopVni,
          nexthopAddress: ipMessage(ipv6Addr(entry.value.nextHop.key)),
        })),
      })),
    ),

    createRoute: requireInitialized(state, (req) => {
      const vni = readVni(req.vni);
      // Upstream checks the length before the address.
      if ((req.route?.prefix?.length ?? 0) > 0xff) invalidArgument("Invalid route.prefix.length");
      const prefix = readPrefix(req.route?.prefix, "route.prefix");
      const nextHopVni = readVni(req.route?.nexthopVni ?? 0, "route.nexthop_vni");
      const nextHop = readIp(req.route?.nexthopAddress, "route.nexthop_address");
      return withStatus(() => {
        createRoute(state, vni, prefix, nextHopVni, nextHop);
        return {};
      });
    }),

    deleteRoute: requireInitialized(state, (req) => {
      if ((req.route?.prefix?.length ?? 0) > 0xff) invalidArgument("Invalid route.prefix.length");
      const prefix = readPrefix(req.route?.prefix, "route.prefix");
      return withStatus(() => {
        deleteRoute(state, req.vni, prefix);
        return {};
      });
    }),

    checkVniInUse: requireInitialized(state, (req) => {
      const type = readVniType(req.type);
      return withStatus(() => ({ inUse: isVniInUse(state, req.vni, type) }));
    }),

    resetVni: requireInitialized(state, (req) => {
      const type = readVniType(req.type);
      return withStatus(() => {
        resetVni(state, req.vni, type);
        return {};
      });
    }),
  };
}

function readVniType(type: VniType): VniTableType {
  switch (type) {
    case VniType.VNI_IPV4:
      return "ipv4";
    case VniType.VNI_IPV6:
      return "ipv6";
    case VniType.VNI_BOTH:
      return "both";
    default:
      return invalidArgument("Invalid type");
  }
}
