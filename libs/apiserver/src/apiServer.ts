import { setMaxListeners } from "node:events";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { errors } from "@ironcore-ts/apimachinery";
import type { Store } from "@ironcore-ts/store";
import type { Logger } from "pino";
import { dynamicService } from "./dynamicService.js";
import { GarbageCollector } from "./garbageCollector.js";
import { apiVersionOf, type KindDefinition } from "./kindDefinition.js";
import { LocalClient } from "./localClient.js";
import { ResourceApi } from "./resourceApi.js";
import type { ServiceRegistration } from "./serviceRegistration.js";
import { typedService } from "./typedService.js";

export interface ApiServerOptions {
  store: Store;
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own object type; the server holds them all.
  kinds: ReadonlyArray<KindDefinition<any>>;
  logger: Logger;
}

/**
 * One API server's kinds over one store: a ResourceApi per kind, their typed gRPC services, the
 * dynamic ResourceService, and the garbage collector that removes dependents of deleted owners.
 */
export class ApiServer {
  readonly definitions: readonly KindDefinition[];
  private readonly apis = new Map<string, ResourceApi>();
  readonly garbageCollector: GarbageCollector;
  private readonly abort = new AbortController();
  /** This server as an ObjectClient, for in-process controllers and admission hooks. */
  readonly client: LocalClient = new LocalClient(this);

  constructor(options: ApiServerOptions) {
    // One watch per kind (garbage collector) listens on this signal: not a leak.
    setMaxListeners(0, this.abort.signal);
    this.definitions = options.kinds as readonly KindDefinition[];
    for (const def of this.definitions) {
      const api = new ResourceApi(options.store, def);
      this.apis.set(`${apiVersionOf(def)}/${def.kind}`, api);
      api.orphanDependents = (owner) => this.orphanDependents(owner);
      api.admissionContext = { client: this.client };
    }
    this.garbageCollector = new GarbageCollector(
      [...this.apis.values()],
      (apiVersion, kind) => this.apis.get(`${apiVersion}/${kind}`),
      options.logger.child({ component: "garbage-collector" }),
    );
  }

  /** The API of a kind, by apiVersion and kind. */
  resolve({ apiVersion, kind }: { apiVersion: string; kind: string }): ResourceApi {
    const api = this.apis.get(`${apiVersion}/${kind}`);
    if (api) return api;
    if (!apiVersion || !kind) throw errors.badRequest("apiVersion and kind are required");
    throw errors.notFound({ kind, group: "", name: `${apiVersion}/${kind}` });
  }

  /** The API of a kind, typed: `server.api<NetworkObject>("Network")`. */
  api<T extends ApiObject = ApiObject>(kind: string): ResourceApi<T> {
    for (const api of this.apis.values()) if (api.def.kind === kind) return api as unknown as ResourceApi<T>;
    throw new Error(`no kind ${kind} in this server`);
  }

  services(): ServiceRegistration[] {
    const typed = [...this.apis.values()].filter((a) => a.def.service).map((a) => typedService(a));
    return [...typed, dynamicService(this)];
  }

  /** Starts background work (garbage collection); resolves once it has synced. */
  start(): Promise<void> {
    return this.garbageCollector.start(this.abort.signal);
  }

  stop(): void {
    this.abort.abort();
  }

  private async orphanDependents(owner: ApiObject): Promise<void> {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const dep of this.garbageCollector.dependentsOf(uid)) {
      const current = await dep.api.get(dep.namespace, dep.name).catch(() => undefined);
      if (!current) continue;
      const ownerReferences = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await dep.api.patch(dep.namespace, dep.name, { metadata: { ownerReferences } });
    }
  }
}
