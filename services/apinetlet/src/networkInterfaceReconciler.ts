/**
 * NetworkInterface: reports the state of the apinet NetworkInterface behind an ironcore NIC and
 * pushes the NIC's public IP and routed prefixes to it (reference ironcore-net.md section 7).
 *
 * apinetlet never creates apinet NICs: where a NIC lives depends on the node its machine runs
 * on, so the machine provider creates it on its apinet Node and writes its provider ID
 * (`ironcore-net://<ns>/<name>/<node>/<uid>`) into the ironcore NIC's `spec.providerID`. Then:
 * 1. the apinet NIC with that uid is claimed (origin metadata added) unless another ironcore NIC
 *    claimed it; apinet NICs this NIC claimed before but no longer points at are released
 *    (origin removed, publicIPs and prefixes cleared);
 * 2. the VirtualIP it wants (`virtualIPRef`, or the ephemeral one named like the NIC) is claimed
 *    if free (`targetRef = {name, uid}`); VirtualIPs it holds but no longer wants are released;
 * 3. routed prefixes = literal `spec.prefixes[].value` + Allocated ephemeral Prefixes `<nic>-pf-<i>`;
 * 4. no apinet NIC: status Pending with ips, prefixes and virtualIP cleared;
 * 5. the apinet NIC gets `publicIPs = [{name: <ip>, ipFamily, ip}]` for claimed VirtualIPs with an
 *    address (NAT gateway entries of those families are dropped: a public IP replaces NAT), and
 *    the prefixes;
 * 6. status: state Ready -> Available, Error -> Error, else Pending; ips and prefixes from the
 *    apinet spec; virtualIP = first IPv4 of the apinet `status.publicIPs` (what the data plane
 *    reports as programmed); lastStateTransitionTime when the state changes.
 * Finalizer `apinet.ironcore.dev/networkinterface`: on deletion apinet NICs and VirtualIPs are
 * released (never deleted: the provider owns the apinet NIC).
 */
