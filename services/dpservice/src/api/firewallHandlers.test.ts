import * as grpc from "@grpc/grpc-js";
import {
  FirewallAction,
  type IpVersion,
  TrafficDirection,
} from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../state/statusCode.js";
import { type DpdkRequest, ipv4, ipv6, prefix, s, t } from "../testing/dpdkTestClient.js";
import { startTestDpservice, type TestDpservice, VM1 } from "../testing/dpserviceFixture.js";

let dp: TestDpservice;
beforeAll(async () => {
  dp = await startTestDpservice();
});
afterAll(() => dp.stop());

const code = (res: { status?: { code: number } }) => res.status?.code;
// The init shape (not the Message variant) so tests can spread overrides into it.
type Rule = Exclude<NonNullable<DpdkRequest<"createFirewallRule">["rule"]>, { $typeName: string }>;
const anyPorts = { srcPortLower: -1, srcPortUpper: -1, dstPortLower: -1, dstPortUpper: -1 };
const tcpRule = (id: string, extra: Partial<Rule> = {}): Rule => ({
  id: t(id),
  direction: TrafficDirection.INGRESS,
  action: FirewallAction.ACCEPT,
  priority: 1000,
  sourcePrefix: prefix("1.2.3.4/16"),
  destinationPrefix: prefix("0.0.0.0/0"),
  protocolFilter: { filter: { case: "tcp", value: anyPorts } },
  ...extra,
});
const create = (rule: Rule, iface = VM1.id) =>
  dp.client.call("createFirewallRule", { interfaceId: t(iface), rule });
const ruleId = (id: string, iface = VM1.id) => ({ interfaceId: t(iface), ruleId: t(id) });

describe("firewall rules: create -> get -> list -> duplicate -> delete -> get/delete again -> re-create", () => {
  it("returns the reference's codes and reports the rule as written", async () => {
    const c = dp.client;
    const created = await create(tcpRule("fw0-vm1"));
    expect(code(created)).toBe(0);
    expect(s(created.ruleId)).toBe("fw0-vm1");
    const got = await c.call("getFirewallRule", ruleId("fw0-vm1"));
    expect(code(got)).toBe(0);
    const rule = got.rule!;
    expect({
      id: s(rule.id),
      direction: rule.direction,
      action: rule.action,
      priority: rule.priority,
      src: `${s(rule.sourcePrefix?.ip?.address)}/${rule.sourcePrefix?.length}`,
      dst: `${s(rule.destinationPrefix?.ip?.address)}/${rule.destinationPrefix?.length}`,
      filter: rule.protocolFilter?.filter,
    }).toEqual({
      id: "fw0-vm1",
      direction: TrafficDirection.INGRESS,
      action: FirewallAction.ACCEPT,
      priority: 1000,
      src: "1.2.3.4/16",
      dst: "0.0.0.0/0",
      filter: { case: "tcp", value: expect.objectContaining(anyPorts) },
    });
    expect((await c.call("listFirewallRules", { interfaceId: t(VM1.id) })).rules.map((r) => s(r.id))).toEqual(
      ["fw0-vm1"],
    );
    expect(code(await create(tcpRule("fw0-vm1")))).toBe(StatusCode.ALREADY_EXISTS);
    expect(code(await c.call("deleteFirewallRule", ruleId("fw0-vm1")))).toBe(0);
    expect(code(await c.call("getFirewallRule", ruleId("fw0-vm1")))).toBe(StatusCode.NOT_FOUND);
    expect((await c.call("listFirewallRules", { interfaceId: t(VM1.id) })).rules).toEqual([]);
    expect(code(await c.call("deleteFirewallRule", ruleId("fw0-vm1")))).toBe(StatusCode.NOT_FOUND);
    expect(code(await create(tcpRule("fw0-vm1")))).toBe(0);
    expect(code(await c.call("deleteFirewallRule", ruleId("fw0-vm1")))).toBe(0);
  });

  it("lists in insertion order and splits by direction for the pipeline", async () => {
    const c = dp.client;
    await create(tcpRule("fw0-vm1"));
    await create(
      tcpRule("fw1-vm1", {
        sourcePrefix: prefix("4.5.6.7/16"),
        direction: TrafficDirection.EGRESS,
        protocolFilter: {
          filter: { case: "udp", value: { ...anyPorts, dstPortLower: 53, dstPortUpper: 53 } },
        },
      }),
    );
    await create(
      tcpRule("fw2-vm1", {
        protocolFilter: { filter: { case: "icmp", value: { icmpType: 8, icmpCode: -1 } } },
      }),
    );
    await create(tcpRule("fw3-vm1", { protocolFilter: {} }));
    const list = async () => (await c.call("listFirewallRules", { interfaceId: t(VM1.id) })).rules;
    expect((await list()).map((r) => [s(r.id), r.protocolFilter?.filter.case])).toEqual([
      ["fw0-vm1", "tcp"],
      ["fw1-vm1", "udp"],
      ["fw2-vm1", "icmp"],
      ["fw3-vm1", undefined],
    ]);
    const iface = dp.service.state.interfaces.get(VM1.id)!;
    expect(iface.firewall.ingress.map((r) => r.id)).toEqual(["fw0-vm1", "fw2-vm1", "fw3-vm1"]);
    expect(iface.firewall.egress.map((r) => [r.id, r.filter.protocol, r.source.network.addr.value])).toEqual([
      ["fw1-vm1", 17, 0x04050000],
    ]);
    await c.call("deleteFirewallRule", ruleId("fw0-vm1"));
    expect((await list()).map((r) => s(r.id))).toEqual(["fw1-vm1", "fw2-vm1", "fw3-vm1"]);
    for (const id of ["fw1-vm1", "fw2-vm1", "fw3-vm1"]) await c.call("deleteFirewallRule", ruleId(id));
    expect(await list()).toEqual([]);
  });

  it("accepts DROP rules (we enforce them; never NO_DROP_SUPPORT) and IPv6 rules", async () => {
    const drop = await create(tcpRule("fw-drop", { action: FirewallAction.DROP }));
    expect(code(drop)).toBe(0);
    const got = await dp.client.call("getFirewallRule", ruleId("fw-drop"));
    expect(got.rule?.action).toBe(FirewallAction.DROP);
    await dp.client.call("deleteFirewallRule", ruleId("fw-drop"));
    const v6 = await create(
      tcpRule("fw-v6", { sourcePrefix: prefix("2000:100::/32"), destinationPrefix: prefix("::/0") }),
    );
    expect(code(v6)).toBe(0);
    await dp.client.call("deleteFirewallRule", ruleId("fw-v6"));
  });
});

