import type { DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { deserializer, serializer } from "@ironcore-ts/runtime";

/** A plain grpc-js client for any service descriptor (tests). */
export class UnaryClient<S extends DescService> {
  private readonly client: grpc.Client;

  constructor(
    private readonly service: S,
    port: number,
  ) {
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  call<K extends keyof S["method"] & string>(
    method: K,
    request: MessageInitShape<S["method"][K]["input"]>,
  ): Promise<MessageShape<S["method"][K]["output"]>> {
    const m = this.service.method[method];
    if (!m) throw new Error(`no method ${method}`);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${this.service.typeName}/${m.name}`,
        serializer(m.input),
        deserializer(m.output),
        request,
        (err, res) => (err || !res ? reject(err) : resolve(res as MessageShape<S["method"][K]["output"]>)),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
