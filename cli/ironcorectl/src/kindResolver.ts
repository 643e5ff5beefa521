import { CliError } from "./errors.js";

/** A printer column as discovery reports it. */
export interface ColumnInfo {
  name: string;
  jsonPath: string;
  /** 0: default table; 1: only with -o wide. */
  priority: number;
}

/** What the CLI needs to know about a served kind (a subset of the Discover response). */
export interface KindInfo {
  group: string;
  version: string;
  apiVersion: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
  hasStatus: boolean;
  columns: readonly ColumnInfo[];
}

/** `network.networking.ironcore.dev`: how kubectl names an object's type in `apply`/`delete` output. */
export function kindLabel(k: Pick<KindInfo, "kind" | "group">): string {
  const lower = k.kind.toLowerCase();
  return k.group ? `${lower}.${k.group}` : lower;
}

/** `networks.networking.ironcore.dev`: the resource name kubectl uses in NotFound errors. */
export function resourceLabel(k: Pick<KindInfo, "plural" | "group">): string {
  return k.group ? `${k.plural}.${k.group}` : k.plural;
}

/** `network.networking.ironcore.dev/x`, the `-o name` form. */
export function objectLabel(k: Pick<KindInfo, "kind" | "group">, name: string): string {
  return `${kindLabel(k)}/${name}`;
}

export function notFoundMessage(k: Pick<KindInfo, "plural" | "group">, name: string): string {
  return `${resourceLabel(k)} "${name}" not found`;
}

/**
 * Turns what a user types (`nic`, `NetworkInterface`, `networkinterfaces`,
 * `nic.networking.ironcore.dev`, `networkinterfaces.v1alpha1.networking.ironcore.dev`) into a
 * served kind, case-insensitively, from the server's discovery data.
 */
export class KindResolver {
  constructor(readonly kinds: readonly KindInfo[]) {}

  private byName(name: string, group?: string): KindInfo[] {
    return this.kinds.filter((k) => {
      const names = [k.kind.toLowerCase(), k.plural, k.singular, ...k.shortNames].map((n) => n.toLowerCase());
      if (!names.includes(name)) return false;
      return group === undefined || group === k.group || group === `${k.version}.${k.group}`;
    });
  }

  /** The kind, or undefined when nothing matches. */
  find(input: string): KindInfo | undefined {
    const text = input.trim().toLowerCase();
    const dot = text.indexOf(".");
    const candidates =
      dot < 0
        ? this.byName(text)
        : [...this.byName(text.slice(0, dot), text.slice(dot + 1)), ...this.byName(text)];
    return candidates[0];
  }

  /** The kind, or kubectl's error for a type the server does not have. */
  resolve(input: string): KindInfo {
    const found = this.find(input);
    if (!found) throw new CliError(`the server doesn't have a resource type "${input}"`);
    return found;
  }

  /** The kind a document declares (`apiVersion` + `kind`, exactly), if this server serves it. */
  forDocument(apiVersion: string, kind: string): KindInfo | undefined {
    return this.kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind);
  }
}

/** The apiVersion/kind pair the client addresses a kind by. */
export function refOf(k: Pick<KindInfo, "apiVersion" | "kind">): { apiVersion: string; kind: string } {
  return { apiVersion: k.apiVersion, kind: k.kind };
}
