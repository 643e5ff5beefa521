import type { RouteReflector } from "@ironcore-ts/routebus";
import type { HttpRoute } from "@ironcore-ts/runtime";

/**
 * Upstream's `GET /routes.json` (metalbond.md §5): the received table as
 * `{date, vnet: {<vni>: {<destination JSON>: [NextHop...]}}, metalbondVersion}`, so scripts and
 * dashboards written against upstream keep working. HEAD gives the headers only.
 */
export function routesJsonRoute(reflector: RouteReflector): HttpRoute {
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    const body = JSON.stringify(reflector.toRoutesJson());
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
