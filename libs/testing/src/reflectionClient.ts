// A server-reflection client the way grpcurl works: it knows only the reflection protocol (loaded
// with proto-loader from @grpc/reflection's own .proto files) and none of our generated code, so
// whatever it can call, it can call because of the descriptors the server sent.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create, createFileRegistry, type FileRegistry, fromBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { loadSync, type ServiceDefinition } from "@grpc/proto-loader";

export type ReflectionVersion = "v1" | "v1alpha";

/** A reflection request in proto-loader's form (field names as in the .proto). */
export type ReflectionRequest =
  | { list_services: string }
  | { file_by_filename: string }
  | { file_containing_symbol: string }
  | { file_containing_extension: { containing_type: string; extension_number: number } }
  | { all_extension_numbers_of_type: string };

/** A reflection response in proto-loader's form; `message_response` names the field that is set. */
export interface ReflectionResponse {
  message_response: string;
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Uint8Array[] };
  error_response?: { error_code: number; error_message: string };
}

/** The server answered a reflection request with an error_response. */
export class ReflectionError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ReflectionError";
  }
}

/** One reflection stream (ServerReflectionInfo). Requests are answered in order. */
export interface ReflectionSession {
  /** The raw exchange: sends one request and resolves with its response, error responses included. */
  ask(request: ReflectionRequest): Promise<ReflectionResponse>;
  /** Fully-qualified names of the services the server lists. */
  listServices(): Promise<string[]>;
  /**
   * The file defining a symbol (service, method, message, enum ...), followed by those of its
   * transitive imports not yet sent on this stream. Rejects with a ReflectionError when the
   * server answers with an error.
   */
  fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]>;
  /** A file by name, with its imports not yet sent on this stream. */
  fileByFilename(name: string): Promise<FileDescriptorProto[]>;
  close(): void;
}

const reflectionProtoDir = join(
  dirname(createRequire(import.meta.url).resolve("@grpc/reflection")),
  "..",
  "proto",
);

let reflectionPackage: ReturnType<typeof loadSync> | undefined;

function reflectionMethod(version: ReflectionVersion) {
  reflectionPackage ??= loadSync(
    ["grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"],
    {
      includeDirs: [reflectionProtoDir],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    },
  );
  const service = reflectionPackage[`grpc.reflection.${version}.ServerReflection`] as ServiceDefinition;
  const method = service.ServerReflectionInfo;
  if (!method) throw new Error(`grpc.reflection.${version}.ServerReflection has no ServerReflectionInfo`);
  return method;
}

/**
 * Opens a reflection stream to `address` ("127.0.0.1:7443"). A failed stream (server gone, the
 * reflection version not served) fails every pending and later request with the stream's error.
 */
export function reflectionSession(address: string, version: ReflectionVersion = "v1"): ReflectionSession {
  const method = reflectionMethod(version);
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
  const waiting: { resolve: (r: ReflectionResponse) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  call.on("data", (r: ReflectionResponse) => waiting.shift()?.resolve(r));
  call.on("error", (err: Error) => fail(err));
  call.on("end", () => fail(new Error(`reflection stream to ${address} ended`)));

  const ask = (request: ReflectionRequest) =>
    new Promise<ReflectionResponse>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      waiting.push({ resolve, reject });
      call.write({ host: "", ...request });
    });

  const files = async (request: ReflectionRequest): Promise<FileDescriptorProto[]> => {
    const res = await ask(request);
    if (res.message_response === "error_response" && res.error_response) {
      throw new ReflectionError(res.error_response.error_code, res.error_response.error_message);
    }
    if (res.message_response !== "file_descriptor_response" || !res.file_descriptor_response) {
      throw new Error(`expected a file_descriptor_response, got ${res.message_response}`);
    }
    return res.file_descriptor_response.file_descriptor_proto.map((b) =>
      fromBinary(FileDescriptorProtoSchema, b),
    );
  };

  return {
    ask,
    async listServices() {
      const res = await ask({ list_services: "*" });
      if (res.message_response === "error_response" && res.error_response) {
        throw new ReflectionError(res.error_response.error_code, res.error_response.error_message);
      }
      return (res.list_services_response?.service ?? []).map((s) => s.name);
    },
    fileContainingSymbol: (symbol) => files({ file_containing_symbol: symbol }),
    fileByFilename: (name) => files({ file_by_filename: name }),
    close() {
      call.end();
      client.close();
    },
  };
}

