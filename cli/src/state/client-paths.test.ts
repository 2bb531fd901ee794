import { describe, expect, it } from "vitest";
import { resolveClientPaths } from "./client-paths.ts";

describe("resolveClientPaths", () => {
  it("defaults to ~/.codalab", () => {
    expect(resolveClientPaths({}, "/home/a")).toEqual({
      home: "/home/a/.codalab",
      config: "/home/a/.codalab/config.json",
      state: "/home/a/.codalab/state.json",
    });
  });

  it("honours CODALAB_HOME, CODALAB_CONFIG and CODALAB_STATE", () => {
    expect(resolveClientPaths({ CODALAB_HOME: "/tmp/cl/" }, "/home/a").config).toBe("/tmp/cl/config.json");
    expect(resolveClientPaths({ CODALAB_CONFIG: "~/c.json", CODALAB_STATE: "/s.json" }, "/home/a")).toEqual({
      home: "/home/a/.codalab",
      config: "/home/a/c.json",
      state: "/s.json",
    });
    expect(resolveClientPaths({ CODALAB_HOME: "~" }, "/home/a").home).toBe("/home/a");
  });
});
