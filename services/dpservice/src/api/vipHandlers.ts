import type { DataplaneState } from "../state/dataplaneState.js";
import { ipv4Addr } from "../state/ipAddr.js";
import { createVip, deleteVip, getVip } from "../state/ops/vipOps.js";
import { requireInitialized } from "./initGuard.js";
import { readId, readPreferredUnderlay } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { ipMessage, readIp, underlayBytes } from "./wireAddress.js";

type Handlers = Pick<DpdkImpl, "createVip" | "getVip" | "deleteVip">;

export function vipHandlers(state: DataplaneState): Handlers {
  return {
    createVip: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const vip = readIp(req.vipIp, "vip_ip");
      const preferred = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => ({ underlayRoute: underlayBytes(createVip(state, id, vip, preferred)) }));
    }),

    getVip: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => {
        const vip = getVip(state, id);
        return { vipIp: ipMessage(ipv4Addr(vip.ip)), underlayRoute: underlayBytes(vip.underlay) };
      });
    }),

    deleteVip: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => {
        deleteVip(state, id);
        return {};
      });
    }),
  };
}
