import type { DescMessage, DescService } from "@bufbuild/protobuf";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { ObjectClient } from "@ironcore-ts/client";
import type { KindRules } from "./kindRules.js";

/** A table column for `get`: a JSONPath into the object and whether it is only shown wide. */
export interface PrinterColumn {
  name: string;
  jsonPath: string;
  /** 0: default table; 1: only with -o wide. */
  priority?: number;
}

export interface AdmissionContext {
  /** The API server this kind lives in, as a client: to create, read or delete other objects. */
  client: ObjectClient;
}

/**
 * Asynchronous hooks around a write, for what a kind needs beyond pure rules: allocating from a
 * shared pool by creating claim objects (VNIs, IP addresses), and releasing on failure or delete.
 * A hook refuses a write by throwing an ApiError. Release hooks are best effort: a process can
 * die between the write and the hook, so each allocation also needs a garbage collector.
 */
export interface KindAdmission<T extends ApiObject = ApiObject> {
  /** After defaulting and validation, before the object is stored; may change `obj`. */
  beforeCreate?(obj: T, ctx: AdmissionContext): Promise<void>;
  /** When storing after beforeCreate failed: undo its allocations. */
  onCreateFailed?(obj: T, ctx: AdmissionContext): Promise<void>;
  /** After validation of an update, before it is stored; may change `obj`. */
  beforeUpdate?(obj: T, old: T, ctx: AdmissionContext): Promise<void>;
  /** When storing after beforeUpdate failed. */
  onUpdateFailed?(obj: T, old: T, ctx: AdmissionContext): Promise<void>;
  /** After an update was stored (e.g. release what the old object held and the new does not). */
  afterUpdate?(obj: T, old: T, ctx: AdmissionContext): Promise<void>;
  /** After the object left the store. */
  afterDelete?(obj: T, ctx: AdmissionContext): Promise<void>;
}

/** Everything the generic machinery needs to serve one kind. */
export interface KindDefinition<T extends ApiObject = ApiObject> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  namespaced: boolean;
  /** The kind has a status subresource: spec writes keep status, status writes keep the rest. */
  hasStatus: boolean;
  /** The message of the object itself (its JSON is the object's JSON). */
  schema: DescMessage;
  /** The typed gRPC service of the kind (Create/Get/List/Update/UpdateStatus/Patch/Delete/Watch). */
  service?: DescService;
  rules?: KindRules<T>;
  admission?: KindAdmission<T>;
  columns?: PrinterColumn[];
}

export function apiVersionOf(def: Pick<KindDefinition, "group" | "version">): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The store collection of a kind: one per group and resource, like etcd's /registry layout. */
export function collectionOf(def: Pick<KindDefinition, "group" | "plural">): string {
  return `${def.group}/${def.plural}`;
}
