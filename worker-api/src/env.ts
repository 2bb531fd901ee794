import type { InstanceConfig } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { users } from "./db/schema.ts";

export type UserRow = typeof users.$inferSelect;

/** Who is calling: decided once per request by the authenticate middleware. */
export type Caller =
  | { kind: "anonymous" }
  | {
      kind: "user";
      user: UserRow;
      tokenId: string;
      via: "bearer" | "cookie" | "worker";
      /** A worker token's worker: the caller acts only as that runner (auth/worker-scope.ts). */
      workerId?: string;
    };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    config: InstanceConfig;
    caller: Caller;
  };
};
