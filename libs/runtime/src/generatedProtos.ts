// Code generated from proto/google/rpc and proto/grpc/reflection into libs/gen.
// Collected here so the runtime names the generated types it depends on in one place.
export { type BadRequest, BadRequestSchema } from "@ironcore-ts/gen/google/rpc/error_details_pb.js";
export { type Status, StatusSchema } from "@ironcore-ts/gen/google/rpc/status_pb.js";
export {
  ServerReflection as ServerReflectionV1,
  type ServerReflectionRequest,
  ServerReflectionRequestSchema,
  type ServerReflectionResponse,
  ServerReflectionResponseSchema,
} from "@ironcore-ts/gen/grpc/reflection/v1/reflection_pb.js";
export { ServerReflection as ServerReflectionV1alpha } from "@ironcore-ts/gen/grpc/reflection/v1alpha/reflection_pb.js";
