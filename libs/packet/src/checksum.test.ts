import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyChecksumDelta,
  checksumDelta16,
  checksumDelta32,
  checksumDeltaBytes,
  finishChecksum,
  foldSum,
  internetChecksum,
  sumBytes,
  updateChecksum16,
  updateChecksum32,
} from "./checksum.js";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

/** Reference: RFC 1071 word-by-word with end-around carry, written as plainly as possible. */
function referenceChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

describe("Internet checksum", () => {
  it("matches the RFC 1071 section 3 example", () => {
    const bytes = hex("0001f203f4f5f6f7");
    expect(foldSum(sumBytes(bytes, 0, 8))).toBe(0xddf2);
    expect(internetChecksum(bytes)).toBe(0x220d);
  });

  it("matches a known IPv4 header (checksum b861)", () => {
    const header = hex("45000073000040004011b861c0a80001c0a800c7");
    expect(internetChecksum(header)).toBe(0); // a correct header sums to all ones
    header[10] = 0;
    header[11] = 0;
    expect(internetChecksum(header)).toBe(0xb861);
  });

  it("pads an odd final byte with zero", () => {
    expect(internetChecksum(hex("0102ab"))).toBe(internetChecksum(hex("0102ab00")));
  });

  it("agrees with the reference for any bytes, offset and length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(7), (bytes, skip) => {
        const offset = Math.min(skip, bytes.length);
        expect(internetChecksum(bytes, offset)).toBe(referenceChecksum(bytes.subarray(offset)));
      }),
    );
  });

  it("folds sums far above 2^32", () => {
    expect(foldSum(0xffff * 0x20000)).toBe(0xffff);
    expect(finishChecksum(2 ** 40)).toBe(~foldSum(2 ** 40) & 0xffff);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(foldSum(n) % 0xffff).toBe(n % 0xffff);
        expect(foldSum(n)).toBeGreaterThan(0);
        expect(foldSum(n)).toBeLessThanOrEqual(0xffff);
      }),
    );
  });
});

describe("incremental update (RFC 1624)", () => {
  it("matches the RFC 1624 section 4 example (equation 3 gives 0x0000, not 0xffff)", () => {
    expect(updateChecksum16(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  it("equals a full recomputation for a 16-bit field", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 200 }).filter((b) => b.some((x) => x !== 0)),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (bytes, at, value) => {
          const even = (at % (bytes.length >> 1)) * 2;
          const before = internetChecksum(bytes);
          const view = new DataView(bytes.buffer);
          const old = view.getUint16(even);
          view.setUint16(even, value);
          if (bytes.every((x) => x === 0)) return; // all-zero data: both zeros are "right"
          expect(updateChecksum16(before, old, value)).toBe(internetChecksum(bytes));
        },
      ),
    );
  });

  it("equals a full recomputation for a 32-bit field and for byte ranges", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 60 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (bytes, address, address6) => {
          bytes[0] = 0x45; // never all zero
          const view = new DataView(bytes.buffer);
          const before = internetChecksum(bytes);
          const old = view.getUint32(12);
          view.setUint32(12, address);
          expect(updateChecksum32(before, old, address)).toBe(internetChecksum(bytes));
          expect(applyChecksumDelta(before, checksumDelta32(old, address))).toBe(internetChecksum(bytes));

          const copy = bytes.slice();
          const mid = internetChecksum(bytes);
          copy.set(address6, 2);
          const delta = checksumDeltaBytes(bytes, 2, copy, 2, 16);
          expect(applyChecksumDelta(mid, delta)).toBe(internetChecksum(copy));
        },
      ),
    );
  });

  it("applies several deltas to one checksum", () => {
    const bytes = hex("4500003c1c46400080010000c0a8010a08080808");
    const view = new DataView(bytes.buffer);
    const before = internetChecksum(bytes);
    const d1 = checksumDelta32(view.getUint32(12), 0x0a000001);
    view.setUint32(12, 0x0a000001);
    const d2 = checksumDelta16(view.getUint16(8), 0x7f01);
    view.setUint16(8, 0x7f01);
    expect(applyChecksumDelta(before, d1 + d2)).toBe(internetChecksum(bytes));
  });
});
