import type { JsonObject } from "@bufbuild/protobuf";
import type { ApiObject } from "@ironcore-ts/apimachinery";

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export type ObjectEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface ObjectListOptions {
  namespace?: string;
  labelSelector?: string;
}

export interface ObjectWatchOptions extends ObjectListOptions {
  resourceVersion?: string;
  signal?: AbortSignal;
}

/**
 * What a controller needs from an API server, whether it runs in the same process (over the
 * ApiServer directly) or talks to it over gRPC (ResourceClient). Controllers are written against
 * this, so where they run is a wiring decision. Errors are ApiErrors.
 */
export interface ObjectClient {
  get<T extends ApiObject>(ref: KindRef, namespace: string | undefined, name: string): Promise<T>;
  list<T extends ApiObject>(
    ref: KindRef,
    options?: ObjectListOptions,
  ): Promise<{ items: T[]; resourceVersion: string }>;
  create<T extends ApiObject>(obj: T): Promise<T>;
  apply<T extends ApiObject>(obj: T): Promise<T>;
  update<T extends ApiObject>(obj: T, options?: { status?: boolean }): Promise<T>;
  patch<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    patch: JsonObject,
    options?: { status?: boolean },
  ): Promise<T>;
  delete<T extends ApiObject>(
    ref: KindRef,
    namespace: string | undefined,
    name: string,
    options?: { resourceVersion?: string; propagationPolicy?: string },
  ): Promise<T>;
  watch<T extends ApiObject>(
    ref: KindRef,
    options?: ObjectWatchOptions,
  ): AsyncIterable<{ type: ObjectEventType; object: T }>;
}
