import { create, fromJson, type JsonObject } from "@bufbuild/protobuf";
import { StructSchema } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import {
  type ApplyRequest,
  type CreateRequest,
  type DeleteRequest,
  DiscoverResponseSchema,
  type GetRequest,
  type ListRequest,
  ListResponseSchema,
  type PatchRequest,
  ResourceService,
  type UpdateRequest,
  WatchEventSchema,
  type WatchRequest,
} from "@ironcore-ts/gen/ironcore/api/v1/resource_pb.js";
import type { ApiServer } from "./apiServer.js";
import { apiVersionOf } from "./kindDefinition.js";
import type { ServiceRegistration } from "./serviceRegistration.js";

const asJson = (obj: ApiObject) => obj as unknown as JsonObject;
/** Top-level Struct results are messages, not unboxed JSON like Struct fields. */
const asStruct = (obj: ApiObject) => fromJson(StructSchema, asJson(obj));

function typeMetaOf(object: JsonObject | undefined): { apiVersion: string; kind: string } {
  return { apiVersion: String(object?.apiVersion ?? ""), kind: String(object?.kind ?? "") };
}

/**
 * ironcore.api.v1.ResourceService: every kind, objects as JSON. This is what ironcorectl speaks,
 * so a document from a YAML file reaches the server as it is, and the server (not the client)
 * reports every unknown or invalid field with its path.
 */
export function dynamicService(server: ApiServer): ServiceRegistration {
  const impl = {
    discover: () =>
      create(DiscoverResponseSchema, {
        kinds: server.definitions.map((d) => ({
          group: d.group,
          version: d.version,
          kind: d.kind,
          plural: d.plural,
          singular: d.singular,
          shortNames: d.shortNames ?? [],
          namespaced: d.namespaced,
          hasStatus: d.hasStatus,
          columns: (d.columns ?? []).map((c) => ({
            name: c.name,
            jsonPath: c.jsonPath,
            priority: c.priority ?? 0,
          })),
          typedService: d.service?.typeName ?? "",
          apiVersion: apiVersionOf(d),
        })),
      }),
    create: async (req: CreateRequest) => {
      const api = server.resolve(typeMetaOf(req.object));
      return asStruct(await api.create(api.normalize(req.object)));
    },
    get: async (req: GetRequest) => asStruct(await server.resolve(req).get(req.namespace, req.name)),
    list: async (req: ListRequest) => {
      const list = await server
        .resolve(req)
        .list({ namespace: req.namespace, labelSelector: req.labelSelector });
      return create(ListResponseSchema, {
        resourceVersion: list.resourceVersion,
        items: list.items.map(asJson),
      });
    },
    update: async (req: UpdateRequest) => {
      const api = server.resolve(typeMetaOf(req.object));
      const obj = api.normalize(req.object);
      return asStruct(req.status ? await api.updateStatus(obj) : await api.update(obj));
    },
    apply: async (req: ApplyRequest) => {
      const api = server.resolve(typeMetaOf(req.object));
      return asStruct(await api.apply(api.normalize(req.object)));
    },
    patch: async (req: PatchRequest) =>
      asStruct(
        await server.resolve(req).patch(req.namespace, req.name, req.patch ?? {}, { status: req.status }),
      ),
    delete: async (req: DeleteRequest) =>
      asStruct(
        await server.resolve(req).delete(req.namespace, req.name, {
          resourceVersion: req.resourceVersion,
          propagationPolicy: req.propagationPolicy,
        }),
      ),
    watch: async function* (req: WatchRequest, ctx: HandlerContext) {
      const api = server.resolve(req);
      for await (const ev of api.watch({ ...req, signal: ctx.signal })) {
        yield create(WatchEventSchema, { type: ev.type, object: asJson(ev.object) });
      }
    },
  };
  return { service: ResourceService, impl: impl as unknown as ServiceRegistration["impl"] };
}
