// Test support only (not exported): a typed client for a started metalbond, route builders and a
// Watch recorder.
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { MetalbondService, type WatchEvent } from "@ironcore-ts/gen/ironcore/metalbond/v1/metalbond_pb.js";
import type { Route, RoutesJson } from "@ironcore-ts/routebus";
import { createLogger } from "@ironcore-ts/runtime";

export const silentLogger = createLogger("metalbond-test", { level: "silent" });

export type MetalbondClient = Client<typeof MetalbondService>;

/** A Connect client over the gRPC port (HTTP/2, as grpcurl and the Go clients talk). */
export function metalbondClient(grpcPort: number): MetalbondClient {
  return createClient(MetalbondService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${grpcPort}` }));
}

export async function routesJson(httpPort: number): Promise<RoutesJson> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/routes.json`);
  if (res.status !== 200) throw new Error(`GET /routes.json: ${res.status}`);
  return (await res.json()) as RoutesJson;
}

export function std(vni: number, prefix: string, target: string): Route {
  const ipVersion = prefix.includes(":") ? 6 : 4;
  return {
    vni,
    destination: { ipVersion, prefix },
    nextHop: { targetAddress: target, targetVni: 0, type: "STANDARD" },
  };
}

export function nat(vni: number, prefix: string, target: string, from: number, to: number): Route {
  const route = std(vni, prefix, target);
  return { ...route, nextHop: { ...route.nextHop, type: "NAT", natPortRangeFrom: from, natPortRangeTo: to } };
}

/** "<vni> <prefix> -> <target>" of a ListRoutes/Watch route, for readable assertions. */
export function describeRoute(route: WatchEvent["route"]): string {
  const hop = route?.nextHop;
  const ports = hop?.type === "NAT" ? ` ${hop.natPortRangeFrom}-${hop.natPortRangeTo}` : "";
  return `${route?.vni} ${route?.destination?.prefix} -> ${hop?.targetAddress} ${hop?.type}${ports}`;
}

/** Reads a Watch stream in the background: every event as "ADDED <route>", "REMOVED <route>", "SYNCED". */
export class WatchRecorder {
  readonly events: string[] = [];
  error: unknown;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(client: MetalbondClient, request: { vni?: number; changesOnly?: boolean } = {}) {
    this.done = (async () => {
      try {
        for await (const e of client.watch(request, { signal: this.abort.signal })) {
          this.events.push(e.type === "SYNCED" ? "SYNCED" : `${e.type} ${describeRoute(e.route)}`);
        }
      } catch (err) {
        if (!this.abort.signal.aborted) this.error = err;
      }
    })();
  }

  /** Events after the SYNCED marker (the live part). */
  get live(): string[] {
    const i = this.events.indexOf("SYNCED");
    return i < 0 ? [] : this.events.slice(i + 1);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
