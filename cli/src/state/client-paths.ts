export type ClientPaths = { home: string; config: string; state: string };

/** CodaLab's rules: CODALAB_HOME (default ~/.codalab) holds config.json and state.json unless
 * CODALAB_CONFIG / CODALAB_STATE point elsewhere. */
export function resolveClientPaths(env: Readonly<Record<string, string | undefined>>, userHome: string): ClientPaths {
  const home = expandHome(env.CODALAB_HOME || "~/.codalab", userHome);
  return {
    home,
    config: env.CODALAB_CONFIG ? expandHome(env.CODALAB_CONFIG, userHome) : joinPath(home, "config.json"),
    state: env.CODALAB_STATE ? expandHome(env.CODALAB_STATE, userHome) : joinPath(home, "state.json"),
  };
}

function expandHome(path: string, userHome: string): string {
  if (path === "~") return userHome;
  if (path.startsWith("~/")) return joinPath(userHome, path.slice(2));
  return path;
}

function joinPath(directory: string, name: string): string {
  return directory.endsWith("/") ? `${directory}${name}` : `${directory}/${name}`;
}
