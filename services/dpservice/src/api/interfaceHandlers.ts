import type { IpConfig, PxeConfig } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { ipv6ToBigInt, parseIpv4, parseIpv6 } from "@ironcore-ts/packet";
import type { DataplaneState } from "../state/dataplaneState.js";
import type { InterfaceEntry, PxeSettings } from "../state/interfaceEntry.js";
import { formatIpAddr, ipv4Addr, ipv6Addr, parseIpAddr } from "../state/ipAddr.js";
import { Limits } from "../state/limits.js";
import { createInterface, deleteInterface, getInterface } from "../state/ops/interfaceOps.js";
import { requireInitialized } from "./initGuard.js";
import { invalidArgument } from "./requestErrors.js";
import { readId, readNewInterfaceId, readPreferredUnderlay, readVni } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { underlayBytes } from "./wireAddress.js";
import { strictBytesText, textBytes } from "./wireText.js";

type Handlers = Pick<DpdkImpl, "listInterfaces" | "getInterface" | "createInterface" | "deleteInterface">;

export function interfaceHandlers(state: DataplaneState): Handlers {
  return {
    listInterfaces: requireInitialized(state, () =>
      withStatus(() => ({ interfaces: state.interfaces.list().map(interfaceMessage) })),
    ),

    getInterface: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => ({ interface: interfaceMessage(getInterface(state, id)) }));
    }),

    createInterface: requireInitialized(state, (req) => {
      const id = readNewInterfaceId(req.interfaceId);
      const vni = readVni(req.vni);
      const ipv4 = readPrimaryIpv4(req.ipv4Config);
      const ipv6 = readPrimaryIpv6(req.ipv6Config);
      if (ipv4 === undefined && ipv6 === undefined) {
        invalidArgument("Invalid ipv4_config.primary_address and ipv6_config.primary_address combination");
      }
      const pxe = readPxe(req.pxeConfig);
      if (req.deviceName.length > Limits.idLength) invalidArgument("Invalid device_name");
      if (textBytes(req.hostname).length > Limits.idLength) invalidArgument("Invalid hostname");
      const preferredUnderlay = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => {
        const iface = createInterface(state, {
          id,
          vni,
          ipv4,
          ipv6,
          deviceName: req.deviceName,
          preferredUnderlay,
          pxe,
          metering: {
            totalRate: req.meteringParameters?.totalRate ?? 0n,
            publicRate: req.meteringParameters?.publicRate ?? 0n,
          },
          hostname: req.hostname,
        });
        return { underlayRoute: underlayBytes(iface.underlay), vf: { name: iface.vf.name } };
      });
    }),

    deleteInterface: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => {
        deleteInterface(state, id);
        return {};
      });
    }),
  };
}

/** Disabled families are reported as "0.0.0.0" and "::", as upstream. */
export function interfaceMessage(iface: InterfaceEntry) {
  return {
    id: textBytes(iface.id),
    vni: iface.vni,
    primaryIpv4: textBytes(formatIpAddr(ipv4Addr(iface.ipv4 ?? 0))),
    primaryIpv6: textBytes(formatIpAddr(ipv6Addr(iface.ipv6 ?? 0n))),
    underlayRoute: underlayBytes(iface.underlay),
    pciName: iface.vf.name,
    meteringParams: { totalRate: iface.metering.totalRate, publicRate: iface.metering.publicRate },
    hostname: iface.hostname,
  };
}

/** "0.0.0.0" (or nothing) disables IPv4. */
function readPrimaryIpv4(config: IpConfig | undefined): number | undefined {
  const text = config ? strictBytesText(config.primaryAddress) : "";
  if (text === "") return undefined;
  const v = text !== undefined ? parseIpv4(text) : undefined;
  if (v === undefined) invalidArgument("Invalid ipv4_config.primary_address");
  return v === 0 ? undefined : v;
}

/** "::" (or nothing) disables IPv6. */
function readPrimaryIpv6(config: IpConfig | undefined): bigint | undefined {
  const text = config ? strictBytesText(config.primaryAddress) : "";
  if (text === "") return undefined;
  const v = text !== undefined ? parseIpv6(text) : undefined;
  if (v === undefined) invalidArgument("Invalid ipv6_config.primary_address");
  const value = ipv6ToBigInt(v);
  return value === 0n ? undefined : value;
}

function readPxe(config: PxeConfig | undefined): PxeSettings | undefined {
  if (!config || config.nextServer === "") return undefined;
  const nextServer = parseIpAddr(config.nextServer, 4) ?? parseIpAddr(config.nextServer, 6);
  if (!nextServer) invalidArgument("Invalid pxe_config.next_server");
  const length = textBytes(config.bootFilename).length;
  if (length === 0 || length > Limits.pxeFilenameLength) invalidArgument("Invalid pxe_config.boot_filename");
  return { nextServer, bootFilename: config.bootFilename };
}
