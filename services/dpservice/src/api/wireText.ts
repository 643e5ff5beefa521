// IDs and addresses travel as text inside `bytes` fields (upstream's convention).

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

export function textBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytesText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** undefined for bytes that are not UTF-8 (so a binary IP cannot be mistaken for text). */
export function strictBytesText(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
