import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("writes one JSON object per line, with the service name and an ISO time", () => {
    const out = capture();
    const log = createLogger("ironcore-api", { format: "json", destination: out.destination });
    log.info({ port: 7443 }, "listening");
    log.debug("hidden at the default level");
    expect(out.lines).toHaveLength(1);
    const line = JSON.parse(out.lines[0]!);
    expect(line).toMatchObject({ level: 30, service: "ironcore-api", port: 7443, msg: "listening" });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it("writes human-readable lines with LOG_FORMAT=pretty, and honours LOG_LEVEL", () => {
    process.env.LOG_FORMAT = "pretty";
    process.env.LOG_LEVEL = "debug";
    const out = capture();
    const log = createLogger("ironcore-api", { destination: out.destination });
    log.debug({ port: 7443 }, "listening");
    const text = out.lines.join("\n");
    expect(text).toContain("DEBUG");
    expect(text).toContain("listening");
    expect(text).toMatch(/"port":\s*7443/);
    // One event, one line: several services' logs stay readable side by side under `npm start`.
    expect(out.lines.filter((l) => l.trim() !== "")).toHaveLength(1);
    expect(() => JSON.parse(out.lines[0]!)).toThrow();
  });

  it("rejects an unknown LOG_FORMAT with a clear message", () => {
    process.env.LOG_FORMAT = "xml";
    expect(() => createLogger("x")).toThrow('LOG_FORMAT must be "json" or "pretty", got "xml"');
  });
});
