import { createLogger, EnvConfig } from "@ironcore-ts/runtime";
import { parseNodeUnderlay } from "../config.js";
import { loadDataplaneConfig } from "../pipeline/index.js";
import { type RunningDpservice, startDpservice } from "../startDpservice.js";
import { consecutivePciAddresses } from "../state/pciAddress.js";
import { DpdkTestClient, t } from "./dpdkTestClient.js";

export const NODE_UNDERLAY = "fc00:1::/64";
export const VFS = consecutivePciAddresses("0000:3b:00.2", 8);

/** The interfaces upstream's gRPC tests start from (test/local: VM1, VM2 in VNI 100, VM3 in 200). */
export const VM1 = { id: "vm1", vf: VFS[0]!, vni: 100, ip: "10.100.1.1", ipv6: "2000:100:1::1" };
export const VM2 = { id: "vm2", vf: VFS[1]!, vni: 100, ip: "10.100.1.2", ipv6: "2000:100:1::2" };
export const VM3 = { id: "vm3", vf: VFS[2]!, vni: 200, ip: "10.200.1.3", ipv6: "2000:200:1::3" };
/** Spare: created and deleted by the tests. */
export const VM4 = { id: "vm4", vf: VFS[3]!, vni: 100, ip: "10.100.1.4", ipv6: "2000:100:1::4" };

export interface TestDpservice {
  service: RunningDpservice;
  client: DpdkTestClient;
  stop(): Promise<void>;
}

/** A dpservice on free loopback ports and a client; optionally Initialized with VM1..VM3. */
export async function startTestDpservice(options: { initialize?: boolean; withVms?: boolean } = {}) {
  const service = await startDpservice({
    logger: createLogger("dpservice-test", { level: "silent" }),
    grpc: { host: "127.0.0.1", port: 0 },
    http: { host: "127.0.0.1", port: 0 },
    hostUnderlay: parseNodeUnderlay("test", NODE_UNDERLAY),
    vfNames: VFS,
    shutdownTimeoutMs: 1000,
    // Several nodes run in one test process: every one gets its own (free) fabric port.
    dataplane: { ...loadDataplaneConfig(new EnvConfig({}), "test"), fabricPort: 0 },
  });
  const client = new DpdkTestClient(service.grpcPort);
  if (options.initialize ?? true) await client.call("initialize", {});
  if (options.withVms ?? true) for (const vm of [VM1, VM2, VM3]) await createVm(client, vm);
  return {
    service,
    client,
    stop: async () => {
      client.close();
      await service.stop();
    },
  } satisfies TestDpservice;
}

export function createVm(
  client: DpdkTestClient,
  vm: typeof VM1,
  extra: { preferredUnderlayRoute?: string } = {},
) {
  return client.call("createInterface", {
    interfaceId: t(vm.id),
    vni: vm.vni,
    deviceName: vm.vf,
    ipv4Config: { primaryAddress: t(vm.ip) },
    ipv6Config: { primaryAddress: t(vm.ipv6) },
    preferredUnderlayRoute: t(extra.preferredUnderlayRoute ?? ""),
  });
}
