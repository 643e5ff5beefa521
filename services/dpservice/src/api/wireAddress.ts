import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type IpAddress,
  type IpAddressSchema,
  IpVersion,
  type Prefix,
} from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { parseIpv6 } from "@ironcore-ts/packet";
import {
  formatIpAddr,
  type IpAddr,
  type IpPrefix,
  maxPrefixLength,
  normalizePrefix,
  parseIpAddr,
} from "../state/ipAddr.js";
import type { Underlay } from "../state/underlay.js";
import { invalidArgument } from "./requestErrors.js";
import { bytesText, strictBytesText, textBytes } from "./wireText.js";

type IpAddressInit = MessageInitShape<typeof IpAddressSchema>;

/** An IpAddress message: the text must be an address of the family `ipver` names. */
export function readIp(msg: IpAddress | undefined, field: string): IpAddr {
  const family =
    msg?.ipver === IpVersion.IPV6 ? 6 : (msg?.ipver ?? IpVersion.IPV4) === IpVersion.IPV4 ? 4 : undefined;
  const text = msg ? strictBytesText(msg.address) : "";
  const addr = family && text !== undefined ? parseIpAddr(text, family) : undefined;
  return addr ?? invalidArgument(`Invalid ${field}`);
}

/** A Prefix message, host bits cleared. */
export function readPrefix(msg: Prefix | undefined, field: string): IpPrefix {
  const addr = readIp(msg?.ip, `${field}.ip`);
  const length = msg?.length ?? 0;
  if (length > maxPrefixLength(addr.family)) invalidArgument(`Invalid ${field}.length`);
  return normalizePrefix(addr, length);
}

/** An IPv6 address given as bare text (underlay_route fields). */
export function readIpv6Text(bytes: Uint8Array, field: string): Uint8Array {
  const text = strictBytesText(bytes);
  return (text !== undefined ? parseIpv6(text) : undefined) ?? invalidArgument(`Invalid ${field}`);
}

export function ipMessage(addr: IpAddr): IpAddressInit {
  return {
    ipver: addr.family === 4 ? IpVersion.IPV4 : IpVersion.IPV6,
    address: textBytes(formatIpAddr(addr)),
  };
}

export function prefixMessage(prefix: IpPrefix, underlay?: Underlay) {
  return {
    ip: ipMessage(prefix.addr),
    length: prefix.length,
    underlayRoute: underlay ? textBytes(underlay.text) : new Uint8Array(),
  };
}

export function underlayBytes(underlay: Underlay): Uint8Array {
  return textBytes(underlay.text);
}

/** For logs and error texts. */
export function describeBytes(bytes: Uint8Array): string {
  return bytesText(bytes);
}
