import { DROP_REASONS, type DropReason } from "@ironcore-ts/packet";

/**
 * Why the pipeline dropped a packet: the parser's reasons (malformed frames) plus the pipeline's
 * own decisions. A small, stable set: it is the `reason` label of dpservice_packet_drops_total and
 * counters are indexed by position, so the hot path increments a typed-array slot.
 */
export const PIPELINE_DROP_REASONS = [
  /** Frame from a VF whose VF has no interface bound. */
  "no-interface",
  /** An 802.1Q-tagged frame from a VM (VM ports are untagged access ports). */
  "vlan-tagged",
  /** ARP that is neither a request for the gateway nor a reply (to our probes). */
  "arp-not-gateway",
  /** DHCP message other than DISCOVER/REQUEST, or for an interface without IPv4. */
  "dhcp-ignored",
  /** DHCPv6 (not implemented). */
  "dhcpv6-unsupported",
  /** ICMPv6 neighbour discovery not for the gateway, or other NDP messages. */
  "nd-ignored",
  /** An IP protocol other than TCP, UDP, ICMP and ICMPv6. */
  "unsupported-protocol",
  /** IP fragments: conntrack needs ports, and there is no reassembly. */
  "fragmented",
  /** ICMP other than echo and the errors matched to flows (type 3 codes 2, 3, 4; ICMPv6 1-4). */
  "icmp-type",
  /** An ICMP error whose quoted packet belongs to no flow. */
  "icmp-error-no-flow",
  /** Interface has no address of the packet's family. */
  "family-disabled",
  /** The VNI has no route tables, or the destination has no route. */
  "no-route",
  /** Fabric packet that is not IPv6. */
  "fabric-not-ipv6",
  /** Outer destination is not an underlay address of this node. */
  "unknown-underlay",
  /** A packet from the fabric that would go back to the fabric (no transit). */
  "no-transit",
  /** A firewall rule or default policy denied the flow. */
  "firewall",
  /** The interface's NAT port range is exhausted. */
  "nat-ports-exhausted",
  /** Unsolicited packet to a NAT underlay: no flow, not echo, no neighbour NAT range. */
  "nat-no-flow",
  /** Neighbour NAT range points at this node (would loop). */
  "nat-relay-loop",
  /** Packet to a VIP underlay whose inner destination is not the VIP. */
  "vip-mismatch",
  /** TCP/UDP to a load balancer port that is not configured, or other protocols. */
  "lb-port-not-served",
  /** Load balancer without targets. */
  "lb-no-backend",
  /** A packet this node relayed coming back to one of its load balancers. */
  "lb-loop",
  /** The connection table is full. */
  "flow-table-full",
  /** Output VF has no machine attached (no socket / endpoint unknown). */
  "port-not-attached",
  /** Outer destination's /64 has no known fabric endpoint. */
  "fabric-no-endpoint",
  /** The pipeline threw (a bug): the packet is dropped, the process goes on. */
  "internal-error",
] as const;

export type PipelineDropReason = (typeof PIPELINE_DROP_REASONS)[number];
export type AnyDropReason = DropReason | PipelineDropReason;

/** Every reason, parser's first; the index is the counter slot. */
export const ALL_DROP_REASONS: readonly AnyDropReason[] = [...DROP_REASONS, ...PIPELINE_DROP_REASONS];

const INDEX = new Map<AnyDropReason, number>(ALL_DROP_REASONS.map((r, i) => [r, i]));

/** Counter slot of a reason. */
export function dropIndex(reason: AnyDropReason): number {
  return INDEX.get(reason)!;
}

/**
 * Slots of the pipeline's reasons as constants, so stages pass a number (no Map lookup per drop).
 * `Drop.firewall` etc.
 */
export const Drop = Object.fromEntries(PIPELINE_DROP_REASONS.map((r) => [camel(r), dropIndex(r)])) as {
  readonly [K in PipelineDropReason as CamelCase<K>]: number;
};

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

function camel(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
