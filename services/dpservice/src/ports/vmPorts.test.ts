import dgram from "node:dgram";
import { describe, expect, it } from "vitest";
import { consecutivePciAddresses } from "../state/pciAddress.js";
import { VmPorts } from "./vmPorts.js";

const vfs = consecutivePciAddresses("0000:3b:00.2", 4).map((name, index) => ({
  index,
  name,
  iface: undefined,
}));

async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  return s;
}

describe("VM ports", () => {
  it("exchange frames with a machine, learning its endpoint from the first frame", async () => {
    const ports = new VmPorts({ vfs, host: "127.0.0.1", basePort: 0 });
    const got: { vf: number; bytes: number[] }[] = [];
    ports.onFrame = (vf, frame) => got.push({ vf, bytes: [...frame] });
    const port = await ports.attach(2);
    expect(ports.send(2, Uint8Array.of(1), 0, 1)).toBe(false); // endpoint unknown yet
    const machine = await socket();
    const toMachine: number[][] = [];
    machine.on("message", (m) => toMachine.push([...m]));
    machine.send(Uint8Array.of(7, 8, 9), port.port, "127.0.0.1");
    await expect.poll(() => got).toEqual([{ vf: 2, bytes: [7, 8, 9] }]);
    expect(port.machineEndpoint?.port).toBe(machine.address().port);
    // The bytes sent are copied: changing the buffer after send() does not change the datagram.
    const buf = Uint8Array.of(0, 1, 2, 3);
    expect(ports.send(2, buf, 1, 2)).toBe(true);
    buf.fill(9);
    await expect.poll(() => toMachine).toEqual([[1, 2]]);
    // Attaching again keeps the port; an explicit endpoint replaces the learnt one.
    const other = await socket();
    expect((await ports.attach(2, { host: "127.0.0.1", port: other.address().port })).port).toBe(port.port);
    expect(ports.get(2)?.machineEndpoint?.port).toBe(other.address().port);
    expect(ports.attached().map((p) => p.vfIndex)).toEqual([2]);
    expect(await ports.detach(2)).toBe(true);
    expect(ports.send(2, buf, 0, 1)).toBe(false);
    await ports.close();
    machine.close();
    other.close();
  });

  it("binds VF i at basePort + i when configured", async () => {
    const probe = await socket();
    const base = probe.address().port;
    probe.close();
    const ports = new VmPorts({ vfs, host: "127.0.0.1", basePort: base });
    const p1 = await ports.attach(1).catch(() => undefined);
    if (p1) expect(p1.port).toBe(base + 1); // the port may have been taken meanwhile
    await ports.close();
  });
});
