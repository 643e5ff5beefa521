import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus registry, served on GET /metrics. One service runs per process, so one
 * registry; other libraries register their own metrics here (`registers: [metricsRegistry]`).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

type CallLabels = "grpc_type" | "grpc_service" | "grpc_method" | "grpc_code";

/** Per-call metrics, named and labelled like go-grpc-prometheus so existing dashboards apply. */
export interface GrpcMetrics {
  handled: Counter<CallLabels>;
  handlingSeconds: Histogram<Exclude<CallLabels, "grpc_code">>;
}

const byRegistry = new WeakMap<Registry, GrpcMetrics>();

/** The call metrics in a registry, created on first use (several servers may share a registry). */
export function grpcMetrics(registry: Registry = metricsRegistry): GrpcMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      handled: new Counter({
        name: "grpc_server_handled_total",
        help: "Total number of RPCs completed on the server, regardless of success or failure.",
        labelNames: ["grpc_type", "grpc_service", "grpc_method", "grpc_code"],
        registers: [registry],
      }),
      handlingSeconds: new Histogram({
        name: "grpc_server_handling_seconds",
        help: "Histogram of response latency (seconds) of RPCs handled by the server; streams count until they end.",
        labelNames: ["grpc_type", "grpc_service", "grpc_method"],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}
