import { CliError } from "../errors/cli-error.ts";
import type { Output } from "../output/output.ts";

export type Credentials = { username: string; password: string };

/** Asks the user something on a terminal; absent when there is no terminal to ask on. */
export type Prompter = {
  ask(question: string): Promise<string>;
  /** Like ask, without echoing what is typed. */
  askSecret(question: string): Promise<string>;
};

/** "auto" when a command found no cached token, "explicit" for `cl login`. */
export type CredentialPurpose = "auto" | "explicit";

export type CredentialSource = (address: string, purpose: CredentialPurpose) => Promise<Credentials>;

const NO_TERMINAL_HINT = "run `cl login` in a terminal, or set CODALAB_USERNAME and CODALAB_PASSWORD";

/** CodaLab's order: CODALAB_USERNAME / CODALAB_PASSWORD, then a prompt for whichever is missing. */
export function createCredentialSource(options: {
  env: Readonly<Record<string, string | undefined>>;
  prompter: Prompter | undefined;
  out: Output;
}): CredentialSource {
  const { env, prompter, out } = options;
  return async (address, purpose) => {
    const fromEnv = { username: env.CODALAB_USERNAME || undefined, password: env.CODALAB_PASSWORD || undefined };
    if (fromEnv.username !== undefined && fromEnv.password !== undefined) {
      return { username: fromEnv.username, password: fromEnv.password };
    }
    if (!prompter) {
      const message =
        purpose === "auto"
          ? `not logged in to ${address}`
          : "cannot ask for a user name and password: standard input is not a terminal";
      throw new CliError("UNAUTHENTICATED", message, { hint: NO_TERMINAL_HINT });
    }
    out.note(`Requesting access at ${address}`);
    const username = fromEnv.username ?? (await prompter.ask("Username: ")).trim();
    if (username === "") throw new CliError("INVALID_CREDENTIALS", "no user name given");
    const password = fromEnv.password ?? (await prompter.askSecret("Password: "));
    if (password === "") throw new CliError("INVALID_CREDENTIALS", "no password given");
    return { username, password };
  };
}
