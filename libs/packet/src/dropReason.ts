/**
 * Why a frame was not parsed. The data plane counts drops by reason, so the set is small, stable
 * and usable directly as a metric label.
 */
export const DROP_REASONS = [
  "truncated-ethernet",
  "unsupported-ethertype",
  "truncated-arp",
  "unsupported-arp",
  "bad-ip-version",
  "truncated-ipv4",
  "bad-ipv4-header-length",
  "bad-ipv4-total-length",
  "bad-ipv4-checksum",
  "truncated-ipv6",
  "truncated-ipv6-extension",
  "bad-ipv6-extension",
  "truncated-l4",
  "bad-tcp-data-offset",
  "bad-udp-length",
  "bad-ndp-option",
  "bad-l4-checksum",
  "not-icmp-error",
  "not-encapsulated",
  "unsupported-fragment",
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** A parse that did not yield a frame. */
export interface Drop {
  readonly drop: DropReason;
}

// One shared object per reason: dropping allocates nothing.
const DROPS = Object.fromEntries(DROP_REASONS.map((r) => [r, Object.freeze({ drop: r })])) as Record<
  DropReason,
  Drop
>;

export function drop(reason: DropReason): Drop {
  return DROPS[reason];
}

export function isDrop(value: object): value is Drop {
  return "drop" in value;
}
