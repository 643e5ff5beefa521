import { CliError } from "./errors.js";
import type { KindInfo, KindResolver } from "./kindResolver.js";

/** One kind and the names asked for (none: all of them). */
export interface ResourceRequest {
  kind: KindInfo;
  names: string[];
}

/**
 * Reads the resource arguments of get/describe/delete/wait in kubectl's forms:
 * `KIND`, `KIND NAME...`, `KIND1,KIND2 [NAME...]` and `KIND/NAME...`.
 */
export function parseResourceArgs(args: readonly string[], kinds: KindResolver): ResourceRequest[] {
  if (args.length === 0) return [];
  const slashed = args.filter((a) => a.includes("/"));
  if (slashed.length === args.length) {
    const byKind = new Map<KindInfo, string[]>();
    for (const arg of args) {
      const slash = arg.indexOf("/");
      const kind = kinds.resolve(arg.slice(0, slash));
      const name = arg.slice(slash + 1);
      if (!name) throw new CliError(`arguments in resource/name form must have a single resource and name`);
      byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
    }
    return [...byKind].map(([kind, names]) => ({ kind, names }));
  }
  if (slashed.length > 0) {
    throw new CliError(
      "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form " +
        "(e.g. 'ironcorectl get resource/<resource_name>' instead of 'ironcorectl get resource resource/<resource_name>')",
    );
  }
  const [kindList, ...names] = args;
  const requested = kindList!.split(",").filter((k) => k !== "");
  const unique = [...new Set(requested.map((k) => kinds.resolve(k)))];
  return unique.map((kind) => ({ kind, names: [...names] }));
}
