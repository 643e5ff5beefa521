import { describe, expect, it } from "vitest";
import { renderTable, TableWriter } from "./table.js";

describe("table layout", () => {
  it("pads every column but the last to its widest cell plus three spaces", () => {
    const text = renderTable([
      ["NAME", "STATE", "AGE"],
      ["network-sample", "Available", "5s"],
      ["n2", "<none>", "10d"],
    ]);
    expect(text).toBe(
      [
        "NAME             STATE       AGE",
        "network-sample   Available   5s",
        "n2               <none>      10d",
        "",
      ].join("\n"),
    );
  });

  it("makes narrow columns at least six wide, as kubectl's tabwriter does", () => {
    expect(
      renderTable([
        ["IP", "AGE"],
        ["x", "1s"],
      ]),
    ).toBe("IP    AGE\nx     1s\n");
  });

  it("lines up rows printed later with the first table", () => {
    const w = new TableWriter();
    expect(
      w.format([
        ["NAME", "AGE"],
        ["network-sample", "1s"],
      ]),
    ).toEqual(["NAME             AGE", "network-sample   1s"]);
    expect(w.format([["n", "2s"]])).toEqual(["n                2s"]);
  });

  it("prints nothing for no rows", () => {
    expect(renderTable([])).toBe("");
  });
});
