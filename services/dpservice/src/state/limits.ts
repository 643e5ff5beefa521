/** Table sizes from upstream dpservice; exceeding one fails the call, as upstream does. */
export const Limits = {
  /** Virtual functions (VM ports) of one node. */
  vfPorts: 126,
  /** VNIs with route tables at the same time. */
  vnis: 512,
  /** Routes per VNI and address family. */
  routesPerVniFamily: 1024,
  /** Underlay ("VNF") addresses: interfaces, VIPs, NATs, LBs and (LB) prefixes together. */
  underlays: 1000,
  loadBalancers: 256,
  loadBalancerTargets: 64,
  loadBalancerPorts: 15,
  /** Interface, load balancer and firewall rule ids, and hostnames. */
  idLength: 63,
  pxeFilenameLength: 31,
  captureInterfaces: 16,
  /** Local NAT and DNAT entries (126 ports x 32). */
  natEntries: 4032,
} as const;

/** Largest VNI: 24 bits. */
export const MAX_VNI = 0xffffff;
