// The two hashes Maglev derives each backend's permutation from (offset and skip). Written to
// give the same values as upstream dpservice for the same 16-byte address, so a Maglev table built
// here matches one built there (needed when two instances must agree, e.g. HA pairs).

const MURMUR2_M = 0x5bd1e995;

/** MurmurHash2 (32-bit, seed 0) of the bytes, words read little-endian as the reference does. */
export function murmurHash2(data: Uint8Array): number {
  let len = data.length;
  let h = len >>> 0; // seed 0 XOR length
  let i = 0;
  while (len >= 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, MURMUR2_M);
    k ^= k >>> 24;
    k = Math.imul(k, MURMUR2_M);
    h = Math.imul(h, MURMUR2_M) ^ k;
    i += 4;
    len -= 4;
  }
  // Tail bytes (none for a 16-byte address), cumulative like the reference's fall-through switch.
  if (len > 0) {
    if (len >= 3) h ^= data[i + 2]! << 16;
    if (len >= 2) h ^= data[i + 1]! << 8;
    h ^= data[i]!;
    h = Math.imul(h, MURMUR2_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR2_M);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * djb2 (hash * 33 + byte from 5381) with the top bit cleared, as upstream.
 *
 * Upstream walks the address like a C string and stops at its first zero byte, so most underlay
 * addresses ("fc00:...": second byte 0) hash only their first byte and every backend gets the
 * same skip. We hash all 16 bytes, which keeps Maglev's permutations independent; the result is
 * identical to upstream's for addresses without a zero byte.
 */
export function djbHash(data: Uint8Array): number {
  let hash = 5381;
  for (let i = 0; i < data.length; i++) hash = (Math.imul(hash, 33) + data[i]!) >>> 0;
  return (hash & 0x7fffffff) >>> 0;
}
