import { formatIpv4 } from "@ironcore-ts/packet";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import {
  classlessRoutesOption,
  type DhcpMessage,
  DhcpMessageType,
  DhcpOp,
  DhcpOption,
  ipListOption,
  optionText,
  textOption,
  u16Option,
  u32Option,
} from "./dhcpMessage.js";

/** The gateway every guest sees (dpservice answers ARP for it and is the DHCP server). */
export const GATEWAY_IPV4 = 0xa9fe0001; // 169.254.0.1
const LINK_LOCAL_NET = 0xa9fe0000; // 169.254.0.0
const INFINITE_LEASE = 0xffffffff;
const HOST_MASK = 0xffffffff;
/** TFTP boot file for legacy PXE clients (upstream's default). */
export const PXE_TFTP_FILE = "ipxe/x86_64/ipxe.new";

export interface DhcpServerOptions {
  /** Interface MTU option (upstream --dhcp-mtu, 68..1500, default 1500). */
  mtu: number;
  /** DNS servers (upstream --dhcp-dns, repeatable). */
  dns: readonly number[];
}

/**
 * Upstream's DHCPv4 server: DISCOVER -> OFFER, REQUEST -> ACK, nothing else. The guest gets its
 * interface IPv4 with mask 255.255.255.255, server id 169.254.0.1, an infinite lease, classless
 * routes 169.254.0.0/16 on-link and 0.0.0.0/0 via 169.254.0.1, the MTU, DNS servers and the
 * hostname. PXE: a user class "iPXE" gets the HTTP URL http://<next_server><boot_filename>; a vendor
 * class containing "PXEClient:Arch:00007" gets the TFTP file ipxe/x86_64/ipxe.new; the router option
 * is sent only in PXE mode. Returns undefined for messages that get no answer.
 */
export function dhcpReply(
  request: DhcpMessage,
  iface: InterfaceEntry,
  options: DhcpServerOptions,
): DhcpMessage | undefined {
  if (request.op !== DhcpOp.Request || iface.ipv4 === undefined) return undefined;
  const type = request.options.get(DhcpOption.MessageType)?.[0];
  let replyType: number;
  if (type === DhcpMessageType.Discover) replyType = DhcpMessageType.Offer;
  else if (type === DhcpMessageType.Request) replyType = DhcpMessageType.Ack;
  else return undefined;

  const opts = new Map<number, Uint8Array>();
  opts.set(DhcpOption.MessageType, Uint8Array.of(replyType));
  opts.set(DhcpOption.ServerId, u32Option(GATEWAY_IPV4));
  opts.set(DhcpOption.LeaseTime, u32Option(INFINITE_LEASE));
  opts.set(DhcpOption.SubnetMask, u32Option(HOST_MASK));
  opts.set(
    DhcpOption.ClasslessStaticRoute,
    classlessRoutesOption([
      { destination: LINK_LOCAL_NET, length: 16, router: 0 },
      { destination: 0, length: 0, router: GATEWAY_IPV4 },
    ]),
  );
  opts.set(DhcpOption.InterfaceMtu, u16Option(options.mtu));
  if (options.dns.length > 0) opts.set(DhcpOption.DomainNameServer, ipListOption(options.dns));
  if (iface.hostname !== "") opts.set(DhcpOption.HostName, textOption(iface.hostname));

  let siaddr = 0;
  let file = "";
  const pxe = iface.pxe;
  if (pxe && pxe.nextServer.family === 4) {
    const userClass = optionText(request.options.get(DhcpOption.UserClass));
    const vendorClass = optionText(request.options.get(DhcpOption.VendorClassId));
    const nextServer = pxe.nextServer.value;
    if (userClass.includes("iPXE")) {
      file = `http://${formatIpv4(nextServer)}${pxe.bootFilename}`;
    } else if (vendorClass.includes("PXEClient:Arch:00007")) {
      file = PXE_TFTP_FILE;
    }
    if (file !== "") {
      siaddr = nextServer;
      opts.set(DhcpOption.Router, u32Option(GATEWAY_IPV4));
      opts.set(DhcpOption.TftpServerName, textOption(formatIpv4(nextServer)));
      opts.set(DhcpOption.BootfileName, textOption(file));
    }
  }

  return {
    op: DhcpOp.Reply,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: request.ciaddr,
    yiaddr: iface.ipv4,
    siaddr,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    file,
    options: opts,
  };
}
