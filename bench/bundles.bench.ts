/**
 * Bundle figures of the bundles issue: upload throughput (a 1 GiB file, 20 000 small files)
 * side by side with the stack's floor (one plain PUT into local R2 through workerd) and the
 * machine's (`cp`), `cl cat` of a 1 KB file inside a 20 000-file and a 200-file bundle, and
 * `cl info` / `cl search` over 10 000 bundles.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { quietEnv, repoRoot } from "../scripts/local-instance.ts";
import type { Cl } from "./cl-session.ts";
import { type Figure, time } from "./measure.ts";

const work = `${repoRoot}bench/.work`;
const MiB = 1024 * 1024;

function ensureData() {
  mkdirSync(work, { recursive: true });
  const big = `${work}/big.bin`;
  if (!existsSync(big) || statSync(big).size !== 1024 * MiB) {
    const chunk = randomBytes(16 * MiB);
    writeFileSync(big, "");
    for (let i = 0; i < 64; i++) writeFileSync(big, chunk, { flag: "a" });
  }
  const makeDir = (dir: string, count: number) => {
    if (existsSync(`${dir}/done`)) return;
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < count; i++) {
      const sub = `${dir}/d${String(i % 20).padStart(2, "0")}`;
      mkdirSync(sub, { recursive: true });
      writeFileSync(`${sub}/f${i}.bin`, randomBytes(10_000));
    }
    writeFileSync(`${dir}/d00/one-kb.txt`, `${"x".repeat(1023)}\n`);
    writeFileSync(`${dir}/done`, "");
  };
  makeDir(`${work}/files20k`, 20_000);
  makeDir(`${work}/files200`, 200);
  const tar = `${work}/files20k.tar`;
  if (!existsSync(tar)) spawnSync("tar", ["-cf", tar, "-C", `${work}/files20k`, "."]);
  return { big, dir20k: `${work}/files20k`, dir200: `${work}/files200`, tar20k: tar };
}

async function startFloor(persistDir: string, port: number) {
  const child = spawn(
    process.execPath,
    [
      `${repoRoot}node_modules/wrangler/bin/wrangler.js`,
      "dev",
      "-c",
      `${repoRoot}bench/r2-floor/wrangler.toml`,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      persistDir,
      "--show-interactive-dev-session=false",
    ],
    { env: quietEnv, stdio: "ignore" },
  );
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return () => child.kill("SIGTERM");
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill("SIGTERM");
  throw new Error("the R2 floor worker did not start");
}

async function putFile(url: string, path: string): Promise<void> {
  const size = statSync(path).size;
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  const response = await fetch(url, {
    method: "PUT",
    body,
    headers: { "content-length": String(size) },
    duplex: "half",
  } as RequestInit);
  if (!response.ok) throw new Error(`floor PUT failed: ${response.status}`);
}

function throughput(name: string, bytes: number, ms: number, note: string): Figure {
  const rate = bytes / MiB / (ms / 1000);
  return { name, median: ms, p90: ms, runs: 1, unit: "ms", note: `${rate.toFixed(1)} MiB/s; ${note}` };
}

async function once(body: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

function duSize(path: string): number {
  return Number(spawnSync("du", ["-sb", path], { encoding: "utf8" }).stdout.split("\t")[0]);
}

export async function bundlesBench(
  cl: Cl,
  persistDir: string,
  insertBundles: (count: number) => void,
): Promise<Figure[]> {
  const data = ensureData();
  const bigBytes = statSync(data.big).size;
  const dirBytes = duSize(data.dir20k);
  const figures: Figure[] = [];

  const stopFloor = await startFloor(`${persistDir}-floor`, 28799);
  try {
    figures.push(
      throughput(
        "floor (a): plain PUT of the 1 GiB file into local R2",
        bigBytes,
        await once(() => putFile("http://127.0.0.1:28799/big", data.big)),
        "one request through workerd",
      ),
    );
    figures.push(
      throughput(
        "floor (a): plain PUT of the 20 000 files as one tar",
        statSync(data.tar20k).size,
        await once(() => putFile("http://127.0.0.1:28799/tar", data.tar20k)),
        "tar made by GNU tar",
      ),
    );
  } finally {
    stopFloor();
  }
  figures.push(
    throughput(
      "floor (b): `cp` of the 1 GiB file on the same disk",
      bigBytes,
      await once(() => {
        spawnSync("cp", [data.big, `${work}/big.copy`]);
      }),
      "page cache warm",
    ),
  );
  rmSync(`${work}/big.copy`, { force: true });

  let bigUuid = "";
  figures.push(
    throughput(
      "`cl upload` of the 1 GiB file",
      bigBytes,
      await once(() => {
        bigUuid = cl("upload", data.big, "-n", "big").trim();
      }),
      "4 parallel 32 MiB parts",
    ),
  );
  let dirUuid = "";
  figures.push(
    throughput(
      "`cl upload` of 20 000 small files (10 kB each)",
      dirBytes,
      await once(() => {
        dirUuid = cl("upload", data.dir20k, "-n", "files20k").trim();
      }),
      "packed to tar + index while uploading",
    ),
  );
  const smallUuid = cl("upload", data.dir200, "-n", "files200").trim();

  figures.push(
    await time(
      "`cl cat` of a 1 KB file in the 20 000-file bundle",
      10,
      () => {
        cl("cat", `${dirUuid}/d00/one-kb.txt`);
      },
      "end to end, process start included",
    ),
  );
  figures.push(
    await time(
      "`cl cat` of a 1 KB file in a 200-file bundle",
      10,
      () => {
        cl("cat", `${smallUuid}/d00/one-kb.txt`);
      },
      "same file, 100× smaller bundle",
    ),
  );

  insertBundles(10_000);
  figures.push(
    await time("`cl info` of one bundle (10 000 in the instance)", 10, () => {
      cl("info", bigUuid);
    }),
  );
  figures.push(
    await time("`cl search bench-seed .limit=10` over 10 000 bundles", 10, () => {
      cl("search", "bench-seed", ".limit=10");
    }),
  );
  figures.push(
    await time("`cl search .count` over 10 000 bundles", 10, () => {
      cl("search", ".count");
    }),
  );
  return figures;
}
