import { IpProtocol, parseIpv4, TcpFlag } from "@ironcore-ts/packet";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FirewallRule } from "../state/firewallRule.js";
import { FirewallRuleSet } from "../state/firewallRuleSet.js";
import type { InterfaceEntry } from "../state/interfaceEntry.js";
import { ipv4Addr, ipv6Addr, normalizePrefix } from "../state/ipAddr.js";
import { classlessRoutesOption, encodeDhcp, parseClasslessRoutes, parseDhcp } from "./dhcpMessage.js";
import { evaluateEgress, evaluateIngress, type FirewallMatch } from "./firewallStage.js";
import type { FlowSide } from "./flow.js";
import { keyWord2, keyWord3, LB_KEY_SPACE } from "./flowKey.js";
import { FlowTableV4 } from "./flowTable.js";
import { NatPortAllocator } from "./natPortAllocator.js";
import { nextTcpState, TcpState } from "./tcpStateMachine.js";

describe("TCP state machine", () => {
  const { SYN, ACK, FIN, RST } = TcpFlag;
  it("SYN, SYN-ACK (reply), ACK = established; FIN -> fin-wait; second FIN or RST -> closed", () => {
    let s: number = TcpState.None;
    s = nextTcpState(s, SYN, false);
    expect(s).toBe(TcpState.SynSent);
    s = nextTcpState(s, SYN | ACK, true);
    expect(s).toBe(TcpState.SynReceived);
    s = nextTcpState(s, ACK, false);
    expect(s).toBe(TcpState.Established);
    expect(nextTcpState(s, ACK, true)).toBe(TcpState.Established);
    s = nextTcpState(s, FIN | ACK, true);
    expect(s).toBe(TcpState.FinWait);
    expect(nextTcpState(s, FIN | ACK, false)).toBe(TcpState.Closed);
    expect(nextTcpState(TcpState.Established, RST, false)).toBe(TcpState.Closed);
    // A SYN-ACK in the original direction does not count; a SYN reopens a closed flow.
    expect(nextTcpState(TcpState.SynSent, SYN | ACK, false)).toBe(TcpState.SynSent);
    expect(nextTcpState(TcpState.Closed, SYN, false)).toBe(TcpState.SynSent);
  });
});

describe("NAT port allocator", () => {
  const entry = {
    ip: parseIpv4("45.86.6.100")!,
    minPort: 1000,
    maxPort: 1010,
    underlay: { bytes: new Uint8Array(16), key: 0n, text: "" },
  };

  it("is endpoint-independent, stays in [min, max), and frees ports with the last flow", () => {
    const nat = new NatPortAllocator();
    const a = nat.acquire(100, 0x0a000001, 5000, entry)!;
    const again = nat.acquire(100, 0x0a000001, 5000, entry)!;
    expect(again).toBe(a);
    expect(a.refs).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const n = new NatPortAllocator();
        const m = n.acquire(7, 0x0a000002, port, entry)!;
        return m.port >= 1000 && m.port < 1010;
      }),
    );
    const ports = new Set<number>();
    for (let i = 0; i < 9; i++) ports.add(nat.acquire(100, 0x0a000002, 6000 + i, entry)!.port);
    ports.add(a.port);
    expect(ports.size).toBe(10);
    expect(nat.acquire(100, 0x0a000003, 1, entry)).toBeUndefined();
    nat.release(a);
    expect(nat.portsInUse(entry.ip)).toBe(10);
    nat.release(a);
    expect(nat.portsInUse(entry.ip)).toBe(9);
    expect(nat.acquire(100, 0x0a000003, 1, entry)?.port).toBe(a.port);
  });
});

