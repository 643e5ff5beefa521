import type { IpAddress } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import type { DataplaneState } from "../state/dataplaneState.js";
import { type IpAddr, ipv4Addr } from "../state/ipAddr.js";
import { createNat, deleteNat, getNat, listLocalNats } from "../state/ops/natOps.js";
import { createNeighborNat, deleteNeighborNat, listNeighborNats } from "../state/ops/neighborNatOps.js";
import { underlayFromBytes } from "../state/underlay.js";
import { requireInitialized } from "./initGuard.js";
import { readId, readPortRange, readPreferredUnderlay, readVni } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { ipMessage, readIp, readIpv6Text, underlayBytes } from "./wireAddress.js";

type Handlers = Pick<
  DpdkImpl,
  | "createNat"
  | "getNat"
  | "deleteNat"
  | "listLocalNats"
  | "createNeighborNat"
  | "deleteNeighborNat"
  | "listNeighborNats"
>;

/** Local NAT slices of this node's interfaces, and the NAT port ranges of other nodes. */
export function natHandlers(state: DataplaneState): Handlers {
  return {
    createNat: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const ip = readIp(req.natIp, "nat_ip");
      const ports = readPortRange(req.minPort, req.maxPort);
      const preferredUnderlay = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => ({
        underlayRoute: underlayBytes(createNat(state, id, { ip, ...ports, preferredUnderlay })),
      }));
    }),

    getNat: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => {
        const nat = getNat(state, id);
        return {
          natIp: ipMessage(ipv4Addr(nat.ip)),
          minPort: nat.minPort,
          maxPort: nat.maxPort,
          underlayRoute: underlayBytes(nat.underlay),
        };
      });
    }),

    deleteNat: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => {
        deleteNat(state, id);
        return {};
      });
    }),

    listLocalNats: requireInitialized(state, (req) => {
      const natIp = readListFilter(req.natIp);
      return withStatus(() => ({
        natEntries: listLocalNats(state, natIp).map(({ iface, nat }) => ({
          // As upstream: nat_ip is the interface's own (private) IP, actual_nat_ip the NAT IP.
          natIp: ipMessage(ipv4Addr(iface.ipv4 ?? 0)),
          minPort: nat.minPort,
          maxPort: nat.maxPort,
          vni: iface.vni,
          actualNatIp: ipMessage(ipv4Addr(nat.ip)),
        })),
      }));
    }),

    createNeighborNat: requireInitialized(state, (req) => {
      const ip = readIp(req.natIp, "nat_ip");
      const ports = readPortRange(req.minPort, req.maxPort);
      const vni = readVni(req.vni);
      const underlay = underlayFromBytes(readIpv6Text(req.underlayRoute, "underlay_route"));
      return withStatus(() => {
        createNeighborNat(state, { ip, vni, ...ports, underlay });
        return {};
      });
    }),

    deleteNeighborNat: requireInitialized(state, (req) => {
      const ip = readIp(req.natIp, "nat_ip");
      const ports = readPortRange(req.minPort, req.maxPort);
      return withStatus(() => {
        deleteNeighborNat(state, { ip, vni: req.vni, ...ports });
        return {};
      });
    }),

    listNeighborNats: requireInitialized(state, (req) => {
      const natIp = readListFilter(req.natIp);
      return withStatus(() => ({
        natEntries: listNeighborNats(state, natIp).map((e) => ({
          minPort: e.minPort,
          maxPort: e.maxPort,
          underlayRoute: underlayBytes(e.underlay),
          vni: e.vni,
          actualNatIp: ipMessage(ipv4Addr(e.natIp)),
        })),
      }));
    }),
  };
}

/** The NAT IP to list; "0.0.0.0" (and, as an extension, an absent address) lists all. */
function readListFilter(msg: IpAddress | undefined): IpAddr {
  if (!msg || msg.address.length === 0) return ipv4Addr(0);
  return readIp(msg, "nat_ip");
}
