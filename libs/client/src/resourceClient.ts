import { type JsonObject, toJson } from "@bufbuild/protobuf";
import { type Struct, StructSchema } from "@bufbuild/protobuf/wkt";
import { type Client, createClient } from "@connectrpc/connect";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { type ResourceKind, ResourceService } from "@ironcore-ts/gen/ironcore/api/v1/resource_pb.js";
import { call, toApiError } from "./clientError.js";
import type { KindRef, ObjectClient, ObjectEventType } from "./objectClient.js";
import { grpcTransport } from "./transport.js";

const asObject = (s: JsonObject | undefined) => (s ?? { metadata: {} }) as unknown as ApiObject;
const fromStruct = (s: Struct) => toJson(StructSchema, s) as unknown as ApiObject;
const asJson = (o: ApiObject) => o as unknown as JsonObject;

/**
 * The dynamic client of an API server (ironcore.api.v1.ResourceService): any kind, objects as
 * JSON, errors as ApiErrors. What ironcorectl and the cross-service controllers use.
 */
export class ResourceClient implements ObjectClient {
  readonly raw: Client<typeof ResourceService>;
  private kindsCache?: Promise<ResourceKind[]>;

  constructor(readonly address: string) {
    this.raw = createClient(ResourceService, grpcTransport(address));
  }

  kinds(): Promise<ResourceKind[]> {
    this.kindsCache ??= call(this.raw.discover({})).then((r) => r.kinds);
    return this.kindsCache;
  }

  async create<T extends ApiObject>(obj: T): Promise<T> {
    return fromStruct(await call(this.raw.create({ object: asJson(obj) }))) as T;
  }

  async apply<T extends ApiObject>(obj: T): Promise<T> {
    return fromStruct(await call(this.raw.apply({ object: asJson(obj) }))) as T;
  }

  async update<T extends ApiObject>(obj: T, options: { status?: boolean } = {}): Promise<T> {
    return fromStruct(
      await call(this.raw.update({ object: asJson(obj), status: options.status ?? false })),
    ) as T;
  }

  async get<T extends ApiObject>(ref: KindRef, namespace: string | undefined, name: string): Promise<T> {
    return fromStruct(await call(this.raw.get({ ...ref, namespace: namespace ?? "", name }))) as T;
  }

  async list<T extends ApiObject>(
    ref: KindRef,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const r = await call(
      this.raw.list({
        ...ref,
        namespace: options.namespace ?? "",
        labelSelector: options.labelSelector ?? "",
      }),
    );
    return { items: r.items.map((i) => asObject(i) as T), resourceVersion: r.resourceVersion };
  }

  async patch<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    patch: JsonObject,
    options: { status?: boolean } = {},
  ): Promise<T> {
    return fromStruct(
      await call(
        this.raw.patch({ ...ref, namespace: namespace ?? "", name, patch, status: options.status ?? false }),
      ),
    ) as T;
  }

  async delete<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    options: { resourceVersion?: string; propagationPolicy?: string } = {},
  ): Promise<T> {
    return fromStruct(
      await call(
        this.raw.delete({
          ...ref,
          namespace: namespace ?? "",
          name,
          resourceVersion: options.resourceVersion ?? "",
          propagationPolicy: options.propagationPolicy ?? "",
        }),
      ),
    ) as T;
  }

  async *watch<T extends ApiObject>(
    ref: KindRef,
    options: {
      namespace?: string;
      labelSelector?: string;
      resourceVersion?: string;
      signal?: AbortSignal;
    } = {},
  ): AsyncGenerator<{ type: ObjectEventType; object: T }> {
    try {
      const stream = this.raw.watch(
        {
          ...ref,
          namespace: options.namespace ?? "",
          labelSelector: options.labelSelector ?? "",
          resourceVersion: options.resourceVersion ?? "",
        },
        { signal: options.signal },
      );
      for await (const ev of stream) {
        yield { type: ev.type as ObjectEventType, object: asObject(ev.object) as T };
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw toApiError(err);
    }
  }
}
