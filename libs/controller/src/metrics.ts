import { Counter, Gauge, Histogram, type Registry, register } from "prom-client";

/**
 * Metric families are created once per registry and shared by every queue and controller on it,
 * told apart by their `name` / `controller` label: prom-client refuses a second metric of the
 * same name, and many queues in one process is the normal case.
 */
export interface WorkQueueMetrics {
  depth: Gauge<"name">;
  adds: Counter<"name">;
  retries: Counter<"name">;
  queueDuration: Histogram<"name">;
  workDuration: Histogram<"name">;
}

export interface ControllerMetrics {
  reconciles: Counter<"controller" | "result">;
  reconcileErrors: Counter<"controller">;
  reconcileTime: Histogram<"controller">;
  activeWorkers: Gauge<"controller">;
}

// Seconds, from 10 µs to about 17 minutes, as the client-go work queue metrics use.
const durationBuckets = [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000];

/** Reuses a family already on the registry (registered, say, by another copy of this module). */
function family<M>(registry: Registry, name: string, create: (registers: Registry[]) => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create([registry]);
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]) {
  return family(registry, name, (registers) => new Gauge<L>({ name, help, labelNames, registers }));
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]) {
  return family(registry, name, (registers) => new Counter<L>({ name, help, labelNames, registers }));
}

function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]) {
  return family(
    registry,
    name,
    (registers) => new Histogram<L>({ name, help, labelNames, buckets: durationBuckets, registers }),
  );
}

const queueMetricsByRegistry = new WeakMap<Registry, WorkQueueMetrics>();
const controllerMetricsByRegistry = new WeakMap<Registry, ControllerMetrics>();

export function workQueueMetrics(registry: Registry = register): WorkQueueMetrics {
  let m = queueMetricsByRegistry.get(registry);
  if (!m) {
    m = {
      depth: gauge(registry, "workqueue_depth", "Current depth of the work queue", ["name"]),
      adds: counter(registry, "workqueue_adds_total", "Total number of adds handled by the work queue", [
        "name",
      ]),
      retries: counter(
        registry,
        "workqueue_retries_total",
        "Total number of rate-limited retries handled by the work queue",
        ["name"],
      ),
      queueDuration: histogram(
        registry,
        "workqueue_queue_duration_seconds",
        "How long an item waits in the work queue before being handed out",
        ["name"],
      ),
      workDuration: histogram(
        registry,
        "workqueue_work_duration_seconds",
        "How long processing an item from the work queue takes",
        ["name"],
      ),
    };
    queueMetricsByRegistry.set(registry, m);
  }
  return m;
}

export function controllerMetrics(registry: Registry = register): ControllerMetrics {
  let m = controllerMetricsByRegistry.get(registry);
  if (!m) {
    m = {
      reconciles: counter(
        registry,
        "controller_reconcile_total",
        "Total number of reconciliations per controller and result",
        ["controller", "result"],
      ),
      reconcileErrors: counter(
        registry,
        "controller_reconcile_errors_total",
        "Total number of reconciliation errors per controller",
        ["controller"],
      ),
      reconcileTime: histogram(
        registry,
        "controller_reconcile_time_seconds",
        "Length of time per reconciliation per controller",
        ["controller"],
      ),
      activeWorkers: gauge(
        registry,
        "controller_active_workers",
        "Number of workers currently reconciling, per controller",
        ["controller"],
      ),
    };
    controllerMetricsByRegistry.set(registry, m);
  }
  return m;
}
