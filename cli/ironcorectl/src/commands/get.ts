import type { ApiObject } from "@ironcore-ts/apimachinery";
import type { Command, CommandContext } from "../command.js";
import { asApiError, CliError, isNotFound, serverErrorLine } from "../errors.js";
import { renderJsonPathTemplate } from "../jsonPath.js";
import { type KindInfo, notFoundMessage, objectLabel, refOf } from "../kindResolver.js";
import { type OutputFormat, parseOutputFormat } from "../outputFormat.js";
import { printable, toJsonText, toYaml } from "../printers.js";
import { parseResourceArgs, type ResourceRequest } from "../resourceArgs.js";
import { type TableOptions, tableHeader, tableRow } from "../resourceTable.js";
import { TableWriter } from "../table.js";

interface Fetched {
  request: ResourceRequest;
  objects: ApiObject[];
  /** Of the list, to watch from. */
  resourceVersion?: string;
}

/** Where a kind's requests go: its namespace, or every namespace with -A / for cluster kinds. */
function requestNamespace(ctx: CommandContext, kind: KindInfo): string | undefined {
  if (!kind.namespaced || ctx.flags.bool("all-namespaces")) return undefined;
  return ctx.namespace;
}

async function fetchRequest(
  ctx: CommandContext,
  request: ResourceRequest,
): Promise<{ fetched: Fetched; failures: number }> {
  const client = ctx.client();
  const { kind, names } = request;
  const namespace = requestNamespace(ctx, kind);
  if (names.length === 0) {
    const list = await client.list(refOf(kind), {
      namespace: namespace ?? "",
      labelSelector: ctx.flags.string("selector") ?? "",
    });
    return { fetched: { request, objects: list.items, resourceVersion: list.resourceVersion }, failures: 0 };
  }
  const objects: ApiObject[] = [];
  let failures = 0;
  for (const name of names) {
    try {
      objects.push(await client.get(refOf(kind), namespace, name));
    } catch (err) {
      const api = asApiError(err);
      if (!api || api.reason === "Unavailable") throw err;
      ctx.err(
        isNotFound(api)
          ? `Error from server (NotFound): ${notFoundMessage(kind, name)}`
          : serverErrorLine(api),
      );
      failures++;
    }
  }
  return { fetched: { request, objects }, failures };
}

/** Prints objects in the chosen format, first as a whole and then one per watch event. */
class ObjectPrinter {
  private readonly table = new TableWriter();
  private headerPrinted = false;
  private documents = 0;

  constructor(
    private readonly ctx: CommandContext,
    private readonly format: OutputFormat,
    private readonly tableOptions: TableOptions,
  ) {}

  private tableOptionsFor(kind: KindInfo): TableOptions {
    return { ...this.tableOptions, withNamespace: this.tableOptions.withNamespace && kind.namespaced };
  }

  /** The result of a `get`: tables per kind, or one object / one List. */
  printAll(groups: readonly Fetched[], single: boolean): void {
    const f = this.format;
    const all = groups.flatMap((g) => g.objects);
    if (f.type === "table") {
      let first = true;
      for (const g of groups) {
        if (g.objects.length === 0) continue;
        if (!first) this.ctx.out("\n");
        first = false;
        const options = this.tableOptionsFor(g.request.kind);
        const rows = g.objects.map((o) => tableRow(g.request.kind, o, options));
        const noHeaders = this.ctx.flags.bool("no-headers");
        // Each kind is its own table, with its own column widths, as kubectl prints them.
        const writer = groups.length > 1 ? new TableWriter() : this.table;
        this.ctx.out(
          writer.format(noHeaders ? rows : [tableHeader(g.request.kind, options), ...rows]).join("\n"),
        );
        this.headerPrinted = true;
      }
      return;
    }
    if (all.length === 0) return;
    if (f.type === "name") {
      for (const g of groups)
        for (const o of g.objects) this.ctx.out(objectLabel(g.request.kind, o.metadata.name ?? ""));
    } else if (f.type === "yaml") this.ctx.out(toYaml(printable(all, single)));
    else if (f.type === "json") this.ctx.out(toJsonText(printable(all, single)));
    // Like kubectl, a template prints exactly what it says: no newline unless it has one.
    else this.ctx.io.stdout.write(renderJsonPathTemplate(printable(all, single), f.template));
  }

  /** One object from a watch event. */
  printEvent(kind: KindInfo, obj: ApiObject): void {
    const f = this.format;
    if (f.type === "table") {
      const options = this.tableOptionsFor(kind);
      const row = tableRow(kind, obj, options);
      const showHeader = !this.headerPrinted && !this.ctx.flags.bool("no-headers");
      this.headerPrinted = true;
      this.ctx.out(this.table.format(showHeader ? [tableHeader(kind, options), row] : [row]).join("\n"));
    } else if (f.type === "name") this.ctx.out(objectLabel(kind, obj.metadata.name ?? ""));
    else if (f.type === "yaml") {
      if (this.documents++ > 0) this.ctx.out("---");
      this.ctx.out(toYaml(printable([obj], true)));
    } else if (f.type === "json") this.ctx.out(toJsonText(printable([obj], true)));
    else this.ctx.io.stdout.write(renderJsonPathTemplate(printable([obj], true), f.template));
  }
}

