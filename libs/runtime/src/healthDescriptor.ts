import { create, createFileRegistry, type DescFile } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from "@bufbuild/protobuf/wkt";

// grpc-health-check serves grpc.health.v1 with proto-loader, whose descriptors are not fit for
// reflection (camelCased field names, unqualified type names, a misnamed map entry), and this
// package may not vendor health.proto. So the descriptor of the upstream file
// (grpc-health-check/proto/health/v1/health.proto, including List) is written out here;
// healthDescriptor.test.ts checks it against that file.

const pkg = ".grpc.health.v1";

const field = (name: string, number: number, type: Type, typeName?: string, label = Label.OPTIONAL) => ({
  name,
  jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
  number,
  type,
  typeName,
  label,
});

const healthProto = create(FileDescriptorProtoSchema, {
  name: "grpc/health/v1/health.proto",
  package: "grpc.health.v1",
  syntax: "proto3",
  options: {
    csharpNamespace: "Grpc.Health.V1",
    goPackage: "google.golang.org/grpc/health/grpc_health_v1",
    javaMultipleFiles: true,
    javaOuterClassname: "HealthProto",
    javaPackage: "io.grpc.health.v1",
  },
  messageType: [
    { name: "HealthListRequest" },
    {
      name: "HealthListResponse",
      field: [field("statuses", 1, Type.MESSAGE, `${pkg}.HealthListResponse.StatusesEntry`, Label.REPEATED)],
      nestedType: [
        {
          name: "StatusesEntry",
          field: [
            field("key", 1, Type.STRING),
            field("value", 2, Type.MESSAGE, `${pkg}.HealthCheckResponse`),
          ],
          options: { mapEntry: true },
        },
      ],
    },
    { name: "HealthCheckRequest", field: [field("service", 1, Type.STRING)] },
    {
      name: "HealthCheckResponse",
      field: [field("status", 1, Type.ENUM, `${pkg}.HealthCheckResponse.ServingStatus`)],
      enumType: [
        {
          name: "ServingStatus",
          value: [
            { name: "UNKNOWN", number: 0 },
            { name: "SERVING", number: 1 },
            { name: "NOT_SERVING", number: 2 },
            { name: "SERVICE_UNKNOWN", number: 3 },
          ],
        },
      ],
    },
  ],
  service: [
    {
      name: "Health",
      method: [
        { name: "Check", inputType: `${pkg}.HealthCheckRequest`, outputType: `${pkg}.HealthCheckResponse` },
        {
          name: "Watch",
          inputType: `${pkg}.HealthCheckRequest`,
          outputType: `${pkg}.HealthCheckResponse`,
          serverStreaming: true,
        },
        { name: "List", inputType: `${pkg}.HealthListRequest`, outputType: `${pkg}.HealthListResponse` },
      ],
    },
  ],
});

/** grpc/health/v1/health.proto as a protobuf-es file descriptor. */
export const healthFile: DescFile = createFileRegistry(healthProto, () => undefined).getFile(
  healthProto.name,
)!;
