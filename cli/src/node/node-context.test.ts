import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryOutput } from "../output/output.ts";
import { createNodeContext } from "./node-context.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createNodeContext", () => {
  it("uses CODALAB_HOME and CODALAB_SESSION, and persists to files there", async () => {
    const home = await mkdtemp(join(tmpdir(), "cl-node-context-"));
    vi.stubEnv("CODALAB_HOME", home);
    vi.stubEnv("CODALAB_SESSION", "from-env");
    const ctx = createNodeContext(createMemoryOutput());
    expect(ctx.about).toEqual({ codalabHome: home, sessionKey: "from-env" });
    expect(ctx.config.path).toBe(join(home, "config.json"));
    await ctx.session.switchTo("http://h:1");
    expect(await createNodeContext(createMemoryOutput()).session.current()).toEqual({ address: "http://h:1" });
  });

  it("finds a session from the process tree when CODALAB_SESSION is not set", () => {
    vi.stubEnv("CODALAB_SESSION", "");
    expect(createNodeContext(createMemoryOutput()).about.sessionKey).toMatch(/^(\d+|default)$/);
  });
});
