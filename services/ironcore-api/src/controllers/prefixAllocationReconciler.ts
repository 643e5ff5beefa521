/**
 * prefix (ipam): allocates Prefixes from their parents. Reference: ironcore-api.md sections 2
 * (ipam Prefix) and 13 (ipam scenarios).
 * - A root prefix (no parentRef / parentSelector) names its own range: it is Allocated at once.
 * - A child (parentRef, or parentSelector: the first matching parent by name that has room)
 *   gets the block it asked for (`spec.prefix`, if inside the parent and free) or the first free
 *   block of `spec.prefixLength` aligned to its size; the controller writes `spec.prefix` (and
 *   `spec.parentRef` for a selector match), then `status.phase: Allocated` with
 *   `lastPhaseTransitionTime`. No room: it stays Pending until a sibling goes.
 * - Every Allocated prefix lists its Allocated children's blocks in `status.used`, computed from
 *   the children each time (level-based), so a deleted child frees its block.
 *
 * Never overlapping: decisions are made on a live list of the namespace's Prefixes, never the
 * cache, one at a time (concurrency 1, one leader per API server), and every write carries the
 * version it was decided on. A block counts as taken as soon as a child's spec holds it, even
 * before its phase says Allocated, so a crash between the two writes cannot hand it out twice;
 * two children asking for the same literal block are served in creation order.
 */
import {
  isDeleting,
  nowTimestamp,
  objectKey,
  selectorMatches,
  splitObjectKey,
} from "@ironcore-ts/apimachinery";
import { jsonEqual } from "@ironcore-ts/apiserver";
import { Controller, enqueueMapped } from "@ironcore-ts/controller";
import { type ParsedPrefix, parsePrefix, prefixContains } from "@ironcore-ts/ipam";
import type { Logger } from "pino";
import type { PrefixObject } from "../kinds/prefix.js";
import { isRootPrefix } from "../validation/prefixSpec.js";
import type { ControllerContext } from "./context.js";
import { indexes, labelSelectorOf } from "./informers.js";
import { allocateBlock, blockIsFree, compareBlocks, formatBlock } from "./ipBlocks.js";
import { getIfExists, keyOf, mergePatch, refs, requeueOnConflict, wire } from "./refs.js";

function isAllocated(p: PrefixObject): boolean {
  return p.status?.phase === "Allocated";
}

function parsed(p: PrefixObject): ParsedPrefix | undefined {
  return p.spec?.prefix ? parsePrefix(p.spec.prefix) : undefined;
}

/** Whether `a` was created before `b` (names break ties): who gets a contested literal block. */
function precedes(a: PrefixObject, b: PrefixObject): boolean {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "");
}

/** The parents `child` may be allocated from, in the order they are tried. */
function parentCandidates(child: PrefixObject, all: readonly PrefixObject[]): PrefixObject[] {
  const spec = child.spec ?? {};
  const candidates = spec.parentRef?.name
    ? all.filter((p) => p.metadata.name === spec.parentRef?.name)
    : all
        .filter((p) => p.metadata.uid !== child.metadata.uid)
        .filter((p) => selectorMatches(labelSelectorOf(spec.parentSelector), p.metadata.labels))
        .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  return candidates.filter((p) => {
    const block = parsed(p);
    return !isDeleting(p) && isAllocated(p) && block && (!spec.ipFamily || block.family === spec.ipFamily);
  });
}

/** The blocks of `parent` that `child` must not get. */
function takenIn(parent: PrefixObject, child: PrefixObject, all: readonly PrefixObject[]): ParsedPrefix[] {
  const asksForLiteral = Boolean(child.spec?.prefix);
  return all
    .filter((s) => s.metadata.uid !== child.metadata.uid && s.spec?.parentRef?.name === parent.metadata.name)
    .filter((s) => !asksForLiteral || isAllocated(s) || precedes(s, child))
    .flatMap((s) => {
      const block = parsed(s);
      return block ? [block] : [];
    });
}

/** The blocks of `prefix`'s Allocated children, sorted, as `status.used` lists them. */
export function usedBlocks(prefix: PrefixObject, all: readonly PrefixObject[]): string[] {
  const own = parsed(prefix);
  if (!own) return [];
  const blocks = all
    .filter((c) => c.metadata.uid !== prefix.metadata.uid && c.spec?.parentRef?.name === prefix.metadata.name)
    .filter(isAllocated)
    .flatMap((c) => {
      const block = parsed(c);
      return block && prefixContains(own, block) ? [block] : [];
    })
    .sort(compareBlocks);
  // Validation refuses overlapping entries; allocation never produces them, but a hand-made
  // Allocated child could. Listing the first keeps the status writable.
  const kept: ParsedPrefix[] = [];
  for (const b of blocks) {
    if (!kept.some((k) => prefixContains(k, b) || prefixContains(b, k))) kept.push(b);
  }
  return kept.map(formatBlock);
}

