/**
 * Where one object names another, for kustomize's namePrefix/nameSuffix: when an object is
 * renamed, references to it from the other objects of the same kustomization follow (kustomize
 * calls this its nameReference configuration). Paths are dot-separated; `[]` walks every item
 * of a list.
 */
interface NameReference {
  /** The kind holding the reference. */
  referrer: string;
  path: string;
  /** The kind the reference names. */
  target: string;
}

const nicTemplateSpec = "spec.networkInterfaces[].ephemeral.networkInterfaceTemplate.spec";

export const nameReferences: readonly NameReference[] = [
  { referrer: "NetworkInterface", path: "spec.networkRef.name", target: "Network" },
  { referrer: "NATGateway", path: "spec.networkRef.name", target: "Network" },
  { referrer: "LoadBalancer", path: "spec.networkRef.name", target: "Network" },
  { referrer: "NetworkPolicy", path: "spec.networkRef.name", target: "Network" },
  { referrer: "LoadBalancerRouting", path: "networkRef.name", target: "Network" },
  { referrer: "Network", path: "spec.peerings[].networkRef.name", target: "Network" },
  { referrer: "Machine", path: `${nicTemplateSpec}.networkRef.name`, target: "Network" },
  { referrer: "NetworkInterface", path: "spec.virtualIP.virtualIPRef.name", target: "VirtualIP" },
  { referrer: "Machine", path: `${nicTemplateSpec}.virtualIP.virtualIPRef.name`, target: "VirtualIP" },
  {
    referrer: "Machine",
    path: "spec.networkInterfaces[].networkInterfaceRef.name",
    target: "NetworkInterface",
  },
  { referrer: "VirtualIP", path: "spec.targetRef.name", target: "NetworkInterface" },
  { referrer: "LoadBalancerRouting", path: "destinations[].targetRef.name", target: "NetworkInterface" },
  // The seed documents' form of a destination: {name, uid} of the NIC.
  { referrer: "LoadBalancerRouting", path: "destinations[].name", target: "NetworkInterface" },
  { referrer: "NetworkInterface", path: "spec.machineRef.name", target: "Machine" },
  { referrer: "Machine", path: "spec.machineClassRef.name", target: "MachineClass" },
  { referrer: "Machine", path: "spec.machinePoolRef.name", target: "MachinePool" },
  { referrer: "Machine", path: "spec.ignitionRef.name", target: "Secret" },
  { referrer: "Machine", path: "spec.imagePullSecret.name", target: "Secret" },
  { referrer: "Machine", path: "spec.volumes[].volumeRef.name", target: "Volume" },
  { referrer: "Prefix", path: "spec.parentRef.name", target: "Prefix" },
  {
    referrer: "NetworkInterface",
    path: "spec.ips[].ephemeral.prefixTemplate.spec.parentRef.name",
    target: "Prefix",
  },
  {
    referrer: "NetworkInterface",
    path: "spec.prefixes[].ephemeral.prefixTemplate.spec.parentRef.name",
    target: "Prefix",
  },
  {
    referrer: "LoadBalancer",
    path: "spec.ips[].ephemeral.prefixTemplate.spec.parentRef.name",
    target: "Prefix",
  },
  { referrer: "Network", path: "spec.peerings[].prefixes[].prefixRef.name", target: "Prefix" },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Calls `update` on every string at `path`, storing what it returns. */
function rewriteAt(value: unknown, steps: readonly string[], update: (name: string) => string): void {
  const [step, ...rest] = steps;
  if (step === undefined || !isRecord(value)) return;
  const list = step.endsWith("[]");
  const key = list ? step.slice(0, -2) : step;
  const child = value[key];
  if (list) {
    if (Array.isArray(child)) for (const item of child) rewriteAt(item, rest, update);
  } else if (rest.length === 0) {
    if (typeof child === "string") value[key] = update(child);
  } else {
    rewriteAt(child, rest, update);
  }
}

interface Named {
  object: Record<string, unknown>;
}

function kindOf(obj: Record<string, unknown>): string {
  return typeof obj.kind === "string" ? obj.kind : "";
}

function metadataOf(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  return isRecord(obj.metadata) ? obj.metadata : undefined;
}

/**
 * Renames every object (`rename(name)`) and rewrites references between them. Only references
 * to objects in this set change: a Machine's `machineClassRef` to a class defined elsewhere
 * keeps its name. Targets are matched by kind and name (not namespace: a kustomization's
 * objects share one).
 */
export function renameWithReferences(items: readonly Named[], rename: (name: string) => string): void {
  const renamed = new Map<string, string>();
  for (const { object } of items) {
    const name = metadataOf(object)?.name;
    if (typeof name === "string") renamed.set(`${kindOf(object)}/${name}`, rename(name));
  }
  for (const { object } of items) {
    const meta = metadataOf(object);
    if (meta && typeof meta.name === "string") meta.name = renamed.get(`${kindOf(object)}/${meta.name}`);
    for (const ref of nameReferences) {
      if (ref.referrer !== kindOf(object)) continue;
      rewriteAt(object, ref.path.split("."), (name) => renamed.get(`${ref.target}/${name}`) ?? name);
    }
  }
}
