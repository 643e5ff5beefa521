import { StatusCode } from "@ironcore-ts/dpservice";
import {
  MemoryRouteBus,
  NatsRouteBus,
  type Route,
  type RouteBusClient,
  routeKey,
  type StoreRouteBus,
} from "@ironcore-ts/routebus";
import { checkStatus, type DpdkClient, ipAddress, prefixMessage, s } from "./clients.js";

/**
 * The stand-in for metalnet's route handling (metalnet.md §7, §11) until the metalnet service
 * exists; it does only the part a bus-programmed data path needs:
 *
 * - announce: every interface dpservice reports (ListInterfaces) as `<vni>, <ip>/32 (or /128) ->
 *   <interface underlay>` STANDARD, and subscribe to the interface's VNI (metalnet subscribes once
 *   the VNI is in use in dpservice);
 * - receive: STANDARD routes become dpservice CreateRoute(vni, dest, nexthop vni = vni, nexthop ip =
 *   target), ROUTE_EXISTS ignored; removals DeleteRoute, NO_VNI/ROUTE_NOT_FOUND/ROUTE_BAD_PORT
 *   ignored, exactly as metalnet does.
 *
 * Not covered (metalnet's job): the public VNI and its 0/0 default router, NAT, load balancer
 * targets, VIPs, alias prefixes, peering. When metalnet lands, the harness should use it instead.
 */
export class RouteAgent {
  /** dpservice calls that failed (other than the tolerated codes); a test should expect none. */
  readonly errors: string[] = [];
  private readonly announced = new Map<string, Route>();
  private readonly subscribed = new Set<number>();
  /** Bus callbacks are synchronous; the dpservice calls they cause run one at a time, in bus order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly offs: Array<() => void> = [];

  private constructor(
    readonly node: string,
    readonly bus: StoreRouteBus,
    private readonly dpdk: DpdkClient,
  ) {
    this.offs.push(
      bus.onAdd((route) => this.enqueue(() => this.install(route))),
      bus.onRemove((route) => this.enqueue(() => this.uninstall(route))),
    );
  }

  /** Connects the bus client (origin = the node name) and starts mirroring routes into dpservice. */
  static async start(options: { node: string; bus: StoreRouteBus; dpdk: DpdkClient }): Promise<RouteAgent> {
    const agent = new RouteAgent(options.node, options.bus, options.dpdk);
    await options.bus.connect();
    return agent;
  }

  /** The bus client, for assertions on what it sees. */
  get client(): RouteBusClient {
    return this.bus;
  }

  /**
   * Brings announcements and subscriptions in line with dpservice's interfaces (what metalnet's
   * reconcile does per NetworkInterface): new ones announced, gone ones withdrawn. Resolves once
   * the bus has stored the changes and delivered the full table of any newly subscribed VNI, and
   * the dpservice calls that caused have been made.
   */
  async sync(): Promise<void> {
    const res = await this.dpdk.listInterfaces({});
    checkStatus("ListInterfaces", res.status);
    const wanted = new Map<string, Route>();
    const vnis = new Set<number>();
    for (const iface of res.interfaces) {
      const underlay = s(iface.underlayRoute);
      vnis.add(iface.vni);
      for (const [ip, length] of [
        [s(iface.primaryIpv4), 32],
        [s(iface.primaryIpv6), 128],
      ] as const) {
        if (ip === "" || ip === "0.0.0.0" || ip === "::") continue;
        const route: Route = {
          vni: iface.vni,
          destination: { ipVersion: length === 32 ? 4 : 6, prefix: `${ip}/${length}` },
          nextHop: { targetAddress: underlay, targetVni: 0, type: "STANDARD" },
        };
        wanted.set(routeKey(route), route);
      }
    }
    for (const [key, route] of this.announced) {
      if (wanted.has(key)) continue;
      await this.bus.withdraw(route);
      this.announced.delete(key);
    }
    for (const [key, route] of wanted) {
      if (this.announced.has(key)) continue;
      await this.bus.announce(route);
      this.announced.set(key, route);
    }
    for (const vni of vnis) {
      if (this.subscribed.has(vni)) continue;
      await this.bus.subscribe(vni);
      this.subscribed.add(vni);
    }
    for (const vni of this.subscribed) {
      if (vnis.has(vni)) continue;
      await this.bus.unsubscribe(vni);
      this.subscribed.delete(vni);
    }
    await this.idle();
  }

  /** Resolves when every dpservice call queued so far has been made. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.errors.push(err instanceof Error ? err.message : String(err));
    });
  }

  private async install(route: Route): Promise<void> {
    if (route.nextHop.type !== "STANDARD") return;
    const res = await this.dpdk.createRoute({
      vni: route.vni,
      route: {
        prefix: prefixMessage(route.destination.prefix),
        nexthopVni: route.vni,
        nexthopAddress: ipAddress(route.nextHop.targetAddress),
      },
    });
    checkStatus(`CreateRoute ${route.vni} ${route.destination.prefix}`, res.status, [
      StatusCode.ROUTE_EXISTS,
    ]);
  }

  private async uninstall(route: Route): Promise<void> {
    if (route.nextHop.type !== "STANDARD") return;
    const res = await this.dpdk.deleteRoute({
      vni: route.vni,
      route: { prefix: prefixMessage(route.destination.prefix) },
    });
    checkStatus(`DeleteRoute ${route.vni} ${route.destination.prefix}`, res.status, [
      StatusCode.NO_VNI,
      StatusCode.ROUTE_NOT_FOUND,
      StatusCode.ROUTE_BAD_PORT,
    ]);
  }

  /** A clean stop: withdraws this node's routes and leaves the bus. */
  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    await this.bus.close();
    await this.queue;
  }

  /**
   * The agent process dies: its bus connection drops without a single withdrawal, so the others
   * only learn it from the missing heartbeats.
   */
  async kill(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    if (this.bus instanceof NatsRouteBus) await this.bus.connection?.close();
    else if (this.bus instanceof MemoryRouteBus) this.bus.hub.crash(this.bus);
    else throw new Error("cannot kill this kind of bus client");
  }
}
