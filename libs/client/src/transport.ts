import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

/** "localhost:7443", "127.0.0.1:7443" or "http://host:port": a gRPC (h2c) endpoint. */
export function grpcBaseUrl(address: string): string {
  return /^https?:\/\//.test(address) ? address : `http://${address}`;
}

const transports = new Map<string, Transport>();

/** One HTTP/2 connection per address and process, shared by every client of it. */
export function grpcTransport(address: string): Transport {
  const baseUrl = grpcBaseUrl(address);
  let t = transports.get(baseUrl);
  if (!t) {
    t = createGrpcTransport({ baseUrl, pingIntervalMs: 10_000 });
    transports.set(baseUrl, t);
  }
  return t;
}
