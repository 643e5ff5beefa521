import { IPV6_LENGTH } from "@ironcore-ts/packet";
import { type Underlay, underlayFromBytes } from "./underlay.js";

/** What an underlay address is for; with `addressTypes` it is written into byte 9. */
export type UnderlayKind = "interface" | "vip" | "nat" | "lb" | "lbTarget" | "prefix";

const SUBTYPE: Record<UnderlayKind, number> = {
  interface: 0x01,
  vip: 0x02,
  nat: 0x03,
  lb: 0x04,
  lbTarget: 0x05,
  prefix: 0x06,
};

/** Byte 8 of every generated address: marks the address as dpservice-generated. */
export const GENERATED_MARKER = 0xd0;
/** Flag bit in byte 10 of addresses generated outside dpservice (metalnet, for HA pairs). */
export const EXTERNALLY_GENERATED_FLAG = 0x80;

export interface UnderlayGeneratorOptions {
  /** The node's underlay /64; only the first 8 bytes are used. */
  nodePrefix: Uint8Array;
  /** Write the kind into byte 9 (upstream build option); default false: byte 9 = 0. */
  addressTypes?: boolean;
  /** Deterministic addresses (upstream's static-underlay build): random byte 1, counter from 1. */
  static?: boolean;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
}

/**
 * Generates underlay addresses inside the node's /64 the way upstream does:
 *
 *   bytes 0-7   node prefix
 *   byte 8      0xd0
 *   byte 9      subtype (0, or the kind with addressTypes)
 *   byte 10     flags (0 here; 0x80 = generated outside, see acceptsPreferred)
 *   byte 11     random
 *   bytes 12-15 counter, big-endian: starts at a random value, +1 per address
 */
export class UnderlayGenerator {
  private readonly prefix: Uint8Array;
  private readonly random: () => number;
  private counter: number;

  constructor(private readonly options: UnderlayGeneratorOptions) {
    if (options.nodePrefix.length !== IPV6_LENGTH) throw new Error("the node prefix is an IPv6 address");
    this.prefix = options.nodePrefix.slice(0, 8);
    this.random = options.random ?? Math.random;
    this.counter = options.static ? 0 : this.randomByte();
  }

  next(kind: UnderlayKind): Underlay {
    const bytes = new Uint8Array(IPV6_LENGTH);
    bytes.set(this.prefix, 0);
    bytes[8] = GENERATED_MARKER;
    bytes[9] = this.options.addressTypes ? SUBTYPE[kind] : 0;
    bytes[10] = 0;
    bytes[11] = this.options.static ? 1 : this.randomByte();
    this.counter = (this.counter + 1) >>> 0;
    new DataView(bytes.buffer).setUint32(12, this.counter);
    return underlayFromBytes(bytes);
  }

  /**
   * A client-chosen underlay (preferred_underlay_route) is accepted only inside the node's /64
   * and with the "externally generated" flag, so it can never collide with a generated one.
   */
  acceptsPreferred(bytes: Uint8Array): boolean {
    if (bytes.length !== IPV6_LENGTH) return false;
    for (let i = 0; i < 8; i++) if (bytes[i] !== this.prefix[i]) return false;
    return (bytes[10]! & EXTERNALLY_GENERATED_FLAG) !== 0;
  }

  private randomByte(): number {
    return Math.floor(this.random() * 256) & 0xff;
  }
}