describe("firewall matching", () => {
  const iface = (rules: Partial<FirewallRule>[]): InterfaceEntry => {
    const set = new FirewallRuleSet();
    rules.forEach((r, i) => {
      set.add({
        id: `r${i}`,
        direction: "ingress",
        action: "accept",
        priority: 1000,
        source: { written: ipv4Addr(0), network: normalizePrefix(ipv4Addr(0), 0) },
        destination: { written: ipv4Addr(0), network: normalizePrefix(ipv4Addr(0), 0) },
        filter: { protocol: 0 },
        ...r,
      });
    });
    return { id: "x", firewall: set } as unknown as InterfaceEntry;
  };
  const tcp = (src: string, dstPort: number): FirewallMatch => ({
    family: 4,
    protocol: IpProtocol.TCP,
    src: parseIpv4(src)!,
    dst: parseIpv4("10.0.0.2")!,
    srcPort: 40000,
    dstPort,
    icmpType: -1,
    icmpCode: -1,
  });
  const policy = { strictIngress: false };
  const prefix = (text: string, len: number) => ({
    written: ipv4Addr(parseIpv4(text)!),
    network: normalizePrefix(ipv4Addr(parseIpv4(text)!), len),
  });

  it("first match wins; default deny for ingress once rules exist; open without rules", () => {
    const fw = iface([
      { source: prefix("10.0.0.5", 32), action: "drop" },
      {
        source: prefix("10.0.0.0", 24),
        filter: { protocol: 6, src: { lower: -1, upper: -1 }, dst: { lower: 22, upper: 22 } },
      },
    ]);
    expect(evaluateIngress(fw, tcp("10.0.0.1", 22), policy)).toMatchObject({
      accept: true,
      rule: { id: "r1" },
    });
    expect(evaluateIngress(fw, tcp("10.0.0.5", 22), policy)).toMatchObject({
      accept: false,
      rule: { id: "r0" },
    });
    expect(evaluateIngress(fw, tcp("10.0.0.1", 80), policy)).toMatchObject({
      accept: false,
      rule: undefined,
    });
    expect(evaluateIngress(iface([]), tcp("10.0.0.1", 80), policy).accept).toBe(true);
    expect(evaluateIngress(iface([]), tcp("10.0.0.1", 80), { strictIngress: true }).accept).toBe(false);
  });

  it("egress: allow-all without egress rules, deny-unmatched with; ICMP rules match ICMPv6; /0 matches both families", () => {
    expect(evaluateEgress(iface([]), tcp("10.0.0.1", 80)).accept).toBe(true);
    const egress = iface([{ direction: "egress", filter: { protocol: 1, icmpType: 8, icmpCode: -1 } }]);
    expect(evaluateEgress(egress, tcp("10.0.0.1", 80)).accept).toBe(false);
    const ping6: FirewallMatch = {
      family: 6,
      protocol: IpProtocol.ICMPv6,
      src: 1n,
      dst: 2n,
      srcPort: 0,
      dstPort: 0,
      icmpType: 8,
      icmpCode: 0,
    };
    expect(evaluateEgress(egress, ping6)).toMatchObject({ accept: true, rule: { id: "r0" } });
    const v6Rule = iface([
      { source: { written: ipv6Addr(1n), network: normalizePrefix(ipv6Addr(0x20010db8n << 96n), 32) } },
    ]);
    expect(evaluateIngress(v6Rule, tcp("10.0.0.1", 80), policy).accept).toBe(false);
  });
});

describe("DHCP codec", () => {
  it("round-trips messages and classless routes", () => {
    const msg = {
      op: 2,
      xid: 0xdeadbeef,
      secs: 0,
      flags: 0x8000,
      ciaddr: 0,
      yiaddr: parseIpv4("10.0.0.1")!,
      siaddr: 0,
      giaddr: 0,
      chaddr: Uint8Array.of(1, 2, 3, 4, 5, 6),
      file: "boot",
      options: new Map([
        [53, Uint8Array.of(2)],
        [12, new TextEncoder().encode("h".repeat(300))],
      ]),
    };
    const back = parseDhcp(encodeDhcp(msg))!;
    expect(back).toMatchObject({ op: 2, xid: 0xdeadbeef, flags: 0x8000, yiaddr: msg.yiaddr, file: "boot" });
    expect(back.options.get(12)?.length).toBe(300);
    const routes = [
      { destination: parseIpv4("169.254.0.0")!, length: 16, router: 0 },
      { destination: 0, length: 0, router: parseIpv4("169.254.0.1")! },
      { destination: parseIpv4("10.1.2.0")!, length: 23, router: parseIpv4("10.0.0.1")! },
    ];
    expect(parseClasslessRoutes(classlessRoutesOption(routes))).toEqual(routes);
    expect(Array.from(classlessRoutesOption(routes.slice(0, 2)))).toEqual([
      16, 169, 254, 0, 0, 0, 0, 0, 169, 254, 0, 1,
    ]);
    expect(parseDhcp(new Uint8Array(100))).toBeUndefined();
  });
});

describe("flow keys", () => {
  it("distinguish every field, including the VNI and the LB key space", () => {
    const key = (vni: number, src: number, dst: number, sp: number, dp: number, proto: number) =>
      [src | 0, dst | 0, keyWord2(sp, dp), keyWord3(vni, proto)].join(",");
    const base = key(100, 1, 2, 3, 4, 6);
    const variants = [
      key(200, 1, 2, 3, 4, 6),
      key(100, 2, 1, 3, 4, 6),
      key(100, 1, 2, 4, 3, 6),
      key(100, 1, 2, 3, 4, 17),
    ];
    expect(new Set([base, ...variants]).size).toBe(5);
    expect(key(0xffffff + LB_KEY_SPACE, 0xffffffff, 0, 0xffff, 0xffff, 58)).not.toBe(
      key(0xffffff, 0xffffffff, 0, 0xffff, 0xffff, 58),
    );
  });
});

describe("FlowTableV4", () => {
  it("behaves like a Map under random inserts and deletes (with growth and backward shifts)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 3000 }),
        (ops) => {
          const table = new FlowTableV4(8);
          const model = new Map<number, FlowSide>();
          const sides = new Map<number, FlowSide>();
          const side = (k: number) => {
            let s = sides.get(k);
            if (!s) {
              s = { k } as unknown as FlowSide;
              sides.set(k, s);
            }
            return s;
          };
          // Few distinct keys in few words: many collisions and long probe runs.
          const w = (k: number) => [k & 7, k >> 3, -k, k % 5] as const;
          for (const [insert, k] of ops) {
            if (insert) {
              expect(table.set(...w(k), side(k))).toBe(!model.has(k));
              model.set(k, side(k));
            } else {
              expect(table.delete(...w(k), side(k))).toBe(model.delete(k));
            }
          }
          expect(table.size).toBe(model.size);
          for (let k = 0; k <= 300; k++) expect(table.get(...w(k))).toBe(model.get(k));
        },
      ),
      { numRuns: 200 },
    );
  });
});
