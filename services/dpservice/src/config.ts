import { hostname } from "node:os";
import { parseIpv6 } from "@ironcore-ts/packet";
import { ConfigError, EnvConfig } from "@ironcore-ts/runtime";
import { consecutivePciAddresses } from "./state/pciAddress.js";

/** Environment of the dpservice process; see README.md "Configuration". */
export interface DpserviceConfig {
  nodeName: string;
  grpc: { host: string; port: number };
  http: { host: string; port: number };
  /** This node's underlay address; its /64 holds every generated underlay. */
  hostUnderlay: Uint8Array;
  vfNames: string[];
  underlayAddressTypes: boolean;
  staticUnderlays: boolean;
}

export const DEFAULT_GRPC_PORT = 1337;
export const DEFAULT_HTTP_PORT = 1380;
export const DEFAULT_FIRST_VF = "0000:3b:00.2";
export const DEFAULT_VF_COUNT = 126;

export function loadConfig(env: EnvConfig = new EnvConfig()): DpserviceConfig {
  const vfNames = env.list("DPSERVICE_VF_NAMES", []);
  return {
    nodeName: env.string("DPSERVICE_NODE_NAME", hostname()),
    grpc: {
      host: env.string("DPSERVICE_GRPC_HOST", "0.0.0.0"),
      port: env.port("DPSERVICE_GRPC_PORT", DEFAULT_GRPC_PORT),
    },
    http: {
      host: env.string("DPSERVICE_HTTP_HOST", "0.0.0.0"),
      port: env.port("DPSERVICE_HTTP_PORT", DEFAULT_HTTP_PORT),
    },
    hostUnderlay: parseNodeUnderlay("DPSERVICE_UNDERLAY_PREFIX", env.string("DPSERVICE_UNDERLAY_PREFIX")),
    vfNames:
      vfNames.length > 0
        ? vfNames
        : vfAddresses(
            env.string("DPSERVICE_VF_FIRST", DEFAULT_FIRST_VF),
            env.int("DPSERVICE_VF_COUNT", DEFAULT_VF_COUNT, { min: 1, max: 2048 }),
          ),
    underlayAddressTypes: env.bool("DPSERVICE_UNDERLAY_ADDRESS_TYPES", false),
    staticUnderlays: env.bool("DPSERVICE_STATIC_UNDERLAY", false),
  };
}

/**
 * "fc00:1::/64" (host address fc00:1::1), "fc00:1::5/64" or "fc00:1::5" (host address as given).
 * Upstream requires a /64 too: generated addresses fill the lower 64 bits.
 */
export function parseNodeUnderlay(variable: string, text: string): Uint8Array {
  const [addressText = "", lengthText] = text.split("/");
  const address = parseIpv6(addressText);
  if (!address || (lengthText !== undefined && lengthText !== "64")) {
    throw new ConfigError(
      `${variable} must be an IPv6 /64 such as "fc00:1::/64", got ${JSON.stringify(text)}`,
    );
  }
  if (address.subarray(8).every((b) => b === 0)) address[15] = 1;
  return address;
}

function vfAddresses(first: string, count: number): string[] {
  try {
    return consecutivePciAddresses(first, count);
  } catch (err) {
    throw new ConfigError(`DPSERVICE_VF_FIRST/DPSERVICE_VF_COUNT: ${(err as Error).message}`);
  }
}
