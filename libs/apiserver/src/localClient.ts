import type { JsonObject } from "@bufbuild/protobuf";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRef, ObjectClient, ObjectListOptions, ObjectWatchOptions } from "@ironcore-ts/client";
import type { ApiServer } from "./apiServer.js";

function typeMeta(obj: ApiObject): KindRef {
  return { apiVersion: obj.apiVersion ?? "", kind: obj.kind ?? "" };
}

/**
 * An ObjectClient over an ApiServer in the same process: controllers that run inside an API
 * server (ironcore-api's own controllers, admission hooks) use it, with the same semantics as a
 * remote client but no serialization.
 */
export class LocalClient implements ObjectClient {
  constructor(private readonly server: ApiServer) {}

  get<T extends ApiObject>(ref: KindRef, namespace: string | undefined, name: string): Promise<T> {
    return this.server.resolve(ref).get(namespace, name) as Promise<T>;
  }

  list<T extends ApiObject>(ref: KindRef, options: ObjectListOptions = {}) {
    return this.server.resolve(ref).list(options) as Promise<{ items: T[]; resourceVersion: string }>;
  }

  create<T extends ApiObject>(obj: T): Promise<T> {
    const api = this.server.resolve(typeMeta(obj));
    return api.create(api.normalize(obj)) as Promise<T>;
  }

  apply<T extends ApiObject>(obj: T): Promise<T> {
    const api = this.server.resolve(typeMeta(obj));
    return api.apply(api.normalize(obj)) as Promise<T>;
  }

  update<T extends ApiObject>(obj: T, options: { status?: boolean } = {}): Promise<T> {
    const api = this.server.resolve(typeMeta(obj));
    const normalized = api.normalize(obj);
    return (options.status ? api.updateStatus(normalized) : api.update(normalized)) as Promise<T>;
  }

  patch<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    patch: JsonObject,
    options: { status?: boolean } = {},
  ): Promise<T> {
    return this.server.resolve(ref).patch(namespace, name, patch, options) as Promise<T>;
  }

  delete<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    options: { resourceVersion?: string; propagationPolicy?: string } = {},
  ): Promise<T> {
    return this.server.resolve(ref).delete(namespace, name, options) as Promise<T>;
  }

  watch<T extends ApiObject>(ref: KindRef, options: ObjectWatchOptions = {}) {
    return this.server.resolve(ref).watch(options) as AsyncIterable<{
      type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
      object: T;
    }>;
  }
}
