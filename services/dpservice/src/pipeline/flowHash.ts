/**
 * A 32-bit hash of a flow's 5-tuple (murmur3 finalizer mixing), the "conntrack flow hash" Maglev
 * indexes its table with: the same tuple always lands on the same backend, also after the flow
 * expired. Computed at flow setup only.
 */
function mix(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  let x = h ^ length;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function flowHashV4(
  src: number,
  dst: number,
  srcPort: number,
  dstPort: number,
  protocol: number,
): number {
  let h = 0x9747b28c;
  h = mix(h, src);
  h = mix(h, dst);
  h = mix(h, ((srcPort & 0xffff) << 16) | (dstPort & 0xffff));
  h = mix(h, protocol);
  return finish(h, 13);
}

export function flowHashV6(
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  protocol: number,
): number {
  let h = 0x9747b28c;
  for (const a of [src, dst]) {
    for (let i = 0; i < 16; i += 4)
      h = mix(h, (a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!);
  }
  h = mix(h, ((srcPort & 0xffff) << 16) | (dstPort & 0xffff));
  h = mix(h, protocol);
  return finish(h, 37);
}