export function prefixAllocationReconciler(ctx: ControllerContext): Controller {
  const { client, informers } = ctx;

  /** Finds and writes a block for `child`; returns it with the new spec, or undefined if none fits yet. */
  async function allocate(
    child: PrefixObject,
    all: readonly PrefixObject[],
    log: Logger,
  ): Promise<PrefixObject | undefined> {
    const spec = child.spec ?? {};
    const literal = parsed(child);
    const length = literal?.bits ?? spec.prefixLength;
    const parents = parentCandidates(child, all);
    if (parents.length === 0) {
      log.info(
        { parentRef: spec.parentRef?.name, parentSelector: spec.parentSelector },
        "no Allocated parent prefix of this family found yet; prefix stays Pending",
      );
      return undefined;
    }
    for (const parent of parents) {
      const outer = parsed(parent)!;
      const taken = takenIn(parent, child, all);
      const block = literal
        ? blockIsFree(outer, literal, taken)
          ? literal
          : undefined
        : length !== undefined
          ? allocateBlock(outer, length, taken)
          : undefined;
      if (!block) continue;
      const next = {
        ...spec,
        parentRef: { name: parent.metadata.name },
        // A literal request stays as written (spec.prefix is set-once).
        prefix: spec.prefix ?? formatBlock(block),
      };
      if (jsonEqual(next, spec)) return child;
      const updated = await client.update<PrefixObject>(wire({ ...child, spec: next }));
      log.info({ parent: parent.metadata.name, prefix: next.prefix }, "allocated prefix");
      return updated;
    }
    log.info(
      { parents: parents.map((p) => p.metadata.name), prefix: spec.prefix, prefixLength: spec.prefixLength },
      "no room in any parent prefix; prefix stays Pending",
    );
    return undefined;
  }

  return new Controller({
    name: "prefix",
    logger: ctx.logger,
    concurrency: 1,
    reconcile: requeueOnConflict(async (key, _signal, log) => {
      const { namespace, name } = splitObjectKey(key);
      let prefix = await getIfExists(client.get<PrefixObject>(refs.Prefix, namespace, name));
      if (!prefix || isDeleting(prefix)) return; // its parent recomputes `used` once it is gone
      const { items } = await client.list<PrefixObject>(refs.Prefix, { namespace });

      if (!isAllocated(prefix) && !isRootPrefix(prefix.spec ?? {})) {
        const allocated = await allocate(prefix, items, log);
        if (!allocated) return;
        prefix = allocated;
      }
      if (!parsed(prefix)) return; // a root without a valid prefix is refused by validation

      const used = usedBlocks(prefix, items);
      const status = prefix.status ?? {};
      if (isAllocated(prefix) && jsonEqual(status.used ?? [], used)) return;
      await client.patch(
        refs.Prefix,
        namespace,
        name,
        mergePatch({
          metadata: { resourceVersion: prefix.metadata.resourceVersion },
          status: {
            phase: "Allocated",
            lastPhaseTransitionTime:
              isAllocated(prefix) && status.lastPhaseTransitionTime
                ? status.lastPhaseTransitionTime
                : nowTimestamp(),
            used: used.length > 0 ? used : null,
          },
        }),
        { status: true },
      );
      if (!isAllocated(prefix)) log.info({ prefix: prefix.spec?.prefix }, "prefix Allocated");
    }),
  }).watch(
    informers.prefixes,
    enqueueMapped((p: PrefixObject) => {
      const keys = [objectKey(p.metadata)];
      // Its parent: `used` changes with its children.
      if (p.spec?.parentRef?.name) keys.push(keyOf(p.metadata.namespace, p.spec.parentRef.name));
      // Children waiting for it (by reference or selector): it may now be Allocated or have room.
      const waiting = (c: PrefixObject) => !isAllocated(c) && c.metadata.uid !== p.metadata.uid;
      for (const c of informers.prefixes.byIndex(indexes.parent, objectKey(p.metadata))) {
        if (waiting(c)) keys.push(objectKey(c.metadata));
      }
      for (const c of informers.prefixes.byIndex(indexes.namespace, p.metadata.namespace ?? "")) {
        if (waiting(c) && !c.spec?.parentRef && c.spec?.parentSelector) {
          if (selectorMatches(labelSelectorOf(c.spec.parentSelector), p.metadata.labels))
            keys.push(objectKey(c.metadata));
        }
      }
      return keys;
    }),
  );
}
