import { fromBinary } from "@bufbuild/protobuf";
import { type DescriptorProto, FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { loadSync } from "@grpc/proto-loader";
import { protoPath } from "grpc-health-check";
import { describe, expect, it } from "vitest";
import { healthFile } from "./healthDescriptor.js";

/** Names, numbers and kinds of fields, enum values and methods: what the wire and clients see. */
function shape(messages: DescriptorProto[]): unknown {
  return messages.map((m) => ({
    // proto-loader names map entries after the field ("Statuses"); protoc says "StatusesEntry".
    name: m.options?.mapEntry ? "<map entry>" : m.name,
    fields: m.field.map((f) => [f.name, f.number, f.type, f.label, simpleName(f.typeName)]),
    enums: m.enumType.map((e) => [e.name, e.value.map((v) => [v.name, v.number])]),
    nested: shape(m.nestedType),
  }));
}

/** The last segment of a type name, map entries named the proto-loader way. */
function simpleName(typeName: string): string | undefined {
  return (
    typeName
      .split(".")
      .at(-1)
      ?.replace(/Entry$/, "") || undefined
  );
}

describe("healthFile", () => {
  it("matches the health.proto that grpc-health-check serves", () => {
    const pkg = loadSync(protoPath, { keepCase: true });
    const def = pkg["grpc.health.v1.HealthCheckRequest"];
    const bytes =
      def && "fileDescriptorProtos" in def && Array.isArray(def.fileDescriptorProtos)
        ? def.fileDescriptorProtos[0]
        : undefined;
    if (!bytes) throw new Error("health.proto not loaded");
    const upstream = fromBinary(FileDescriptorProtoSchema, bytes);
    const ours = healthFile.proto;
    expect(ours.package).toBe(upstream.package);
    const byName = (a: DescriptorProto, b: DescriptorProto) => a.name.localeCompare(b.name);
    expect(shape([...ours.messageType].sort(byName))).toEqual(shape([...upstream.messageType].sort(byName)));
    const methods = (f: typeof ours) =>
      f.service.map((s) => [
        s.name,
        s.method.map((m) => [
          m.name,
          m.inputType.split(".").at(-1),
          m.outputType.split(".").at(-1),
          m.serverStreaming,
        ]),
      ]);
    expect(methods(ours)).toEqual(methods(upstream));
  });
});
