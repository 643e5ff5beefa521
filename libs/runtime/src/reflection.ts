import {
  createRegistry,
  type DescFile,
  type DescService,
  type MessageInitShape,
  type Registry,
  toBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type * as grpc from "@grpc/grpc-js";
import {
  type ServerReflectionRequest,
  type ServerReflectionResponseSchema,
  ServerReflectionV1,
  ServerReflectionV1alpha,
} from "./generatedProtos.js";
import { healthFile } from "./healthDescriptor.js";
import { grpcServiceDefinition } from "./serviceDefinition.js";

// Our own server reflection instead of @grpc/reflection: that one reads descriptors back through
// proto-loader, which drops each file's `dependency` list (echo.proto loses
// google/protobuf/timestamp.proto), and strict clients such as Python grpcio then reject the files.
// Here every file is sent exactly as protobuf-es holds it (`DescFile.proto`).

type Response = MessageInitShape<typeof ServerReflectionResponseSchema>;

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

/** What reflection can tell about one server: its services and every file they need. */
export class ReflectionIndex {
  private readonly files = new Map<string, DescFile>();
  private readonly encoded = new Map<string, Uint8Array>();
  private readonly registry: Registry;
  readonly serviceNames: readonly string[];

  constructor(services: readonly DescService[]) {
    const builtin = [ServerReflectionV1, ServerReflectionV1alpha, healthFile.services[0]!];
    const all = [...services, ...builtin];
    for (const s of all) this.addFile(s.file);
    this.registry = createRegistry(...this.files.values());
    this.serviceNames = [...new Set(all.map((s) => s.typeName))];
  }

  private addFile(file: DescFile): void {
    if (this.files.has(file.proto.name)) return;
    this.files.set(file.proto.name, file);
    for (const dep of file.dependencies) this.addFile(dep);
  }

  fileByName(name: string): DescFile | undefined {
    return this.files.get(name);
  }

  /** The file defining a type, service or extension, or a method or field in one. */
  fileContainingSymbol(symbol: string): DescFile | undefined {
    const desc = this.registry.get(symbol);
    if (desc) return desc.file;
    const dot = symbol.lastIndexOf(".");
    const parent = this.registry.get(symbol.slice(0, dot));
    const member = symbol.slice(dot + 1);
    if (parent?.kind === "service" && parent.methods.some((m) => m.name === member)) return parent.file;
    if (parent?.kind === "message" && parent.fields.some((f) => f.name === member)) return parent.file;
    return undefined;
  }

  fileContainingExtension(typeName: string, number: number): DescFile | undefined {
    const message = this.registry.getMessage(typeName);
    return message && this.registry.getExtensionFor(message, number)?.file;
  }

  extensionNumbers(typeName: string): number[] | undefined {
    if (!this.registry.getMessage(typeName)) return undefined;
    const numbers: number[] = [];
    for (const desc of this.registry) {
      if (desc.kind === "extension" && desc.extendee.typeName === typeName) numbers.push(desc.number);
    }
    return numbers;
  }

  /**
   * The serialized file, then its transitive imports not yet sent on this stream (`sent` is
   * updated). The requested file itself is always sent, as grpc-go does.
   */
  encodeWithDependencies(file: DescFile, sent: Set<string>): Uint8Array[] {
    const out: Uint8Array[] = [];
    const queue = [file];
    for (let f = queue.shift(); f; f = queue.shift()) {
      if (out.length === 0 || !sent.has(f.proto.name)) {
        sent.add(f.proto.name);
        out.push(this.encode(f));
      }
      queue.push(...f.dependencies.filter((d) => !sent.has(d.proto.name)));
    }
    return out;
  }

  private encode(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file.proto.name);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.encoded.set(file.proto.name, bytes);
    }
    return bytes;
  }
}

/** The answer to one request on a reflection stream; `sent` is the stream's state. */
export function answerReflection(
  index: ReflectionIndex,
  req: ServerReflectionRequest,
  sent: Set<string>,
): Response {
  const base = { validHost: req.host, originalRequest: req };
  const error = (errorMessage: string, errorCode = NOT_FOUND): Response => ({
    ...base,
    messageResponse: { case: "errorResponse", value: { errorCode, errorMessage } },
  });
  const files = (file: DescFile | undefined, what: string): Response =>
    file
      ? {
          ...base,
          messageResponse: {
            case: "fileDescriptorResponse",
            value: { fileDescriptorProto: index.encodeWithDependencies(file, sent) },
          },
        }
      : error(`${what} not found`);
  const r = req.messageRequest;
  switch (r.case) {
    case "listServices":
      return {
        ...base,
        messageResponse: {
          case: "listServicesResponse",
          value: { service: index.serviceNames.map((name) => ({ name })) },
        },
      };
    case "fileByFilename":
      return files(index.fileByName(r.value), `file ${r.value}`);
    case "fileContainingSymbol":
      return files(index.fileContainingSymbol(r.value), `symbol ${r.value}`);
    case "fileContainingExtension":
      return files(
        index.fileContainingExtension(r.value.containingType, r.value.extensionNumber),
        `extension ${r.value.extensionNumber} of ${r.value.containingType}`,
      );
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbers(r.value);
      return numbers
        ? {
            ...base,
            messageResponse: {
              case: "allExtensionNumbersResponse",
              value: { baseTypeName: r.value, extensionNumber: numbers },
            },
          }
        : error(`type ${r.value} not found`);
    }
    default:
      return error("empty or unknown request", UNIMPLEMENTED);
  }
}

/**
 * Adds grpc.reflection.v1 and v1alpha to a server. The two are wire-identical (only the package
 * differs), so both are served with the v1 messages. Open reflection streams end when
 * `shutdownSignal` aborts, so they do not hold up a graceful stop.
 */
export function addReflection(
  server: grpc.Server,
  index: ReflectionIndex,
  shutdownSignal: AbortSignal,
): void {
  const handler = (call: grpc.ServerDuplexStream<ServerReflectionRequest, Response>) => {
    const sent = new Set<string>();
    const stop = () => call.end();
    const forget = () => shutdownSignal.removeEventListener("abort", stop);
    shutdownSignal.addEventListener("abort", stop, { once: true });
    call.on("data", (req: ServerReflectionRequest) => call.write(answerReflection(index, req, sent)));
    call.on("end", stop);
    call.on("close", forget);
    call.on("cancelled", forget);
    call.on("error", () => {});
  };
  const v1 = grpcServiceDefinition(ServerReflectionV1);
  const method = v1.serverReflectionInfo!;
  server.addService(v1, { serverReflectionInfo: handler });
  server.addService(
    {
      serverReflectionInfo: { ...method, path: `/${ServerReflectionV1alpha.typeName}/ServerReflectionInfo` },
    },
    { serverReflectionInfo: handler },
  );
}