/** Follows changes of one kind (and names) until the watch ends or the caller aborts. */
async function watch(ctx: CommandContext, fetched: Fetched, printer: ObjectPrinter): Promise<void> {
  const { kind, names } = fetched.request;
  const client = ctx.client();
  const namespace = requestNamespace(ctx, kind) ?? "";
  const labelSelector = ctx.flags.string("selector") ?? "";
  let from = fetched.resourceVersion;
  if (from === undefined) {
    from = (await client.list(refOf(kind), { namespace, labelSelector })).resourceVersion;
  }
  const signal = ctx.io.signal;
  while (!signal?.aborted) {
    try {
      for await (const ev of client.watch(refOf(kind), {
        namespace,
        labelSelector,
        resourceVersion: from,
        signal,
      })) {
        from = ev.object.metadata.resourceVersion ?? from;
        if (ev.type === "BOOKMARK") continue;
        if (names.length > 0 && !names.includes(ev.object.metadata.name ?? "")) continue;
        printer.printEvent(kind, ev.object);
      }
      return;
    } catch (err) {
      // The server compacted the history we asked for: start again from now.
      if (asApiError(err)?.reason !== "Expired") throw err;
      from = (await client.list(refOf(kind), { namespace, labelSelector })).resourceVersion;
    }
  }
}

export const getCommand: Command = {
  name: "get",
  summary: "Display one or many resources",
  usage: "ironcorectl get KIND[,KIND...] [NAME...] | KIND/NAME... [flags]",
  description:
    "Display one or many resources.\n\n" +
    "KIND is a kind (NetworkInterface), its plural (networkinterfaces), singular or short name (nic),\n" +
    "in any case, optionally with the group (nic.networking.ironcore.dev). See 'ironcorectl api-resources'.",
  examples: [
    "ironcorectl get nic",
    "ironcorectl get networks -A -o wide",
    "ironcorectl get net network-sample -o yaml",
    "ironcorectl get vip,nic -n test",
    "ironcorectl get nic -l app=web --show-labels",
    "ironcorectl get nic machine-sample-primary -o jsonpath='{.status.ips[*]}'",
    "ironcorectl get lb -w",
  ].join("\n"),
  flags: {
    output: {
      type: "string",
      short: "o",
      valueName: "FORMAT",
      description: "yaml, json, wide, name or jsonpath=TEMPLATE (default: a table)",
    },
    "all-namespaces": { type: "boolean", short: "A", description: "list across all namespaces" },
    selector: {
      type: "string",
      short: "l",
      valueName: "SELECTOR",
      description: "label selector (app=web,tier!=db)",
    },
    watch: { type: "boolean", short: "w", description: "after listing, print changes as they happen" },
    "watch-only": { type: "boolean", description: "print changes only, without listing first" },
    "show-labels": { type: "boolean", description: "add a LABELS column" },
    "label-columns": {
      type: "string",
      short: "L",
      multiple: true,
      valueName: "KEY",
      description: "add a column with the value of this label; repeatable",
    },
    "no-headers": { type: "boolean", description: "omit the table header" },
  },
  async run(ctx) {
    const format = parseOutputFormat(ctx.flags.string("output"));
    const requests = parseResourceArgs(ctx.args, await ctx.kinds());
    if (requests.length === 0) {
      throw new CliError(
        'You must specify the type of resource to get. Use "ironcorectl api-resources" for a complete list of supported resources.',
      );
    }
    const named = requests.some((r) => r.names.length > 0);
    if (named && ctx.flags.string("selector"))
      throw new CliError("name cannot be provided when a selector is specified");
    const allNamespaces = ctx.flags.bool("all-namespaces");
    if (named && allNamespaces && requests.some((r) => r.kind.namespaced)) {
      throw new CliError("a resource cannot be retrieved by name across all namespaces");
    }
    const watchOnly = ctx.flags.bool("watch-only");
    const watching = watchOnly || ctx.flags.bool("watch");
    if (watching && requests.length > 1) {
      throw new CliError(
        `watch is only supported on individual resources and resource collections, but ${requests.length} resources were found`,
      );
    }
    const labelColumns = ctx.flags.strings("label-columns").flatMap((l) => l.split(","));
    const printer = new ObjectPrinter(ctx, format, {
      wide: format.type === "table" && format.wide,
      withNamespace: allNamespaces,
      qualifiedNames: requests.length > 1,
      showLabels: ctx.flags.bool("show-labels"),
      labelColumns,
    });
    let failures = 0;
    const groups: Fetched[] = [];
    for (const request of requests) {
      const r = await fetchRequest(ctx, request);
      groups.push(r.fetched);
      failures += r.failures;
    }
    if (!watchOnly) {
      if (watching && format.type !== "table") {
        // A watch is a stream of objects: print the current ones the way events are printed.
        for (const g of groups) for (const o of g.objects) printer.printEvent(g.request.kind, o);
      } else {
        printer.printAll(groups, requests.length === 1 && requests[0]!.names.length === 1);
      }
      const found = groups.some((g) => g.objects.length > 0);
      if (!found && !named && !watching) {
        const namespaced = requests.some((r) => r.kind.namespaced);
        ctx.err(
          allNamespaces || !namespaced
            ? "No resources found"
            : `No resources found in ${ctx.namespace} namespace.`,
        );
      }
    }
    if (watching) await watch(ctx, groups[0]!, printer);
    return failures > 0 ? 1 : 0;
  },
};
