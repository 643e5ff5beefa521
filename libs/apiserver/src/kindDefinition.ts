import type { DescMessage, DescService } from "@bufbuild/protobuf";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { KindRules } from "./kindRules.js";

/** A table column for `get`: a JSONPath into the object and whether it is only shown wide. */
export interface PrinterColumn {
  name: string;
  jsonPath: string;
  /** 0: default table; 1: only with -o wide. */
  priority?: number;
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
  columns?: PrinterColumn[];
}

export function apiVersionOf(def: Pick<KindDefinition, "group" | "version">): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The store collection of a kind: one per group and resource, like etcd's /registry layout. */
export function collectionOf(def: Pick<KindDefinition, "group" | "plural">): string {
  return `${def.group}/${def.plural}`;
}
