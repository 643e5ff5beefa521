import { describe, expect, it } from "vitest";
import { ArpOperation, buildArp, buildArpReply, buildArpRequest, readArp } from "./arp.js";
import { isDrop } from "./dropReason.js";
import { EtherType } from "./ethernet.js";
import { formatIpv4, parseIpv4 } from "./ipAddress.js";
import { BROADCAST_MAC, formatMac, parseMac } from "./mac.js";
import { parseFrame } from "./parse.js";

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, "")
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );

const vmMac = parseMac("52:54:00:12:34:56")!;
const portMac = parseMac("02:00:00:00:00:aa")!;
const gateway = parseIpv4("169.254.0.1")!;

describe("ARP", () => {
  it("parses a request from known bytes (RFC 826 layout)", () => {
    const bytes = hex(`
      ffffffffffff 525400123456 0806
      0001 0800 06 04 0001 525400123456 0a000005 000000000000 a9fe0001`);
    const f = parseFrame(bytes);
    if (isDrop(f)) throw new Error(f.drop);
    expect(f.etherType).toBe(EtherType.ARP);
    expect(f.ipVersion).toBe(0);
    const arp = readArp(f);
    expect(arp.operation).toBe(ArpOperation.Request);
    expect(formatMac(arp.senderMac)).toBe("52:54:00:12:34:56");
    expect(formatIpv4(arp.senderIp)).toBe("10.0.0.5");
    expect(formatIpv4(arp.targetIp)).toBe("169.254.0.1");
    expect(buildArpRequest(vmMac, parseIpv4("10.0.0.5")!, gateway)).toEqual(bytes);
  });

  it("answers a request for the gateway", () => {
    const request = parseFrame(buildArpRequest(vmMac, parseIpv4("10.0.0.5")!, gateway, 7));
    if (isDrop(request)) throw new Error(request.drop);
    const reply = parseFrame(buildArpReply(request, portMac));
    if (isDrop(reply)) throw new Error(reply.drop);
    expect(reply.vlanId).toBe(7);
    expect(reply.dstMac).toEqual(vmMac);
    expect(reply.srcMac).toEqual(portMac);
    expect(readArp(reply)).toEqual({
      operation: ArpOperation.Reply,
      senderMac: portMac,
      senderIp: gateway,
      targetMac: vmMac,
      targetIp: parseIpv4("10.0.0.5"),
    });
  });

  it("builds the dpservice probe (sender = target = gateway)", () => {
    const probe = parseFrame(buildArpRequest(portMac, gateway, gateway));
    if (isDrop(probe)) throw new Error(probe.drop);
    expect(probe.dstMac).toEqual(BROADCAST_MAC);
    const arp = readArp(probe);
    expect([arp.senderIp, arp.targetIp]).toEqual([gateway, gateway]);
    expect(buildArp({ src: portMac, dst: BROADCAST_MAC }, arp).length).toBe(42);
  });
});
