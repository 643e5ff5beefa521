import {
  create,
  type DescMessage,
  type DescMethod,
  fromJson,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { ResourceApi } from "./resourceApi.js";
import type { ServiceRegistration } from "./serviceRegistration.js";

interface NamespacedName {
  namespace: string;
  name: string;
}

interface DeleteMessage extends NamespacedName {
  resourceVersion: string;
  propagationPolicy: string;
}

interface PatchMessage extends NamespacedName {
  patch?: JsonValue;
  status: boolean;
}

interface ListMessage {
  namespace: string;
  labelSelector: string;
}

interface WatchMessage extends ListMessage {
  resourceVersion: string;
}

/**
 * The typed gRPC service of one kind (NetworkService, ...), bound to its ResourceApi: messages
 * are converted to the canonical JSON the API works on and back. Written once for every kind.
 */
export function typedService(api: ResourceApi): ServiceRegistration {
  const service = api.def.service;
  if (!service) throw new Error(`${api.def.kind} has no typed service`);
  const schema = api.def.schema;
  const toObject = (msg: unknown) => {
    const obj = toJson(schema, msg as never) as unknown as ApiObject;
    obj.metadata ??= {};
    return obj;
  };
  const toMessage = (obj: ApiObject) =>
    fromJson(schema, obj as unknown as JsonValue, { ignoreUnknownFields: true });

  const handlers: Record<string, (req: never, ctx: HandlerContext) => unknown> = {
    create: (req) => api.create(toObject(req)).then(toMessage),
    get: (req: NamespacedName) => api.get(req.namespace, req.name).then(toMessage),
    list: async (req: ListMessage) => {
      const list = await api.list({ namespace: req.namespace, labelSelector: req.labelSelector });
      const output = methodOf(service.methods, "List").output;
      return create(output, {
        metadata: { resourceVersion: list.resourceVersion },
        items: list.items.map(toMessage),
      } as never);
    },
    update: (req) => api.update(toObject(req)).then(toMessage),
    updateStatus: (req) => api.updateStatus(toObject(req)).then(toMessage),
    patch: (req: PatchMessage) =>
      api.patch(req.namespace, req.name, req.patch ?? {}, { status: req.status }).then(toMessage),
    delete: (req: DeleteMessage) =>
      api
        .delete(req.namespace, req.name, {
          resourceVersion: req.resourceVersion,
          propagationPolicy: req.propagationPolicy,
        })
        .then(toMessage),
    watch: async function* (req: WatchMessage, ctx: HandlerContext) {
      const output: DescMessage = methodOf(service.methods, "Watch").output;
      for await (const ev of api.watch({ ...req, signal: ctx.signal })) {
        yield create(output, { type: ev.type, object: toMessage(ev.object) } as never);
      }
    },
  };
  const impl: Record<string, (req: never, ctx: HandlerContext) => unknown> = {};
  for (const method of service.methods) {
    const handler = handlers[method.localName];
    if (!handler) throw new Error(`${service.typeName}.${method.name} has no generic handler`);
    impl[method.localName] = handler;
  }
  // Generic handlers cannot name each kind's message types; the method descriptors they were
  // looked up by guarantee the shapes at run time.
  return { service, impl: impl as unknown as ServiceRegistration["impl"] };
}

function methodOf(methods: readonly DescMethod[], name: string): DescMethod {
  const m = methods.find((x) => x.name === name);
  if (!m) throw new Error(`no method ${name}`);
  return m;
}
