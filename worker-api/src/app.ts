/** The REST API: middleware, every route, the OpenAPI document and the error contract. */
import { API_VERSION } from "@codalab/core";
import { OpenAPIHono } from "@hono/zod-openapi";
import { ensureInstance } from "./bootstrap/ensure-instance.ts";
import type { AppEnv } from "./env.ts";
import type { App } from "./http/app-type.ts";
import { errorResponse, handleError } from "./http/error-response.ts";
import { validationHook } from "./http/validation-hook.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { context } from "./middleware/context.ts";
import { adminRoutes } from "./routes/admin/admin-routes.ts";
import { registerLogin } from "./routes/auth/login.ts";
import { registerLogout } from "./routes/auth/logout.ts";
import { registerRefresh } from "./routes/auth/refresh.ts";
import { registerSignup } from "./routes/auth/signup.ts";
import { bundleRoutes } from "./routes/bundles/bundle-routes.ts";
import { groupRoutes } from "./routes/groups/group-routes.ts";
import { permissionRoutes } from "./routes/permissions/permission-routes.ts";
import { provenanceRoutes } from "./routes/provenance/provenance-routes.ts";
import { runRoutes } from "./routes/runs/run-routes.ts";
import { registerChangePassword } from "./routes/user/change-password.ts";
import { registerGetUser } from "./routes/user/get-user.ts";
import { userRoutes } from "./routes/users/user-routes.ts";
import { registerVersion } from "./routes/version.ts";
import { workerRoutes } from "./routes/workers/worker-routes.ts";
import { worksheetRoutes } from "./routes/worksheets/worksheet-routes.ts";

const routes: ((app: App) => void)[] = [
  registerVersion,
  registerSignup,
  registerLogin,
  registerRefresh,
  registerLogout,
  registerGetUser,
  registerChangePassword,
  ...bundleRoutes,
  ...workerRoutes,
  ...runRoutes,
  ...worksheetRoutes,
  ...groupRoutes,
  ...userRoutes,
  ...permissionRoutes,
  ...provenanceRoutes,
  ...adminRoutes,
];

export function createApp(): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", context);
  app.use("*", async (c, next) => {
    await ensureInstance(c.get("db"), c.get("config"));
    await next();
  });
  app.use("/rest/*", authenticate);
  for (const register of routes) register(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "codalab_session",
  });
  app.doc31("/rest/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "CodaLab Worksheets API",
      version: API_VERSION,
      description: "Errors are JSON: {error: {code, message, requestId}}. JSON fields are snake_case.",
    },
  });

  app.notFound((c) => errorResponse(c, "ROUTE_NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError(handleError);
  return app;
}
