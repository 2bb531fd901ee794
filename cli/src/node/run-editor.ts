/**
 * Opens the user's editor on some text and returns what was saved (`cl edit` without flags).
 * $VISUAL or $EDITOR may carry arguments (`code --wait`), so it runs through the shell with the
 * file as a separate, quoted argument.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../errors/cli-error.ts";

export function editorCommand(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.VISUAL || env.EDITOR || undefined;
}

export async function editText(editor: string, text: string, fileName: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "cl-edit-"));
  const path = join(directory, fileName);
  try {
    await writeFile(path, text, { mode: 0o600 });
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("sh", ["-c", `${editor} "$1"`, "sh", path], { stdio: "inherit" });
      child.on("error", reject);
      child.on("close", resolve);
    });
    if (code !== 0) {
      throw new CliError("BAD_REQUEST", `the editor (${editor}) exited with status ${code}; nothing was changed`, {
        hint: "check $VISUAL / $EDITOR, or edit with flags: cl edit <bundle> -n NAME -d TEXT -T TAG... -f KEY VALUE",
      });
    }
    return await readFile(path, "utf8");
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
