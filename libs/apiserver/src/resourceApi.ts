import { randomUUID } from "node:crypto";
import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  type ApiError,
  type ApiObject,
  type ErrorSubject,
  errors,
  type FieldError,
  FieldPath,
  isApiError,
  type LabelSelector,
  nowTimestamp,
  parseLabelSelector,
  selectorMatches,
} from "@ironcore-ts/apimachinery";
import type { Store, StoreRecord } from "@ironcore-ts/store";
import { type AdmissionContext, apiVersionOf, collectionOf, type KindDefinition } from "./kindDefinition.js";
import { applyMergePatch } from "./mergePatch.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectMetaRules.js";
import { checkAgainstSchema } from "./schemaCheck.js";
import { stableJson } from "./stableJson.js";
import { threeWayPatch } from "./threeWayApply.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface ResourceEvent<T extends ApiObject = ApiObject> {
  type: WatchEventType;
  object: T;
}

export interface ListOptions {
  /** Empty or undefined: every namespace. */
  namespace?: string;
  /** kubectl syntax, or an already parsed selector. */
  labelSelector?: string | LabelSelector;
}

export interface WatchOptions extends ListOptions {
  /** Changes after this version; empty or "0": the current objects as ADDED first. */
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  resourceVersion?: string;
  /** Background (default) or Orphan; Foreground is treated as Background. */
  propagationPolicy?: string;
}

/** Called when an object is really gone from the store, so dependents can be collected. */
export type OrphanPolicyHook = (deleted: ApiObject) => Promise<void>;

/** The annotation that remembers what `apply` applied last, for the next three-way merge. */
export const lastAppliedAnnotation = "apply.ironcore.dev/last-applied-configuration";

const conflictRetries = 8;
const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++)
    s += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  return s;
}

/** Everything but metadata and status: what a spec change means for `generation`. */
function contentOf(obj: ApiObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return stableJson(rest);
}

