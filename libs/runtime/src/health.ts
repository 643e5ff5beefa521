import type * as grpc from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";

export type { ServingStatus } from "grpc-health-check";

type HealthServer = Parameters<HealthImplementation["addToServer"]>[0];

/**
 * grpc.health.v1.Health for one gRPC server (grpc-health-check), plus what the HTTP probes and the
 * shutdown need: reading a status back, and ending Watch streams so a graceful stop does not wait
 * for clients that watch forever.
 */
export class Health {
  private readonly impl = new HealthImplementation();
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watches = new Set<{ end(): void }>();

  /** Sets the status of `service` ("" is the whole server). */
  setStatus(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    this.impl.setStatus(service, status);
  }

  /** Sets "" and every service that has a status. */
  setAll(status: ServingStatus): void {
    for (const service of new Set(["", ...this.statuses.keys()])) this.setStatus(service, status);
  }

  status(service = ""): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  addToServer(server: grpc.Server): void {
    const watches = this.watches;
    const tracking: HealthServer = {
      addService(service, implementation) {
        const watch = implementation.watch;
        server.addService(service, {
          ...implementation,
          watch(call: grpc.ServerWritableStream<unknown, unknown>) {
            watches.add(call);
            call.once("cancelled", () => watches.delete(call));
            // grpc-health-check registers Watch as a server-streaming handler.
            (watch as grpc.handleServerStreamingCall<unknown, unknown> | undefined)?.(call);
          },
        });
      },
    };
    this.impl.addToServer(tracking);
  }

  /** Ends every open Watch stream (with OK); clients see the last status they were sent. */
  endWatches(): void {
    for (const call of this.watches) call.end();
    this.watches.clear();
  }
}
