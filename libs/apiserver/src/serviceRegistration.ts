import type { DescService } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";

/**
 * A service and its handlers keyed by method local name: what Connect's router and our grpc-js
 * adapter (libs/runtime) take.
 */
export interface ServiceRegistration {
  service: DescService;
  impl: Partial<ServiceImpl<DescService>>;
}
