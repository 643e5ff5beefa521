import {
  type FabricEndpoint,
  formatPrefix64Key,
  prefix64Key,
  type UnderlayRegistry,
} from "./underlayRegistry.js";

/**
 * An in-process registry: static peers from configuration, or one object shared by the nodes of a
 * test (each announces itself at start). Also the local mirror of KvUnderlayRegistry.
 */
export class MemoryUnderlayRegistry implements UnderlayRegistry {
  private readonly byPrefix = new Map<string, FabricEndpoint>();

  constructor(entries: readonly { prefix: Uint8Array; endpoint: FabricEndpoint }[] = []) {
    for (const e of entries) this.set(e.prefix, e.endpoint);
  }

  lookup(address: Uint8Array, offset: number): FabricEndpoint | undefined {
    return this.byPrefix.get(prefix64Key(address, offset));
  }

  set(prefix: Uint8Array, endpoint: FabricEndpoint): void {
    this.byPrefix.set(prefix64Key(prefix), { host: endpoint.host, port: endpoint.port });
  }

  delete(prefix: Uint8Array): void {
    this.byPrefix.delete(prefix64Key(prefix));
  }

  async announce(prefix: Uint8Array, endpoint: FabricEndpoint): Promise<void> {
    this.set(prefix, endpoint);
  }

  async withdraw(prefix: Uint8Array): Promise<void> {
    this.delete(prefix);
  }

  list(): { prefix: string; endpoint: FabricEndpoint }[] {
    return [...this.byPrefix].map(([k, endpoint]) => ({ prefix: formatPrefix64Key(k), endpoint }));
  }

  async close(): Promise<void> {}
}