import { controllerOf, isDeleting, nowTimestamp } from "@ironcore-ts/apimachinery";
import { Controller, enqueueMapped, enqueueOwner } from "@ironcore-ts/controller";
import type { NetworkInterfacePublicIPJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkinterface_pb.js";
import {
  type NetworkInterfaceProviderID,
  tryParseNetworkInterfaceProviderID,
} from "@ironcore-ts/ironcore-net/providerId";
import type { Logger } from "pino";
import { type ApinetletContext, isHandled, latest } from "./context.js";
import { indexes, wantedVirtualIPName } from "./informers.js";
import {
  type ApinetNetworkInterfaceObject,
  apinetRefs,
  finalizers,
  ironcoreRefs,
  type NetworkInterfaceObject,
  type PrefixObject,
  type VirtualIPObject,
} from "./kinds.js";
import {
  addFinalizer,
  getIfExists,
  hasFinalizer,
  jsonEqual,
  keyOf,
  mergePatch,
  patchStatus,
  removeFinalizer,
  requeueOnRace,
} from "./objects.js";
import { originKey, originMetadata, originOf, removeOriginPatch } from "./originMetadata.js";

/** ironcore NIC state from the apinet NIC state. */
export function networkInterfaceState(apinetState: string | undefined): "Available" | "Error" | "Pending" {
  if (apinetState === "Ready") return "Available";
  if (apinetState === "Error") return "Error";
  return "Pending";
}

/** The routed prefixes of an ironcore NIC that are known: literals and Allocated ephemeral Prefixes. */
export function desiredPrefixes(
  nic: NetworkInterfaceObject,
  lookupPrefix: (key: string) => PrefixObject | undefined,
): string[] {
  return (nic.spec?.prefixes ?? []).flatMap((source, i) => {
    if (source.value) return [source.value];
    if (!source.ephemeral) return [];
    const prefix = lookupPrefix(keyOf(nic.metadata.namespace, `${nic.metadata.name}-pf-${i}`));
    if (!prefix || controllerOf(prefix)?.uid !== nic.metadata.uid) return [];
    return prefix.status?.phase === "Allocated" && prefix.spec?.prefix ? [prefix.spec.prefix] : [];
  });
}

/** `publicIPs` of the apinet NIC: one entry per claimed VirtualIP that has an address (one per family). */
export function desiredPublicIPs(claimed: readonly VirtualIPObject[]): NetworkInterfacePublicIPJson[] {
  const byFamily = new Map<string, NetworkInterfacePublicIPJson>();
  for (const vip of claimed) {
    const ip = vip.status?.ip;
    const family = vip.spec?.ipFamily ?? (ip?.includes(":") ? "IPv6" : "IPv4");
    if (ip && !byFamily.has(family)) byFamily.set(family, { name: ip, ipFamily: family, ip });
  }
  return [...byFamily.values()].sort((a, b) => (a.ip ?? "").localeCompare(b.ip ?? ""));
}

function samePublicIPs(
  a: readonly NetworkInterfacePublicIPJson[] | undefined,
  b: readonly NetworkInterfacePublicIPJson[],
) {
  const norm = (list: readonly NetworkInterfacePublicIPJson[]) =>
    list
      .map((e) => ({ name: e.name, ipFamily: e.ipFamily, ip: e.ip }))
      .sort((x, y) => (x.ip ?? "").localeCompare(y.ip ?? ""));
  return jsonEqual(norm(a ?? []), norm(b));
}

const sortedStrings = (list: readonly string[] | undefined) => [...(list ?? [])].sort();

export function networkInterfaceReconciler(ctx: ApinetletContext): Controller {
  const { settings } = ctx;
  const ic = ctx.informers.ironcore;
  const an = ctx.informers.apinet;
  const namespace = settings.apinetNamespace;

  async function lookupApinetNIC(id: NetworkInterfaceProviderID) {
    // The provider writes into apinetlet's namespace; another one is read live (not cached).
    const found =
      id.namespace === namespace
        ? latest(ctx, apinetRefs.NetworkInterface, an.networkInterfaces.get(keyOf(id.namespace, id.name)))
        : await getIfExists(
            ctx.apinet.get<ApinetNetworkInterfaceObject>(apinetRefs.NetworkInterface, id.namespace, id.name),
          );
    return found?.metadata.uid === id.uid ? found : undefined;
  }

  async function release(nics: readonly ApinetNetworkInterfaceObject[], log: Logger) {
    for (const a of nics) {
      await getIfExists(
        ctx.apinet.patch(
          apinetRefs.NetworkInterface,
          a.metadata.namespace,
          a.metadata.name ?? "",
          mergePatch({
            metadata: removeOriginPatch("networkinterface"),
            spec: { publicIPs: null, prefixes: null },
          }),
        ),
      );
      log.info(
        { apinet: keyOf(a.metadata.namespace, a.metadata.name ?? "") },
        "released apinet network interface",
      );
    }
  }

  async function setTargetRef(vip: VirtualIPObject, targetRef: { name: string; uid: string } | null) {
    // With the version read: two NICs racing for one VirtualIP must not both win.
    return ctx.ironcore.patch<VirtualIPObject>(
      ironcoreRefs.VirtualIP,
      vip.metadata.namespace,
      vip.metadata.name ?? "",
      mergePatch({ metadata: { resourceVersion: vip.metadata.resourceVersion }, spec: { targetRef } }),
    );
  }

  /** Claims the wanted VirtualIP, releases unwanted ones; returns those the NIC holds. */
  async function claimVirtualIPs(nic: NetworkInterfaceObject, log: Logger): Promise<VirtualIPObject[]> {
    const wanted = wantedVirtualIPName(nic);
    const held: VirtualIPObject[] = [];
    for (const cached of ic.virtualIPs.byIndex(indexes.targetUID, nic.metadata.uid ?? "")) {
      const vip = latest(ctx, ironcoreRefs.VirtualIP, cached);
      if (!vip || vip.metadata.namespace !== nic.metadata.namespace) continue;
      if (vip.spec?.targetRef?.uid !== nic.metadata.uid) continue;
      if (vip.metadata.name === wanted) {
        held.push(vip);
        continue;
      }
      await getIfExists(setTargetRef(vip, null));
      log.info({ virtualIP: vip.metadata.name }, "released virtual IP");
    }
    if (wanted && !held.some((v) => v.metadata.name === wanted)) {
      const vip = latest(
        ctx,
        ironcoreRefs.VirtualIP,
        ic.virtualIPs.get(keyOf(nic.metadata.namespace, wanted)),
      );
      if (vip && !vip.spec?.targetRef?.uid && !isDeleting(vip)) {
        held.push(await setTargetRef(vip, { name: nic.metadata.name ?? "", uid: nic.metadata.uid ?? "" }));
        log.info({ virtualIP: wanted }, "claimed virtual IP");
      } else if (vip?.spec?.targetRef?.uid) {
        log.info(
          { virtualIP: wanted, claimedBy: vip.spec.targetRef.name },
          "virtual IP is claimed by another NIC",
        );
      }
    }
    return held;
  }

  async function writeStatus(
    nic: NetworkInterfaceObject,
    next: { state: string; ips: string[]; prefixes: string[]; virtualIP: string },
    log: Logger,
  ) {
    const current = nic.status ?? {};
    const unchanged =
      (current.state || "Pending") === next.state &&
      jsonEqual(current.ips, next.ips) &&
      jsonEqual(sortedStrings(current.prefixes), sortedStrings(next.prefixes)) &&
      (current.virtualIP ?? "") === next.virtualIP;
    if (unchanged) return;
    const stateChanged = (current.state || "Pending") !== next.state;
    await patchStatus(ctx.ironcore, ironcoreRefs.NetworkInterface, nic, {
      state: next.state,
      ips: next.ips.length > 0 ? next.ips : null,
      prefixes: next.prefixes.length > 0 ? next.prefixes : null,
      virtualIP: next.virtualIP || null,
      lastStateTransitionTime: stateChanged ? nowTimestamp() : undefined,
    });
    log.info(next, "network interface status updated");
  }

  async function finalize(key: string, nic: NetworkInterfaceObject, log: Logger) {
    if (!hasFinalizer(nic, finalizers.networkInterface)) return;
    await release(an.networkInterfaces.byIndex(indexes.origin, key), log);
    for (const vip of ic.virtualIPs.byIndex(indexes.targetUID, nic.metadata.uid ?? "")) {
      await getIfExists(setTargetRef(vip, null));
    }
    await removeFinalizer(ctx.ironcore, ironcoreRefs.NetworkInterface, nic, finalizers.networkInterface);
    log.info("released apinet network interface and virtual IPs; finalizer removed");
  }

  async function apply(key: string, cached: NetworkInterfaceObject, log: Logger) {
    // The finalizer goes on first here: what this reconcile claims must be released on deletion.
    const nic = hasFinalizer(cached, finalizers.networkInterface)
      ? cached
      : await addFinalizer(ctx.ironcore, ironcoreRefs.NetworkInterface, cached, finalizers.networkInterface);

    const id = tryParseNetworkInterfaceProviderID(nic.spec?.providerID);
    if (nic.spec?.providerID && !id) log.warn({ providerID: nic.spec.providerID }, "cannot parse providerID");
    let target = id ? await lookupApinetNIC(id) : undefined;
    const owner = target ? originOf("networkinterface", target) : undefined;
    if (target && owner && owner.uid !== nic.metadata.uid) {
      log.warn(
        { claimedBy: `${owner.namespace}/${owner.name}` },
        "apinet network interface is claimed by another NIC",
      );
      target = undefined;
    }
    await release(
      an.networkInterfaces
        .byIndex(indexes.origin, key)
        .filter((a) => a.metadata.uid !== target?.metadata.uid),
      log,
    );

    const held = await claimVirtualIPs(nic, log);
    const prefixes = desiredPrefixes(nic, (k) => ic.prefixes.get(k));

    if (!target) {
      await writeStatus(nic, { state: "Pending", ips: [], prefixes: [], virtualIP: "" }, log);
      return;
    }

    const origin = originMetadata("networkinterface", nic);
    const publicIPs = desiredPublicIPs(held);
    const publicFamilies = new Set(publicIPs.map((p) => p.ipFamily));
    const nats = target.spec?.natGateways ?? [];
    const keptNats = nats.filter((n) => !publicFamilies.has(n.ipFamily));
    const spec: Record<string, unknown> = {};
    if (!samePublicIPs(target.spec?.publicIPs, publicIPs))
      spec.publicIPs = publicIPs.length > 0 ? publicIPs : null;
    if (keptNats.length !== nats.length) spec.natGateways = keptNats.length > 0 ? keptNats : null;
    if (!jsonEqual(sortedStrings(target.spec?.prefixes), sortedStrings(prefixes))) {
      spec.prefixes = prefixes.length > 0 ? prefixes : null;
    }
    if (!owner || Object.keys(spec).length > 0) {
      // With the version read: natGateways is a list the NAT controller writes too.
      target = await ctx.apinet.patch<ApinetNetworkInterfaceObject>(
        apinetRefs.NetworkInterface,
        target.metadata.namespace,
        target.metadata.name ?? "",
        mergePatch({ metadata: { resourceVersion: target.metadata.resourceVersion, ...origin }, spec }),
      );
      log.info(
        { apinet: target.metadata.name, changed: Object.keys(spec), claimed: !owner },
        "updated apinet network interface",
      );
    }

    const virtualIP = (target.status?.publicIPs ?? []).find((ip) => !ip.includes(":")) ?? "";
    await writeStatus(
      nic,
      {
        state: networkInterfaceState(target.status?.state),
        ips: target.spec?.ips ?? [],
        prefixes: target.spec?.prefixes ?? [],
        virtualIP,
      },
      log,
    );
  }

  return new Controller({
    name: "networkinterface",
    logger: ctx.logger,
    registry: ctx.registry,
    concurrency: Math.max(2, Math.ceil(settings.concurrency / 4)),
    reconcile: requeueOnRace(async (key, _signal, log) => {
      const nic = latest(ctx, ironcoreRefs.NetworkInterface, ic.networkInterfaces.get(key));
      if (nic && !isHandled(settings, nic)) return;
      if (!nic) {
        // Gone without our finalizer (never reconciled): release what still names it.
        await release(an.networkInterfaces.byIndex(indexes.origin, key), log);
        return;
      }
      if (isDeleting(nic)) return finalize(key, nic, log);
      return apply(key, nic, log);
    }),
  })
    .watch(ic.networkInterfaces)
    .watch(
      an.networkInterfaces,
      // The NIC that claimed it, and the NICs whose providerID names it (not claimed yet).
      enqueueMapped((a: ApinetNetworkInterfaceObject) => [
        ...(originKey("networkinterface", a) ? [originKey("networkinterface", a)!] : []),
        ...ic.networkInterfaces
          .byIndex(indexes.providerUID, a.metadata.uid ?? "")
          .map((n) => keyOf(n.metadata.namespace, n.metadata.name ?? "")),
      ]),
    )
    .watch(
      ic.virtualIPs,
      // The NIC holding it, and the NICs that want it.
      enqueueMapped((vip: VirtualIPObject) => [
        ...(vip.spec?.targetRef?.name ? [keyOf(vip.metadata.namespace, vip.spec.targetRef.name)] : []),
        ...ic.networkInterfaces
          .byIndex(indexes.wantedVirtualIP, keyOf(vip.metadata.namespace, vip.metadata.name ?? ""))
          .map((n) => keyOf(n.metadata.namespace, n.metadata.name ?? "")),
      ]),
    )
    .watch(ic.prefixes, enqueueOwner<PrefixObject>("NetworkInterface"));
}
