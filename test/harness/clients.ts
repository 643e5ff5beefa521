// Typed clients for the harness: Connect clients over the gRPC port (HTTP/2, what grpcurl and the
// upstream Go/C++ clients speak), plus the text helpers of dpservice's wire convention.
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { DPDKironcore, IpVersion } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { DataplaneService } from "@ironcore-ts/gen/ironcore/dpservice/v1/dataplane_pb.js";
import { MetalbondService } from "@ironcore-ts/gen/ironcore/metalbond/v1/metalbond_pb.js";

export type DpdkClient = Client<typeof DPDKironcore>;
/** Our extension API next to DPDKironcore: VM ports, inject/trace, flows, counters. */
export type DataplaneClient = Client<typeof DataplaneService>;
export type MetalbondClient = Client<typeof MetalbondService>;

function transport(port: number) {
  return createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` });
}

export function dpdkClient(grpcPort: number): DpdkClient {
  return createClient(DPDKironcore, transport(grpcPort));
}

export function dataplaneClient(grpcPort: number): DataplaneClient {
  return createClient(DataplaneService, transport(grpcPort));
}

export function metalbondClient(grpcPort: number): MetalbondClient {
  return createClient(MetalbondService, transport(grpcPort));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** dpservice carries ids and addresses as text inside bytes fields. */
export const t = (text: string): Uint8Array => encoder.encode(text);
export const s = (bytes: Uint8Array | undefined): string => decoder.decode(bytes ?? new Uint8Array());

export function ipAddress(text: string) {
  return { ipver: text.includes(":") ? IpVersion.IPV6 : IpVersion.IPV4, address: t(text) };
}

/** "10.0.0.1/32" as a dpservice Prefix message. */
export function prefixMessage(cidr: string) {
  const [address = "", length = "0"] = cidr.split("/");
  return { ip: ipAddress(address), length: Number(length) };
}

/** A dpservice response status: code 0 is success, anything else a dpservice error code. */
export interface DpStatus {
  code: number;
  message: string;
}

/** Throws on a dpservice status error, unless its code is one the caller tolerates. */
export function checkStatus(
  what: string,
  status: DpStatus | undefined,
  tolerated: readonly number[] = [],
): void {
  const code = status?.code ?? 0;
  if (code !== 0 && !tolerated.includes(code)) {
    throw new Error(`${what}: dpservice status ${code} ${status?.message ?? ""}`.trim());
  }
}
