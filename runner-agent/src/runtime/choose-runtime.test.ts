import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger.ts";
import { chooseRuntime, dockerSocketDescription } from "./choose-runtime.ts";

const base = { workerName: "w", networkPrefix: "p", defaultImage: "img" };
const saved = process.env.DOCKER_HOST;
afterEach(() => {
  if (saved === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved;
});

describe("choosing the runtime", () => {
  it("uses the process runtime when asked", async () => {
    const { runtime, notes } = await chooseRuntime({ ...base, runtime: "process" }, silentLogger);
    expect(runtime.kind).toBe("process");
    expect(notes).toEqual([]);
  });

  it("falls back to processes when Docker does not answer, and says why", async () => {
    process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
    const { runtime, notes } = await chooseRuntime({ ...base, runtime: "auto" }, silentLogger);
    expect(runtime.kind).toBe("process");
    expect(notes[0]).toContain("Docker does not answer at unix:///nonexistent/docker.sock");
  });

  it("refuses to start when Docker was required but does not answer", async () => {
    process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
    await expect(chooseRuntime({ ...base, runtime: "docker" }, silentLogger)).rejects.toThrow(
      "--runtime docker: Docker does not answer at unix:///nonexistent/docker.sock",
    );
  });

  it("names the socket it tries", () => {
    expect(dockerSocketDescription({})).toBe("unix:///var/run/docker.sock");
    expect(dockerSocketDescription({ DOCKER_HOST: "tcp://h:2375" })).toBe("tcp://h:2375");
  });
});
