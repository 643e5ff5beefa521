import { connect } from "node:net";
import { fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import {
  CountRequestSchema,
  type CountResponse,
  CountResponseSchema,
  EchoRequestSchema,
  type EchoResponse,
  EchoResponseSchema,
} from "@ironcore-ts/gen/ironcore/testing/v1/echo_pb.js";
import { service as healthService } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoImpl, EchoService, invalidEcho } from "./echoFixture.js";
import { fieldViolationsOf } from "./fieldViolations.js";
import { BadRequestSchema } from "./generatedProtos.js";
import { createLogger } from "./logger.js";
import { deserializer, serializer } from "./serviceDefinition.js";
import { type RunningService, startService } from "./startService.js";

const expectedViolations = [
  { field: "text", description: 'Invalid value: "invalid": must not be "invalid"' },
  { field: "at", description: "Required value" },
];

const logger = createLogger("runtime-test", { level: "silent" });

async function start() {
  const echo = createEchoImpl();
  const svc = await startService({
    name: "runtime-test",
    logger,
    grpc: { host: "127.0.0.1", port: 0 },
    http: { host: "127.0.0.1", port: 0 },
    services: [{ service: EchoService, impl: echo.impl }],
    shutdownTimeoutMs: 3000,
  });
  return { svc, probe: echo.probe };
}

/** A plain grpc-js client for EchoService, built from the protobuf-es descriptors. */
function grpcEchoClient(port: number) {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const echo = (text: string, metadata = new grpc.Metadata()) =>
    new Promise<{ res: EchoResponse; header: grpc.Metadata }>((resolve, reject) => {
      let header = new grpc.Metadata();
      const call = client.makeUnaryRequest(
        "/ironcore.testing.v1.EchoService/Echo",
        serializer(EchoRequestSchema),
        deserializer(EchoResponseSchema),
        { text },
        metadata,
        (err, res) => (err || !res ? reject(err) : resolve({ res, header })),
      );
      call.on("metadata", (md) => {
        header = md;
      });
    });
  const count = (count: number, intervalMs = 0) =>
    client.makeServerStreamRequest(
      "/ironcore.testing.v1.EchoService/Count",
      serializer(CountRequestSchema),
      deserializer(CountResponseSchema),
      { count, intervalMs },
    );
  return { client, echo, count };
}

function collect(stream: grpc.ClientReadableStream<CountResponse>) {
  return new Promise<{ numbers: number[]; error?: grpc.ServiceError }>((resolve) => {
    const numbers: number[] = [];
    stream.on("data", (m: CountResponse) => numbers.push(m.number));
    stream.on("error", (error: grpc.ServiceError) => resolve({ numbers, error }));
    stream.on("end", () => resolve({ numbers }));
  });
}

function healthCheck(port: number, service: string) {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const check = healthService.Check!;
  return new Promise<string>((resolve, reject) =>
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve((res as { status: string }).status);
      },
    ),
  ).catch((err: grpc.ServiceError) => `error ${err.code}`);
}

