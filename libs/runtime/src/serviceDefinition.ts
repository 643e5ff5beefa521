import {
  create,
  type DescMessage,
  type DescService,
  fromBinary,
  isMessage,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

/**
 * A grpc-js service definition for a protobuf-es service descriptor, so grpc-js serves (and its
 * clients call) the protobuf-es messages directly. Methods are keyed by their `localName`
 * ("echo"), like Connect service implementations.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const def: Record<
    string,
    MethodDefinition<MessageInitShape<DescMessage>, MessageInitShape<DescMessage>>
  > = {};
  for (const m of service.methods) {
    def[m.localName] = {
      path: `/${service.typeName}/${m.name}`,
      originalName: m.name,
      requestStream: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      requestSerialize: serializer(m.input),
      requestDeserialize: deserializer(m.input),
      responseSerialize: serializer(m.output),
      responseDeserialize: deserializer(m.output),
    };
  }
  return def;
}

/** Serializes a message, or an init shape of one (handlers may return plain objects). */
export function serializer<Desc extends DescMessage>(desc: Desc): (value: MessageInitShape<Desc>) => Buffer {
  return (value) => {
    const msg: MessageShape<Desc> = isMessage(value, desc) ? value : create(desc, value);
    const bytes = toBinary(desc, msg);
    // A Buffer view of the same memory: no copy on the hot path.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

export function deserializer<Desc extends DescMessage>(desc: Desc): (bytes: Buffer) => MessageShape<Desc> {
  return (bytes) => fromBinary(desc, bytes);
}
