import type { StoreEvent, StoreEventType, StoreRecord } from "./store.js";

/**
 * Turning raw Redis replies into store types. Replies arrive untyped (scripts and XREAD via
 * `call`), so every shape is checked: a surprise becomes a clear error instead of a wrong event.
 */
export function unexpectedReply(what: string, reply: unknown): Error {
  return new Error(`unexpected Redis reply for ${what}: ${JSON.stringify(reply)?.slice(0, 200)}`);
}

export function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw unexpectedReply(what, reply);
  return reply;
}

export function asString(reply: unknown, what: string): string {
  if (typeof reply === "string") return reply;
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  throw unexpectedReply(what, reply);
}

export function asVersion(reply: unknown, what: string): number {
  const n = typeof reply === "number" ? reply : Number(asString(reply, what));
  if (!Number.isSafeInteger(n) || n < 0) throw unexpectedReply(what, reply);
  return n;
}

/** An objects-hash value, "<resourceVersion> <value>". */
export function parseStored(name: string, stored: string): StoreRecord {
  const space = stored.indexOf(" ");
  const resourceVersion = Number(stored.slice(0, space));
  if (space < 1 || !Number.isSafeInteger(resourceVersion)) throw unexpectedReply(`object ${name}`, stored);
  return { name, value: stored.slice(space + 1), resourceVersion };
}

export interface StreamEvent {
  event: StoreEvent;
  /** The collection's previous event version ("0" for the first). */
  prev: number;
}

const eventTypes = new Set<string>(["ADDED", "MODIFIED", "DELETED"]);

/** One stream entry, [id, [field, value, ...]] with ID "<resourceVersion>-0". */
export function parseStreamEntry(entry: unknown): StreamEvent {
  const [id, fields] = asArray(entry, "stream entry");
  const resourceVersion = Number.parseInt(asString(id, "stream entry id"), 10);
  const list = asArray(fields, "stream entry fields");
  let prev: number | undefined;
  let type: string | undefined;
  let name: string | undefined;
  let value: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const field = asString(list[i], "stream field");
    const content = asString(list[i + 1], "stream field value");
    if (field === "prev") prev = Number(content);
    else if (field === "type") type = content;
    else if (field === "name") name = content;
    else if (field === "value") value = content;
  }
  if (
    prev === undefined ||
    type === undefined ||
    !eventTypes.has(type) ||
    name === undefined ||
    value === undefined ||
    !Number.isSafeInteger(resourceVersion)
  ) {
    throw unexpectedReply("stream entry", entry);
  }
  return { event: { type: type as StoreEventType, name, value, resourceVersion }, prev };
}

/** XREAD's RESP2 reply, [[key, entries], ...] or null, as (stream key, entries) pairs. */
export function parseXread(reply: unknown): Array<[string, unknown[]]> {
  if (reply === null || reply === undefined) return [];
  return asArray(reply, "XREAD").map((item) => {
    const [key, entries] = asArray(item, "XREAD stream");
    return [asString(key, "XREAD key"), asArray(entries, "XREAD entries")];
  });
}