/** Every fully-qualified type a file defines (".pkg.Msg", ".pkg.Msg.Nested", ".pkg.Enum"). */
function definedTypes(file: FileDescriptorProto): Set<string> {
  const out = new Set<string>();
  const prefix = file.package ? `.${file.package}` : "";
  const walk = (msgs: DescriptorProto[], scope: string) => {
    for (const m of msgs) {
      out.add(`${scope}.${m.name}`);
      for (const e of m.enumType) out.add(`${scope}.${m.name}.${e.name}`);
      walk(m.nestedType, `${scope}.${m.name}`);
    }
  };
  for (const e of file.enumType) out.add(`${prefix}.${e.name}`);
  walk(file.messageType, prefix);
  return out;
}

/** Every type a file refers to: field types, extendees, method inputs and outputs. */
function usedTypes(file: FileDescriptorProto): string[] {
  const used: string[] = [];
  const fromFields = (fields: FieldDescriptorProto[]) => {
    for (const f of fields) {
      if (f.typeName) used.push(f.typeName);
      if (f.extendee) used.push(f.extendee);
    }
  };
  const walk = (msgs: DescriptorProto[]) => {
    for (const m of msgs) {
      fromFields(m.field);
      fromFields(m.extension);
      walk(m.nestedType);
    }
  };
  walk(file.messageType);
  fromFields(file.extension);
  for (const s of file.service) for (const m of s.method) used.push(m.inputType, m.outputType);
  return used;
}

/**
 * What strict clients (Python grpcio, protoc, grpcurl's descriptor builder) demand of reflected
 * files: every type a file uses is defined in the file itself or in a file it lists in
 * `dependency` (or that such a file re-exports with `import public`), and every listed dependency
 * was sent too. Returns one human-readable problem per violation; [] means the set is complete.
 */
export function dependencyProblems(files: readonly FileDescriptorProto[]): string[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const problems: string[] = [];
  /** A file's own types plus those its public imports re-export, transitively. */
  const exported = (file: FileDescriptorProto, seen = new Set<string>()): Set<string> => {
    const out = definedTypes(file);
    seen.add(file.name);
    for (const i of file.publicDependency) {
      const dep = byName.get(file.dependency[i] ?? "");
      if (dep && !seen.has(dep.name)) for (const t of exported(dep, seen)) out.add(t);
    }
    return out;
  };
  for (const file of files) {
    const visible = definedTypes(file);
    for (const depName of file.dependency) {
      const dep = byName.get(depName);
      if (!dep) {
        problems.push(`${file.name} imports ${depName}, which the server did not send`);
        continue;
      }
      for (const t of exported(dep)) visible.add(t);
    }
    for (const t of new Set(usedTypes(file))) {
      if (!visible.has(t)) {
        problems.push(`${file.name} uses ${t} without defining it or listing the file defining it`);
      }
    }
  }
  return problems;
}

/**
 * A protobuf-es registry of reflected files, given in any order (protobuf-es wants every file
 * after its imports). Throws if some import is missing from `files`.
 */
export function registryOfFiles(files: readonly FileDescriptorProto[]): FileRegistry {
  const ordered: FileDescriptorProto[] = [];
  const done = new Set<string>();
  const pending = [...new Map(files.map((f) => [f.name, f])).values()];
  while (pending.length > 0) {
    const i = pending.findIndex((f) => f.dependency.every((d) => done.has(d)));
    if (i < 0) {
      const missing = pending.flatMap((f) =>
        f.dependency.filter((d) => !done.has(d)).map((d) => `${f.name} → ${d}`),
      );
      throw new Error(`unresolvable imports among the reflected files: ${missing.join(", ")}`);
    }
    const [file] = pending.splice(i, 1);
    if (!file) break;
    ordered.push(file);
    done.add(file.name);
  }
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}

/**
 * What grpcurl does before calling a method: asks the server at `address` for the file of
 * `serviceName` and its imports, and builds a registry from those files alone. Throws if the
 * server does not know the service or sent an incomplete set of files.
 */
export async function registryFromReflection(
  address: string,
  serviceName: string,
  version: ReflectionVersion = "v1",
): Promise<FileRegistry> {
  const session = reflectionSession(address, version);
  try {
    const files = await session.fileContainingSymbol(serviceName);
    const problems = dependencyProblems(files);
    if (problems.length > 0) {
      throw new Error(`incomplete descriptors for ${serviceName}:\n  ${problems.join("\n  ")}`);
    }
    return registryOfFiles(files);
  } finally {
    session.close();
  }
}
