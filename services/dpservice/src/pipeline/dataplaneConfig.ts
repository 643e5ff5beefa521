import { parseIpv4 } from "@ironcore-ts/packet";
import { ConfigError, EnvConfig } from "@ironcore-ts/runtime";
import { type FabricEndpoint, parseFabricPeers } from "../fabric/underlayRegistry.js";

/** The packet pipeline's settings (environment: see PIPELINE.md "Configuration"). */
export interface DataplaneConfig {
  /** `node` label of the metrics. */
  nodeName: string;
  /** Loopback address of the VM port sockets. */
  vmPortHost: string;
  /** UDP port of VF 0's socket, VF i at base + i; 0 = free ports (AttachPort reports them). */
  vmPortBase: number;
  /** Open every VF's socket at start (deterministic ports with vmPortBase). */
  attachAllPorts: boolean;
  /** The fabric socket. Port 0 = a free port (only useful with a shared or KV registry). */
  fabricHost: string;
  fabricPort: number;
  /** Static underlay /64 -> endpoint entries (other nodes, the router/edge). */
  fabricPeers: { prefix: Uint8Array; endpoint: FabricEndpoint }[];
  flowTimeoutMs: number;
  establishedTimeoutMs: number;
  /** Conntrack ageing scan period (upstream: 5 s). */
  agingIntervalMs: number;
  maxFlows: number;
  dhcpMtu: number;
  dhcpDns: number[];
  /** Deny ingress even on interfaces without any firewall rule (see firewallStage.ts). */
  strictIngress: boolean;
  /** Answer NDP for fe80::1 (upstream --enable-ipv6-overlay). */
  ipv6Overlay: boolean;
  /** ARP probes to the VM ports to refresh MACs (upstream: 30 s); 0 = off. */
  arpProbeIntervalMs: number;
  /** Kernel receive buffer of the sockets (bytes), 0 = system default. */
  socketBufferBytes: number;
}

export const DEFAULT_FABRIC_PORT = 4790;

export function defaultDataplaneConfig(overrides: Partial<DataplaneConfig> = {}): DataplaneConfig {
  return {
    nodeName: "dpservice",
    vmPortHost: "127.0.0.1",
    vmPortBase: 0,
    attachAllPorts: false,
    fabricHost: "127.0.0.1",
    fabricPort: 0,
    fabricPeers: [],
    flowTimeoutMs: 30_000,
    establishedTimeoutMs: 86_400_000,
    agingIntervalMs: 5_000,
    maxFlows: 850_000,
    dhcpMtu: 1500,
    dhcpDns: [],
    strictIngress: false,
    ipv6Overlay: true,
    arpProbeIntervalMs: 30_000,
    socketBufferBytes: 4 * 1024 * 1024,
    ...overrides,
  };
}

export function loadDataplaneConfig(
  env: EnvConfig = new EnvConfig(),
  nodeName = "dpservice",
): DataplaneConfig {
  let fabricPeers: DataplaneConfig["fabricPeers"];
  try {
    fabricPeers = parseFabricPeers(env.string("DPSERVICE_FABRIC_PEERS", ""));
  } catch (err) {
    throw new ConfigError(`DPSERVICE_FABRIC_PEERS: ${(err as Error).message}`);
  }
  const dns = env.list("DPSERVICE_DHCP_DNS", []).map((text) => {
    const ip = parseIpv4(text);
    if (ip === undefined)
      throw new ConfigError(`DPSERVICE_DHCP_DNS must list IPv4 addresses, got ${JSON.stringify(text)}`);
    return ip;
  });
  return defaultDataplaneConfig({
    nodeName: env.string("DPSERVICE_NODE_NAME", nodeName),
    vmPortHost: env.string("DPSERVICE_VM_PORT_HOST", "127.0.0.1"),
    vmPortBase: env.int("DPSERVICE_VM_PORT_BASE", 0, { min: 0, max: 65535 }),
    attachAllPorts: env.bool("DPSERVICE_VM_PORTS_ATTACH_ALL", false),
    fabricHost: env.string("DPSERVICE_FABRIC_HOST", "127.0.0.1"),
    fabricPort: env.int("DPSERVICE_FABRIC_PORT", DEFAULT_FABRIC_PORT, { min: 0, max: 65535 }),
    fabricPeers,
    flowTimeoutMs: env.int("DPSERVICE_FLOW_TIMEOUT_S", 30, { min: 1, max: 86_400 }) * 1000,
    maxFlows: env.int("DPSERVICE_MAX_FLOWS", 850_000, { min: 1 }),
    dhcpMtu: env.int("DPSERVICE_DHCP_MTU", 1500, { min: 68, max: 1500 }),
    dhcpDns: dns,
    strictIngress: env.bool("DPSERVICE_FIREWALL_STRICT_INGRESS", false),
    ipv6Overlay: env.bool("DPSERVICE_IPV6_OVERLAY", true),
  });
}
