import { describe, expect, it } from "vitest";
import { splitLines, summarizeFile } from "./summarize-file.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function summary(text: string, spec: Parameters<typeof summarizeFile>[2]): Promise<string> {
  const bytes = encoder.encode(text);
  const reads: [number, number][] = [];
  const out = await summarizeFile(
    bytes.length,
    async (offset, length) => {
      reads.push([offset, length]);
      return bytes.subarray(offset, offset + length);
    },
    spec,
  );
  return decoder.decode(out);
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join("");

describe("summarizeFile (CodaLab's head/tail view)", () => {
  it("returns a short file whole, adding a final newline", async () => {
    expect(await summary("a\nb", { head: 5, tail: 5 })).toBe("a\nb\n");
  });

  it("keeps head and tail lines of a small file with the truncation text between", async () => {
    expect(await summary(lines(10), { head: 2, tail: 2, truncation_text: "...\n" })).toBe(
      "line 1\nline 2\n...\nline 9\nline 10\n",
    );
    expect(await summary(lines(10), { head: 2, tail: 0 })).toBe("line 1\nline 2\n");
    expect(await summary(lines(10), { head: 0, tail: 1 })).toBe("line 10\n");
    expect(await summary(lines(10), { head: 0, tail: 0 })).toBe("");
  });

  it("reads only the ends of a large file and drops lines cut in half", async () => {
    const text = lines(10_000);
    const out = await summary(text, { head: 2, tail: 2, max_line_length: 12, truncation_text: "<cut>\n" });
    expect(out).toBe("line 1\nline 2\n<cut>\nline 9999\nline 10000\n");
    expect(await summary(text, { head: 1, tail: 0, max_line_length: 4 })).toBe("");
    expect(await summary(`${text}no newline at the end`, { head: 0, tail: 1, max_line_length: 40 })).toBe(
      "no newline at the end\n",
    );
  });

  it("splits lines keeping their newlines", () => {
    expect(splitLines(encoder.encode("a\n\nb")).map((l) => decoder.decode(l))).toEqual(["a\n", "\n", "b"]);
  });
});