async function handledCount(httpPort: number, method: string, code: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("grpc_server_handled_total{") &&
        l.includes(`grpc_method="${method}"`) &&
        l.includes(`grpc_code="${code}"`),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("startService", () => {
  let svc: RunningService;
  let grpcClient: ReturnType<typeof grpcEchoClient>;

  beforeAll(async () => {
    ({ svc } = await start());
    grpcClient = grpcEchoClient(svc.grpcPort);
  });
  afterAll(async () => {
    grpcClient.client.close();
    await svc.stop();
  });

  it("reports the ports it picked", () => {
    expect(svc.grpcPort).toBeGreaterThan(0);
    expect(svc.httpPort).toBeGreaterThan(0);
    expect(svc.grpcPort).not.toBe(svc.httpPort);
  });

  describe("gRPC port", () => {
    it("answers a grpc-js unary call, with request metadata in the handler's headers", async () => {
      const md = new grpc.Metadata();
      md.set("x-prefix", "re:");
      const { res, header } = await grpcClient.echo("hello", md);
      expect(res.text).toBe("re:hello");
      expect(res.at?.seconds).toBeGreaterThan(0n);
      expect(header.get("x-echoed")).toEqual(["yes"]);
    });

    it("streams to a grpc-js client", async () => {
      expect(await collect(grpcClient.count(5))).toEqual({ numbers: [1, 2, 3, 4, 5] });
    });

    it("answers a typed Connect client over the gRPC transport", async () => {
      const client = createClient(
        EchoService,
        createGrpcTransport({ baseUrl: `http://127.0.0.1:${svc.grpcPort}` }),
      );
      const at = timestampFromDate(new Date("2024-05-06T07:08:09Z"));
      expect((await client.echo({ text: "hi", at })).at).toEqual(at);
      const numbers: number[] = [];
      for await (const m of client.count({ count: 3 })) numbers.push(m.number);
      expect(numbers).toEqual([1, 2, 3]);
    });

    it("sends an ApiError as INVALID_ARGUMENT with its message and BadRequest field violations", async () => {
      const err = await grpcClient.echo("invalid").catch((e: grpc.ServiceError) => e);
      expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: invalidEcho.message });
      expect(fieldViolationsOf(err)).toEqual(expectedViolations);

      const client = createClient(
        EchoService,
        createGrpcTransport({ baseUrl: `http://127.0.0.1:${svc.grpcPort}` }),
      );
      const ce = await client
        .echo({ text: "invalid" })
        .then(unexpected, (e: unknown) => ConnectError.from(e));
      expect(ce.code).toBe(Code.InvalidArgument);
      expect(ce.rawMessage).toBe(invalidEcho.message);
      expect(fieldViolationsOf(ce)).toEqual(expectedViolations);
    });

    it("passes a ConnectError's code through and hides unknown errors behind INTERNAL", async () => {
      expect(await grpcClient.echo("denied").catch((e: grpc.ServiceError) => e)).toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
        details: "you shall not pass",
      });
      const err = await grpcClient.echo("boom").catch((e: grpc.ServiceError) => e);
      expect(err).toMatchObject({ code: grpc.status.INTERNAL, details: "internal error" });
      expect(JSON.stringify(err)).not.toContain("hunter2");
      expect(fieldViolationsOf(err)).toEqual([]);
    });

    it("ends a stream with the handler's error after the messages already sent", async () => {
      const { numbers, error } = await collect(grpcClient.count(13));
      expect(numbers).toEqual([1, 2]);
      expect(error).toMatchObject({ code: grpc.status.ABORTED, details: "unlucky" });
    });

    it("serves grpc.health.v1: SERVING for the server and its services, NOT_FOUND otherwise", async () => {
      expect(await healthCheck(svc.grpcPort, "")).toBe("SERVING");
      expect(await healthCheck(svc.grpcPort, "ironcore.testing.v1.EchoService")).toBe("SERVING");
      expect(await healthCheck(svc.grpcPort, "no.such.Service")).toBe(`error ${grpc.status.NOT_FOUND}`);
    });
  });

  describe("HTTP port", () => {
    const url = (path: string) => `http://127.0.0.1:${svc.httpPort}${path}`;

    it("answers Connect JSON as plain curl would send it", async () => {
      const res = await fetch(url("/ironcore.testing.v1.EchoService/Echo"), {
        method: "POST",
        headers: { "content-type": "application/json", "x-prefix": ">" },
        body: JSON.stringify({ text: "curl", at: "2024-05-06T07:08:09Z" }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ text: ">curl", at: "2024-05-06T07:08:09Z" });
    });

    it("sends an ApiError as invalid_argument JSON with a decodable google.rpc.BadRequest", async () => {
      const res = await fetch(url("/ironcore.testing.v1.EchoService/Echo"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "invalid" }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as {
        code: string;
        message: string;
        details: { type: string; value: string }[];
      };
      expect(body.code).toBe("invalid_argument");
      expect(body.message).toBe(invalidEcho.message);
      expect(body.details.map((d) => d.type)).toEqual(["google.rpc.BadRequest"]);
      const bad = fromBinary(BadRequestSchema, Buffer.from(body.details[0]!.value, "base64"));
      expect(bad.fieldViolations.map((v) => ({ field: v.field, description: v.description }))).toEqual(
        expectedViolations,
      );
    });

    it("serves Connect and gRPC-Web clients over HTTP/1.1, errors included", async () => {
      const connectClient = createClient(
        EchoService,
        createConnectTransport({ baseUrl: url(""), httpVersion: "1.1" }),
      );
      expect((await connectClient.echo({ text: "a" })).text).toBe("a");
      const ce = await connectClient
        .echo({ text: "invalid" })
        .then(unexpected, (e: unknown) => ConnectError.from(e));
      expect(ce.code).toBe(Code.InvalidArgument);
      expect(fieldViolationsOf(ce)).toEqual(expectedViolations);
      const boom = await connectClient
        .echo({ text: "boom" })
        .then(unexpected, (e: unknown) => ConnectError.from(e));
      expect([boom.code, boom.rawMessage]).toEqual([Code.Internal, "internal error"]);

      const webClient = createClient(
        EchoService,
        createGrpcWebTransport({ baseUrl: url(""), httpVersion: "1.1" }),
      );
      expect((await webClient.echo({ text: "b" })).text).toBe("b");
      const numbers: number[] = [];
      for await (const m of webClient.count({ count: 4 })) numbers.push(m.number);
      expect(numbers).toEqual([1, 2, 3, 4]);
    });

    it("answers /healthz and /readyz", async () => {
      expect((await fetch(url("/healthz"))).status).toBe(200);
      const ready = await fetch(url("/readyz"));
      expect([ready.status, await ready.text()]).toEqual([200, "ok\n"]);
    });

    it("counts calls of both ports on /metrics, by method and code", async () => {
      const before = await handledCount(svc.httpPort, "Echo", "OK");
      const invalidBefore = await handledCount(svc.httpPort, "Echo", "InvalidArgument");
      await grpcClient.echo("m1");
      await fetch(url("/ironcore.testing.v1.EchoService/Echo"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      await grpcClient.echo("invalid").catch(() => {});
      expect(await handledCount(svc.httpPort, "Echo", "OK")).toBe(before + 2);
      expect(await handledCount(svc.httpPort, "Echo", "InvalidArgument")).toBe(invalidBefore + 1);
      const text = await (await fetch(url("/metrics"))).text();
      expect(text).toContain("grpc_server_handling_seconds_bucket{");
      expect(text).toContain("process_cpu_user_seconds_total");
    });
  });
});

describe("httpRoutes", () => {
  it("serves extra paths on the HTTP port before the Connect router, built-ins first", async () => {
    const svc = await startService({
      name: "runtime-test-routes",
      logger,
      grpc: { host: "127.0.0.1", port: 0 },
      http: { host: "127.0.0.1", port: 0 },
      services: [{ service: EchoService, impl: createEchoImpl().impl }],
      httpRoutes: {
        "/routes.json": (req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ method: req.method, url: req.url }));
        },
        "/fails": async () => {
          throw new Error("broken handler");
        },
        // Must not shadow the built-in endpoint.
        "/healthz": (_req, res) => {
          res.writeHead(418);
          res.end();
        },
      },
    });
    const url = (path: string) => `http://127.0.0.1:${svc.httpPort}${path}`;
    try {
      const res = await fetch(url("/routes.json?pretty=1"));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ method: "GET", url: "/routes.json?pretty=1" });
      const failed = await fetch(url("/fails"));
      expect([failed.status, await failed.text()]).toEqual([500, "internal error: broken handler\n"]);
      expect((await fetch(url("/healthz"))).status).toBe(200);
      // Everything else still reaches Connect.
      const echo = await fetch(url("/ironcore.testing.v1.EchoService/Echo"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "still here" }),
      });
      expect(((await echo.json()) as { text: string }).text).toBe("still here");
    } finally {
      await svc.stop();
    }
  });
});

