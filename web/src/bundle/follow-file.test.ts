import { describe, expect, it } from "vitest";
import { type FollowDeps, followFile } from "./follow-file.ts";

/** A file that grows by one chunk per read while "running" lasts; answers ranges like the API. */
function growingFile(chunks: string[], options: { runningReads?: number } = {}) {
  let content = "";
  let reads = 0;
  const shown: string[] = [];
  const requests: { from: number; follow: boolean }[] = [];
  const runningReads = options.runningReads ?? chunks.length;
  const deps: FollowDeps = {
    async size() {
      // The file exists with its first chunk before the first read.
      if (content === "" && reads === 0) content = chunks.shift() ?? "";
      return content.length;
    },
    async read(from, follow) {
      requests.push({ from, follow });
      reads += 1;
      const next = chunks.shift();
      if (next !== undefined) content += next;
      if (from >= content.length) return new Response(null, { status: 416 });
      return new Response(content.slice(from), { status: 206 });
    },
    isRunning: () => reads < runningReads,
    sleep: async () => undefined,
    onText: (text) => shown.push(text),
  };
  return { deps, shown, requests };
}

describe("followFile", () => {
  it("shows the file, then each appended piece once, and stops after the bundle finished", async () => {
    const { deps, shown, requests } = growingFile(["line 1\n", "line 2\n", "line 3\n"], { runningReads: 2 });
    await followFile(deps, new AbortController().signal);
    expect(shown.join("")).toBe("line 1\nline 2\nline 3\n");
    expect(requests.at(-1)?.follow).toBe(false);
  });

  it("starts with the last bytes of a long file, from the first whole line", async () => {
    const { deps, shown } = growingFile(["aaaa\nbbbb\ncccc\n"], { runningReads: 0 });
    await followFile(deps, new AbortController().signal, 8);
    expect(shown.join("")).toBe("cccc\n");
  });

  it("asks again from the byte reached when a streamed answer ends early", async () => {
    const { deps, shown, requests } = growingFile(["one\n", "two\n", "three\n"], { runningReads: 2 });
    await followFile(deps, new AbortController().signal);
    expect(shown.join("")).toBe("one\ntwo\nthree\n");
    expect(requests.map((request) => request.from)).toEqual([0, 8, 14]);
  });

  it("waits for a file that does not exist yet", async () => {
    let calls = 0;
    const shown: string[] = [];
    await followFile(
      {
        size: async () => (calls++ < 2 ? null : 3),
        read: async (from) => (from >= 3 ? new Response(null, { status: 416 }) : new Response("hi\n", { status: 206 })),
        isRunning: () => calls < 3,
        sleep: async () => undefined,
        onText: (text) => shown.push(text),
      },
      new AbortController().signal,
    );
    expect(shown).toEqual(["hi\n"]);
  });

  it("keeps a character split across two reads whole", async () => {
    const bytes = new TextEncoder().encode("é\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 1));
        controller.enqueue(bytes.subarray(1));
        controller.close();
      },
    });
    const shown: string[] = [];
    await followFile(
      {
        size: async () => 0,
        read: async () => new Response(body, { status: 206 }),
        isRunning: () => false,
        sleep: async () => undefined,
        onText: (text) => shown.push(text),
      },
      new AbortController().signal,
    );
    expect(shown.join("")).toBe("é\n");
  });

  it("asks again after a connection that broke mid-answer, and gives up on a refusal", async () => {
    let attempt = 0;
    const shown: string[] = [];
    const deps: FollowDeps = {
      size: async () => 0,
      async read(from) {
        attempt += 1;
        if (attempt === 1) {
          let pulls = 0;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls += 1;
              if (pulls === 1) controller.enqueue(new TextEncoder().encode("a\n"));
              else controller.error(new TypeError("network error"));
            },
          });
          return new Response(body, { status: 200 });
        }
        return from === 2 ? new Response("b\n", { status: 206 }) : new Response(null, { status: 416 });
      },
      isRunning: () => attempt < 1,
      sleep: async () => undefined,
      onText: (text) => shown.push(text),
    };
    await followFile(deps, new AbortController().signal);
    expect(shown.join("")).toBe("a\nb\n");
    await expect(
      followFile({ ...deps, read: async () => new Response(null, { status: 403 }) }, new AbortController().signal),
    ).rejects.toThrow("HTTP 403");
  });
});
