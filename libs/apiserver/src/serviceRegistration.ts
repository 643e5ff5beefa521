import type { DescService } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";

/**
 * A service and its handlers keyed by method local name, the shape Connect's router and our
 * grpc-js adapter take. Handlers are typed loosely here because generic services (one
 * implementation for every kind) cannot name their message types statically.
 */
export interface ServiceRegistration {
  service: DescService;
  impl: Record<string, (req: never, ctx: HandlerContext) => unknown>;
}
