import * as http from "node:http";
import type { Interceptor, ServiceImplSpec } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Registry } from "prom-client";
import type { Health } from "./health.js";

/** A plain HTTP handler for one path (any method; the handler decides). */
export type HttpRoute = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  services: readonly ServiceImplSpec[];
  interceptors: Interceptor[];
  registry: Registry;
  health: Health;
  /** Extra paths (exact match, query ignored), served before the Connect router. */
  routes?: Readonly<Record<string, HttpRoute>>;
}

/**
 * The HTTP/1.1 port: the Connect protocol (JSON or binary, so plain curl works) and gRPC-Web for
 * every service, plus GET /metrics (Prometheus), /healthz (the process is up) and /readyz (the
 * server's health status is SERVING; 503 while starting or stopping), and the service's own extra
 * paths (e.g. metalbond's GET /routes.json, which upstream tools expect outside any RPC scheme).
 */
export function createHttpServer(options: HttpServerOptions): http.Server {
  const connect = connectNodeAdapter({
    routes(router) {
      for (const spec of options.services) {
        for (const m of Object.values(spec.methods)) router.rpc(m.method, m.impl);
      }
    },
    interceptors: options.interceptors,
    // gRPC needs HTTP/2; it has its own port.
    grpc: false,
  });
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" || req.method === "HEAD") {
      if (path === "/metrics") return void serveMetrics(options.registry, res);
      if (path === "/healthz") return text(res, 200, "ok\n");
      if (path === "/readyz") {
        const status = options.health.status("");
        return status === "SERVING" ? text(res, 200, "ok\n") : text(res, 503, `${status ?? "UNKNOWN"}\n`);
      }
    }
    const route = options.routes && Object.hasOwn(options.routes, path) ? options.routes[path] : undefined;
    if (route) return void serveRoute(route, req, res);
    connect(req, res);
  });
}

async function serveRoute(route: HttpRoute, req: http.IncomingMessage, res: http.ServerResponse) {
  try {
    await route(req, res);
  } catch (err) {
    // A failing handler must not leave the request hanging or take the process down.
    if (!res.headersSent)
      text(res, 500, `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    else res.destroy();
  }
}

async function serveMetrics(registry: Registry, res: http.ServerResponse): Promise<void> {
  try {
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType });
    res.end(body);
  } catch (err) {
    text(res, 500, `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

function text(res: http.ServerResponse, code: number, body: string): void {
  res.writeHead(code, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
