/**
 * Provider IDs of apinet objects (reference ironcore-net.md section 6), written into the ironcore
 * objects' `spec.providerID`:
 *   Network:          ironcore-net://<namespace>/<name>/<id>/<uid>    (id = VNI)
 *   NetworkInterface: ironcore-net://<namespace>/<name>/<node>/<uid>  (node = apinet Node)
 *
 * The format is part of ironcore-net's API, so it is defined here only. apinetlet, which writes
 * and reads these IDs but reaches ironcore-net over gRPC, imports this module through the
 * package's `./providerId` export, which loads nothing of the server.
 */
import { isDNS1123Subdomain } from "@ironcore-ts/apimachinery";

export const providerIDPrefix = "ironcore-net://";

export interface NetworkProviderID {
  namespace: string;
  name: string;
  /** The VNI, decimal, as in the apinet Network's spec.id. */
  id: string;
  uid: string;
}

export interface NetworkInterfaceProviderID {
  namespace: string;
  name: string;
  /** The apinet Node, e.g. `local.node1`. */
  node: string;
  uid: string;
}

export function formatNetworkProviderID(p: NetworkProviderID): string {
  return `${providerIDPrefix}${p.namespace}/${p.name}/${p.id}/${p.uid}`;
}

export function formatNetworkInterfaceProviderID(p: NetworkInterfaceProviderID): string {
  return `${providerIDPrefix}${p.namespace}/${p.name}/${p.node}/${p.uid}`;
}

/**
 * Upstream parsing: the prefix is stripped if present (a missing prefix is tolerated), the rest
 * is split on `/` (Go: SplitN(s, "/", 5)) and must have exactly 4 parts. Empty parts are refused
 * too: upstream accepts them, but an empty name or uid can never match an object.
 */
function splitProviderID(text: string): [string, string, string, string] {
  const rest = text.startsWith(providerIDPrefix) ? text.slice(providerIDPrefix.length) : text;
  const parts = rest.split("/");
  if (parts.length !== 4 || parts.some((p) => p === "")) {
    throw new Error(`invalid provider ID ${JSON.stringify(text)}: expected <namespace>/<name>/<x>/<uid>`);
  }
  return parts as [string, string, string, string];
}

export function parseNetworkProviderID(text: string): NetworkProviderID {
  const [namespace, name, id, uid] = splitProviderID(text);
  return { namespace, name, id, uid };
}

export function parseNetworkInterfaceProviderID(text: string): NetworkInterfaceProviderID {
  const [namespace, name, node, uid] = splitProviderID(text);
  if (!isDNS1123Subdomain(node)) {
    throw new Error(
      `invalid provider ID ${JSON.stringify(text)}: node ${JSON.stringify(node)} is not a DNS subdomain`,
    );
  }
  return { namespace, name, node, uid };
}

/** Like parseNetworkInterfaceProviderID, but undefined instead of an error (empty or malformed). */
export function tryParseNetworkInterfaceProviderID(
  text: string | undefined,
): NetworkInterfaceProviderID | undefined {
  if (!text) return undefined;
  try {
    return parseNetworkInterfaceProviderID(text);
  } catch {
    return undefined;
  }
}