describe("stop", () => {
  it("ends a running stream, reports NOT_SERVING, and closes both ports", async () => {
    const { svc, probe } = await start();
    const { client, count } = grpcEchoClient(svc.grpcPort);
    const stream = count(1000, 20);
    const result = collect(stream);
    await new Promise((resolve) => stream.once("data", resolve));
    // The same on the Connect port, over a kept-alive HTTP/1.1 connection.
    const web = createClient(
      EchoService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${svc.httpPort}`, httpVersion: "1.1" }),
    );
    const webStream = web.count({ count: 1000, intervalMs: 20 })[Symbol.asyncIterator]();
    await webStream.next();
    const webResult = webStream
      .next()
      .then(async () => {
        for (;;) if ((await webStream.next()).done) return undefined;
      })
      .catch((e: unknown) => ConnectError.from(e));

    const started = Date.now();
    const stopped = svc.stop();
    expect(svc.health.status("")).toBe("NOT_SERVING");
    const { numbers, error } = await result;
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.length).toBeLessThan(1000);
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect((await webResult)?.code).toBe(Code.Unavailable);
    await stopped;
    expect(Date.now() - started).toBeLessThan(2500);
    expect(probe.countSignals.map((s) => s.aborted)).toEqual([true, true]);
    client.close();

    expect(await refused(svc.grpcPort)).toBe(true);
    expect(await refused(svc.httpPort)).toBe(true);
    await svc.stop(); // again: a no-op
  });

  it("lets a unary call in flight finish", async () => {
    const { svc, probe } = await start();
    const { client, echo } = grpcEchoClient(svc.grpcPort);
    const call = echo("slow");
    await expect.poll(() => probe.slowStarted).toBe(1);
    await svc.stop();
    expect((await call).res.text).toBe("slow");
    client.close();
  });

  it("aborts the handler's signal when the client cancels", async () => {
    const { svc, probe } = await start();
    const { client, count } = grpcEchoClient(svc.grpcPort);
    const stream = count(1000, 20);
    await new Promise((resolve) => stream.once("data", resolve));
    stream.on("error", () => {});
    stream.cancel();
    await expect.poll(() => probe.countSignals[0]?.aborted).toBe(true);
    await expect.poll(() => probe.countsFinished).toBe(1);
    client.close();
    await svc.stop();
  });
});

function unexpected(v: unknown): never {
  throw new Error(`expected the call to fail, got ${JSON.stringify(v)}`);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}
