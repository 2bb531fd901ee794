/** `cl --help` start-up and `cl status` round trip against a real local instance. */
import type { Cl } from "./cl-session.ts";
import { type Figure, run, time } from "./measure.ts";

export async function cliStartup(cl: Cl): Promise<Figure[]> {
  const node = await time("`node -e 0` (floor: process start)", 10, () => {
    run(process.execPath, ["-e", "0"], process.env);
  });
  const help = await time("`cl --help` start-up", 10, () => {
    cl("--help");
  });
  const status = await time("`cl status` round trip (2 API calls)", 10, () => {
    cl("status");
  });
  return [node, help, status];
}