function setStatus(obj: ApiObject, status: unknown): void {
  if (status === undefined) delete obj.status;
  else obj.status = status;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * The generic API of one kind over a Store: Kubernetes semantics for system metadata,
 * defaulting and validation hooks, the status subresource, optimistic concurrency, finalizers,
 * server-side apply and watch. Inputs and outputs are objects in canonical JSON form.
 */
export class ResourceApi<T extends ApiObject = ApiObject> {
  readonly apiVersion: string;
  readonly collection: string;
  /** Set by the ApiServer: handles Orphan propagation before an owner goes. */
  orphanDependents?: OrphanPolicyHook;
  /** Set by the ApiServer: what admission hooks get to reach other objects. */
  admissionContext?: AdmissionContext;

  constructor(
    private readonly store: Store,
    readonly def: KindDefinition<T>,
  ) {
    this.apiVersion = apiVersionOf(def);
    this.collection = collectionOf(def);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private subject(name: string | undefined): ErrorSubject {
    return { kind: this.def.kind, group: this.def.group, name: name ?? "" };
  }

  private namespaceOf(namespace: string | undefined): string | undefined {
    return this.def.namespaced ? namespace || "default" : undefined;
  }

  private storeName(namespace: string | undefined, name: string): string {
    return this.def.namespaced ? `${namespace}/${name}` : name;
  }

  private decode(rec: StoreRecord): T {
    const obj = JSON.parse(rec.value) as T;
    obj.metadata.resourceVersion = String(rec.resourceVersion);
    return obj;
  }

  private encode(obj: T): string {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    return JSON.stringify({ ...obj, metadata: meta });
  }

  private parseVersion(rv: string | undefined, path: string): number | undefined {
    if (!rv) return undefined;
    const n = Number(rv);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw errors.badRequest(`${path}: invalid resource version ${JSON.stringify(rv)}`);
    }
    return n;
  }

  /** Store errors carry no kind; say which object they are about. */
  private rethrow(err: unknown, name: string): never {
    if (isApiError(err, "NotFound")) throw errors.notFound(this.subject(name));
    if (isApiError(err, "AlreadyExists")) throw errors.alreadyExists(this.subject(name));
    if (isApiError(err, "Conflict"))
      throw errors.conflict(this.subject(name), "the object has been modified");
    throw err;
  }

  private invalid(name: string | undefined, causes: FieldError[]): never {
    throw errors.invalid(this.subject(name), causes);
  }

  /**
   * Turns a JSON document (from YAML or a Struct) into the kind's canonical JSON: every unknown
   * or mistyped field is reported with its path, then the schema decides the shape.
   */
  normalize(input: unknown): T {
    const { value, errors: errs } = checkAgainstSchema(input, this.def.schema);
    const name = (value.metadata as { name?: string } | undefined)?.name;
    if (errs.length > 0) this.invalid(name, errs);
    try {
      const message = fromJson(this.def.schema, value as JsonValue);
      const out = toJson(this.def.schema, message) as unknown as T;
      out.metadata ??= {};
      return out;
    } catch (err) {
      // The schema check passed, so this is a value protobuf refuses (e.g. a bad enum or base64).
      this.invalid(name, [
        FieldPath.root().invalid(undefined, err instanceof Error ? err.message : String(err)),
      ]);
    }
  }

  private checkTypeMeta(obj: T): void {
    const errs: FieldError[] = [];
    if (obj.apiVersion && obj.apiVersion !== this.apiVersion) {
      errs.push(FieldPath.root("apiVersion").invalid(obj.apiVersion, `must be ${this.apiVersion}`));
    }
    if (obj.kind && obj.kind !== this.def.kind) {
      errs.push(FieldPath.root("kind").invalid(obj.kind, `must be ${this.def.kind}`));
    }
    if (errs.length > 0) this.invalid(obj.metadata?.name, errs);
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
  }

  private validateWrite(obj: T, old?: T): void {
    const rules = this.def.rules;
    rules?.default?.(obj);
    rules?.prepareForWrite?.(obj);
    const errs = [...validateObjectMeta(obj, this.def), ...(rules?.validate?.(obj) ?? [])];
    if (old) errs.push(...validateObjectMetaUpdate(obj, old), ...(rules?.validateUpdate?.(obj, old) ?? []));
    if (errs.length > 0) this.invalid(obj.metadata.name, errs);
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(namespace: string | undefined, name: string): Promise<T> {
    const ns = this.namespaceOf(namespace);
    const rec = await this.store.get(this.collection, this.storeName(ns, name));
    if (!rec) throw errors.notFound(this.subject(name));
    return this.decode(rec);
  }

  async list(options: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const selector = this.selectorOf(options.labelSelector);
    const prefix = this.def.namespaced && options.namespace ? `${options.namespace}/` : undefined;
    const result = await this.store.list(this.collection, { prefix });
    const items: T[] = [];
    for (const rec of result.items) {
      const obj = this.decode(rec);
      if (!selector || selectorMatches(selector, obj.metadata.labels)) items.push(obj);
    }
    items.sort((a, b) =>
      this.storeName(a.metadata.namespace, a.metadata.name!).localeCompare(
        this.storeName(b.metadata.namespace, b.metadata.name!),
      ),
    );
    return { items, resourceVersion: String(result.resourceVersion) };
  }

  private selectorOf(selector: string | LabelSelector | undefined): LabelSelector | undefined {
    if (!selector) return undefined;
    return typeof selector === "string" ? parseLabelSelector(selector) : selector;
  }

  async *watch(options: WatchOptions = {}): AsyncGenerator<ResourceEvent<T>> {
    const selector = this.selectorOf(options.labelSelector);
    let from = this.parseVersion(
      options.resourceVersion === "0" ? "" : options.resourceVersion,
      "resourceVersion",
    );
    if (from === undefined) {
      const listed = await this.list({ namespace: options.namespace, labelSelector: selector });
      for (const object of listed.items) yield { type: "ADDED", object };
      from = Number(listed.resourceVersion);
    }
    const prefix = this.def.namespaced && options.namespace ? `${options.namespace}/` : undefined;
    for await (const ev of this.store.watch(this.collection, {
      fromResourceVersion: from,
      prefix,
      signal: options.signal,
    })) {
      const object = this.decode({ name: ev.name, value: ev.value, resourceVersion: ev.resourceVersion });
      if (selector && !selectorMatches(selector, object.metadata.labels)) continue;
      yield { type: ev.type, object };
    }
  }

  // ---- writes --------------------------------------------------------------------------------

  async create(input: T): Promise<T> {
    const obj = clone(input);
    obj.metadata ??= {};
    this.checkTypeMeta(obj);
    const meta = obj.metadata;
    if (meta.resourceVersion) {
      this.invalid(meta.name, [
        FieldPath.root("metadata")
          .child("resourceVersion")
          .forbidden("may not be set on objects to be created"),
      ]);
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    const namespace = this.namespaceOf(meta.namespace);
    // Cluster-scoped objects have no namespace key at all: `undefined` is not JSON.
    if (namespace) meta.namespace = namespace;
    else delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    if (this.def.hasStatus) delete obj.status;
    this.validateWrite(obj);
    const admission = this.def.admission;
    const ctx = this.context();
    await admission?.beforeCreate?.(obj, ctx);
    try {
      const value = this.encode(obj);
      const rec = await this.store.create(this.collection, this.storeName(meta.namespace, meta.name!), value);
      // What was stored, not what hooks left in memory (an `undefined` member is not JSON).
      return this.decode({ ...rec, value });
    } catch (err) {
      await admission?.onCreateFailed?.(obj, ctx);
      this.rethrow(err, meta.name!);
    }
  }

  private context(): AdmissionContext {
    if (!this.admissionContext) {
      throw new Error(`${this.def.kind}: admission context not set (create the API through an ApiServer)`);
    }
    return this.admissionContext;
  }

  /** Replaces everything but status and system metadata. */
  async update(input: T): Promise<T> {
    const old = await this.get(input.metadata?.namespace, input.metadata?.name ?? "");
    return this.replace(old, clone(input), input.metadata?.resourceVersion);
  }

  private async replace(old: T, obj: T, expectedVersion: string | undefined): Promise<T> {
    obj.metadata ??= {};
    this.checkTypeMeta(obj);
    const name = old.metadata.name!;
    if (expectedVersion && expectedVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(this.subject(name), "the object has been modified");
    }
    const meta = obj.metadata;
    meta.name = old.metadata.name;
    if (old.metadata.namespace) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.generation = old.metadata.generation;
    delete meta.generateName;
    if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (this.def.hasStatus) {
      setStatus(obj, (old as ApiObject).status);
    }
    this.validateWrite(obj, old);
    if (contentOf(obj) !== contentOf(old)) meta.generation = (old.metadata.generation ?? 1) + 1;
    const admission = this.def.admission;
    if (!admission?.beforeUpdate) return this.write(old, obj);
    const ctx = this.context();
    await admission.beforeUpdate(obj, old, ctx);
    try {
      return await this.write(old, obj);
    } catch (err) {
      await admission.onUpdateFailed?.(obj, old, ctx);
      throw err;
    }
  }

  /** Writes `obj` over `old` (at old's version), or deletes it if its last finalizer went. */
  private async write(old: T, obj: T): Promise<T> {
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    const storeName = this.storeName(old.metadata.namespace, old.metadata.name!);
    const expected = Number(old.metadata.resourceVersion);
    if (stableJson(obj) === stableJson(old)) return old;
    try {
      if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
        const rec = await this.store.delete(this.collection, storeName, expected);
        const deleted = this.decode({ ...rec, value: this.encode(obj) });
        await this.afterWrite(() => this.def.admission?.afterDelete?.(deleted, this.context()));
        return deleted;
      }
      const value = this.encode(obj);
      const rec = await this.store.update(this.collection, storeName, value, expected);
      const updated = this.decode({ ...rec, value });
      await this.afterWrite(() => this.def.admission?.afterUpdate?.(updated, old, this.context()));
      return updated;
    } catch (err) {
      this.rethrow(err, old.metadata.name!);
    }
  }

  /**
   * Release hooks run after the write is durable; their failure must not fail the write the
   * client already got, and the kind's garbage collectors reconcile what they leave behind.
   */
  private async afterWrite(hook: () => Promise<void> | undefined): Promise<void> {
    try {
      await hook();
    } catch {
      // Deliberately ignored: see above.
    }
  }

  /** Replaces the status only; everything else is kept as stored. */
  async updateStatus(input: T): Promise<T> {
    const old = await this.get(input.metadata?.namespace, input.metadata?.name ?? "");
    return this.replaceStatus(old, (input as ApiObject).status, input.metadata?.resourceVersion);
  }

  private async replaceStatus(old: T, status: unknown, expectedVersion: string | undefined): Promise<T> {
    const name = old.metadata.name!;
    if (!this.def.hasStatus) throw errors.badRequest(`${this.def.kind} has no status subresource`);
    if (expectedVersion && expectedVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(this.subject(name), "the object has been modified");
    }
    const obj = clone(old);
    setStatus(obj, clone(status));
    this.def.rules?.default?.(obj);
    const errs = this.def.rules?.validateStatus?.(obj) ?? [];
    if (errs.length > 0) this.invalid(name, errs);
    return this.write(old, obj);
  }

  /** JSON merge patch of the object (or of its status), retried on concurrent changes. */
  async patch(
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options: { status?: boolean } = {},
  ) {
    const precondition = (patch as { metadata?: { resourceVersion?: string } } | null)?.metadata
      ?.resourceVersion;
    for (let attempt = 0; ; attempt++) {
      const old = await this.get(namespace, name);
      const merged = this.normalize(applyMergePatch(old, patch));
      try {
        if (options.status) return await this.replaceStatus(old, (merged as ApiObject).status, precondition);
        return await this.replace(old, merged, precondition ?? old.metadata.resourceVersion);
      } catch (err) {
        if (!isApiError(err, "Conflict") || precondition || attempt >= conflictRetries) throw err;
      }
    }
  }

  /**
   * Create-or-update to match `input`, like `kubectl apply`: a three-way merge between what was
   * applied last time (kept in an annotation), the document, and the live object, so fields
   * that controllers own survive and fields the user dropped from the document go.
   */
  async apply(input: T): Promise<T> {
    const desired = clone(input);
    desired.metadata ??= {};
    delete desired.status;
    const { resourceVersion: _rv, ...desiredMeta } = desired.metadata;
    desired.metadata = desiredMeta;
    const annotations = { ...(desired.metadata.annotations ?? {}) };
    delete annotations[lastAppliedAnnotation];
    const applied = JSON.stringify({ ...desired, metadata: { ...desired.metadata, annotations } });
    for (let attempt = 0; ; attempt++) {
      let old: T | undefined;
      try {
        old = await this.get(desired.metadata.namespace, desired.metadata.name ?? "");
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
      }
      try {
        if (!old) {
          const created = clone(desired);
          created.metadata.annotations = { ...annotations, [lastAppliedAnnotation]: applied };
          return await this.create(created);
        }
        const lastText = old.metadata.annotations?.[lastAppliedAnnotation];
        const last = lastText ? (JSON.parse(lastText) as unknown) : {};
        const patch = threeWayPatch(last, JSON.parse(applied)) as T;
        patch.metadata ??= {};
        patch.metadata.annotations = {
          ...(patch.metadata.annotations ?? {}),
          [lastAppliedAnnotation]: applied,
        };
        const merged = this.normalize(applyMergePatch(old, patch));
        return await this.replace(old, merged, old.metadata.resourceVersion);
      } catch (err) {
        if (!(isApiError(err, "Conflict") || isApiError(err, "AlreadyExists")) || attempt >= conflictRetries)
          throw err;
      }
    }
  }

  /**
   * Deletes the object: with finalizers it only gets a deletionTimestamp and goes once the last
   * finalizer is removed; dependents are collected afterwards (or orphaned on request).
   */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<T> {
    const old = await this.get(namespace, name);
    if (options.resourceVersion && options.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(this.subject(name), "the object has been modified");
    }
    const policy = options.propagationPolicy || "Background";
    if (!["Background", "Foreground", "Orphan"].includes(policy)) {
      throw errors.badRequest(
        `propagationPolicy: unsupported value ${JSON.stringify(policy)} (Background, Foreground, Orphan)`,
      );
    }
    if (policy === "Orphan") await this.orphanDependents?.(old);
    const obj = clone(old);
    obj.metadata.deletionTimestamp ??= nowTimestamp();
    if ((old.metadata.finalizers ?? []).length > 0 && old.metadata.deletionTimestamp) return old;
    return this.write(old, obj);
  }
}

export function isConflict(err: unknown): err is ApiError {
  return isApiError(err, "Conflict");
}