describe("firewall rule errors", () => {
  it("answers NO_VM for unknown interfaces", async () => {
    const c = dp.client;
    expect(code(await create(tcpRule("fw0"), "invalid"))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("getFirewallRule", ruleId("fw0", "invalid")))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("deleteFirewallRule", ruleId("fw0", "invalid")))).toBe(StatusCode.NO_VM);
    expect(code(await c.call("listFirewallRules", { interfaceId: t("invalid") }))).toBe(StatusCode.NO_VM);
  });

  it("rejects malformed rules with INVALID_ARGUMENT and upstream's texts", async () => {
    const cases: [Partial<Rule>, string][] = [
      [{ id: t("") }, "Invalid rule id"],
      [{ sourcePrefix: prefix("1.2.3.4/33") }, "Invalid source_prefix.length"],
      [{ sourcePrefix: prefix("::/129") }, "Invalid ip6 source_prefix.length"],
      [{ sourcePrefix: { ip: ipv4("nope"), length: 8 } }, "Invalid source_prefix.ip"],
      [
        { sourcePrefix: { ip: { ipver: 5 as IpVersion, address: t("1.2.3.4") }, length: 8 } },
        "Invalid source_prefix.ip.ipver",
      ],
      [{ destinationPrefix: { ip: ipv6("1.2.3.4"), length: 8 } }, "Invalid destination_prefix.ip"],
      [{ destinationPrefix: prefix("10.0.0.0/40") }, "Invalid destination_prefix.length"],
      [{ direction: 3 as TrafficDirection }, "Invalid direction"],
      [{ action: 9 as FirewallAction }, "Invalid action"],
      [{ priority: 65536 }, "Invalid priority"],
      [
        { protocolFilter: { filter: { case: "tcp", value: { ...anyPorts, srcPortLower: 65536 } } } },
        "Invalid tcp.src_port_lower",
      ],
      [
        { protocolFilter: { filter: { case: "udp", value: { ...anyPorts, dstPortUpper: -2 } } } },
        "Invalid udp.dst_port_upper",
      ],
      [
        {
          protocolFilter: {
            filter: { case: "tcp", value: { ...anyPorts, srcPortLower: 100, srcPortUpper: 99 } },
          },
        },
        "Invalid tcp.src_port range",
      ],
      [
        {
          protocolFilter: {
            filter: { case: "udp", value: { ...anyPorts, dstPortLower: 100, dstPortUpper: 0 } },
          },
        },
        "Invalid udp.dst_port range",
      ],
      [
        { protocolFilter: { filter: { case: "icmp", value: { icmpType: 256, icmpCode: 0 } } } },
        "Invalid icmp.icmp_type",
      ],
      [
        { protocolFilter: { filter: { case: "icmp", value: { icmpType: 0, icmpCode: -2 } } } },
        "Invalid icmp.icmp_code",
      ],
    ];
    for (const [overrides, details] of cases) {
      const err = await dp.client.failure("createFirewallRule", {
        interfaceId: t(VM1.id),
        rule: tcpRule("fw", overrides),
      });
      expect({ details: err.details, code: err.code }).toEqual({
        details,
        code: grpc.status.INVALID_ARGUMENT,
      });
    }
    expect(await dp.client.failure("getFirewallRule", ruleId(""))).toMatchObject({
      details: "Invalid rule_id",
    });
  });

  it("accepts -1 as upper port with a real lower port (up to 65535), like upstream", async () => {
    const rule = tcpRule("fw-open", {
      protocolFilter: { filter: { case: "tcp", value: { ...anyPorts, dstPortLower: 80 } } },
    });
    expect(code(await create(rule))).toBe(0);
    await dp.client.call("deleteFirewallRule", ruleId("fw-open"));
  });
});
