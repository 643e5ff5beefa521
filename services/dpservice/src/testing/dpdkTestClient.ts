import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { deserializer, serializer } from "@ironcore-ts/runtime";

type Methods = typeof DPDKironcore.method;
export type DpdkMethod = keyof Methods;
export type DpdkRequest<K extends DpdkMethod> = MessageInitShape<Methods[K]["input"]>;
export type DpdkResponse<K extends DpdkMethod> = MessageShape<Methods[K]["output"]>;

/**
 * A plain grpc-js client for DPDKironcore (what upstream's C++/Go clients are on the wire), with
 * text helpers: IDs and addresses go as text in bytes fields.
 */
export class DpdkTestClient {
  private readonly client: grpc.Client;

  constructor(port: number) {
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  call<K extends DpdkMethod>(method: K, request: DpdkRequest<K>): Promise<DpdkResponse<K>> {
    const m = DPDKironcore.method[method];
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${DPDKironcore.typeName}/${m.name}`,
        serializer(m.input),
        deserializer(m.output),
        request,
        (err, res) => (err || !res ? reject(err) : resolve(res as DpdkResponse<K>)),
      );
    });
  }

  /** The gRPC error of a call expected to fail at the gRPC level. */
  async failure<K extends DpdkMethod>(method: K, request: DpdkRequest<K>): Promise<grpc.ServiceError> {
    try {
      await this.call(method, request);
    } catch (err) {
      return err as grpc.ServiceError;
    }
    throw new Error(`${method} succeeded at the gRPC level`);
  }

  close(): void {
    this.client.close();
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as the bytes of an id/address field. */
export const t = (text: string): Uint8Array => encoder.encode(text);
/** A bytes field as text. */
export const s = (bytes: Uint8Array | undefined): string => decoder.decode(bytes ?? new Uint8Array());

export const ipv4 = (text: string) => ({ ipver: 0, address: t(text) });
export const ipv6 = (text: string) => ({ ipver: 1, address: t(text) });

/** "10.0.0.0/24" or "2001:db8::/64" as a Prefix message. */
export function prefix(cidr: string) {
  const [addr = "", len = "0"] = cidr.split("/");
  return { ip: addr.includes(":") ? ipv6(addr) : ipv4(addr), length: Number(len) };
}
