import { create } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Type,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { dependencyProblems, registryOfFiles } from "./reflectionClient.js";

const timestampFile = create(FileDescriptorProtoSchema, {
  name: "google/protobuf/timestamp.proto",
  package: "google.protobuf",
  syntax: "proto3",
  messageType: [
    {
      name: "Timestamp",
      field: [{ name: "seconds", number: 1, type: FieldDescriptorProto_Type.INT64, jsonName: "seconds" }],
    },
  ],
});

/** meta.proto's shape: a message with a Timestamp field; `dependency` as given. */
function metaFile(dependency: string[], publicDependency: number[] = []): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name: "ironcore/meta/v1/meta.proto",
    package: "ironcore.meta.v1",
    syntax: "proto3",
    dependency,
    publicDependency,
    messageType: [
      {
        name: "ObjectMeta",
        field: [
          {
            name: "creation_timestamp",
            number: 7,
            type: FieldDescriptorProto_Type.MESSAGE,
            typeName: ".google.protobuf.Timestamp",
            jsonName: "creationTimestamp",
          },
        ],
      },
    ],
  });
}

/** A file whose service uses ObjectMeta, importing `dependency`. */
function serviceFile(dependency: string[]): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name: "ironcore/x/v1/x.proto",
    package: "ironcore.x.v1",
    syntax: "proto3",
    dependency,
    service: [
      {
        name: "XService",
        method: [
          {
            name: "Get",
            inputType: ".ironcore.meta.v1.ObjectMeta",
            outputType: ".ironcore.meta.v1.ObjectMeta",
          },
        ],
      },
    ],
  });
}

describe("dependencyProblems", () => {
  it("accepts a file set where every used type is defined or imported", () => {
    expect(dependencyProblems([metaFile(["google/protobuf/timestamp.proto"]), timestampFile])).toEqual([]);
  });

  it("reports a used type whose file is missing from the dependency list (what proto-loader produces)", () => {
    expect(dependencyProblems([metaFile([]), timestampFile])).toEqual([
      "ironcore/meta/v1/meta.proto uses .google.protobuf.Timestamp without defining it or listing the file defining it",
    ]);
  });

  it("reports a listed dependency the server did not send", () => {
    expect(dependencyProblems([metaFile(["google/protobuf/timestamp.proto"])])).toEqual([
      "ironcore/meta/v1/meta.proto imports google/protobuf/timestamp.proto, which the server did not send",
      "ironcore/meta/v1/meta.proto uses .google.protobuf.Timestamp without defining it or listing the file defining it",
    ]);
  });

  it("checks method input and output types, and sees types re-exported by `import public`", () => {
    const meta = metaFile(["google/protobuf/timestamp.proto"]);
    expect(dependencyProblems([serviceFile([]), meta, timestampFile])).toEqual([
      "ironcore/x/v1/x.proto uses .ironcore.meta.v1.ObjectMeta without defining it or listing the file defining it",
    ]);
    const reexport = create(FileDescriptorProtoSchema, {
      name: "ironcore/all.proto",
      dependency: ["ironcore/meta/v1/meta.proto"],
      publicDependency: [0],
    });
    expect(dependencyProblems([serviceFile(["ironcore/all.proto"]), reexport, meta, timestampFile])).toEqual(
      [],
    );
  });
});

describe("registryOfFiles", () => {
  it("builds a registry from files in any order", () => {
    const registry = registryOfFiles([metaFile(["google/protobuf/timestamp.proto"]), timestampFile]);
    expect(
      registry.getMessage("ironcore.meta.v1.ObjectMeta")?.field.creationTimestamp?.message?.typeName,
    ).toBe("google.protobuf.Timestamp");
  });

  it("names the import it cannot resolve", () => {
    expect(() => registryOfFiles([metaFile(["google/protobuf/timestamp.proto"])])).toThrow(
      "ironcore/meta/v1/meta.proto → google/protobuf/timestamp.proto",
    );
  });
});
