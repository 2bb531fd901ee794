/** Every bundle endpoint (docs/design/bundles-api.md), in the order they are registered. */
import type { App } from "../../http/app-type.ts";
import { registerAbandonUpload } from "./abandon-upload.ts";
import { registerBundleEvents } from "./bundle-events.ts";
import { registerCompleteUpload } from "./complete-upload.ts";
import { registerContentsBlob } from "./contents-blob.ts";
import { registerContentsInfo } from "./contents-info.ts";
import { registerCreateBundle } from "./create-bundle.ts";
import { registerDeleteBundles } from "./delete-bundles.ts";
import { registerGetBundle } from "./get-bundle.ts";
import { registerGetUpload } from "./get-upload.ts";
import { registerListBundles } from "./list-bundles.ts";
import { registerStartUpload } from "./start-upload.ts";
import { registerUpdateBundle } from "./update-bundle.ts";
import { registerUploadFromUrl } from "./upload-from-url.ts";
import { registerUploadPart } from "./upload-part.ts";

export const bundleRoutes: ((app: App) => void)[] = [
  registerCreateBundle,
  registerDeleteBundles,
  registerListBundles,
  registerBundleEvents,
  registerGetBundle,
  registerUpdateBundle,
  registerStartUpload,
  registerGetUpload,
  registerUploadPart,
  registerCompleteUpload,
  registerUploadFromUrl,
  registerAbandonUpload,
  registerContentsInfo,
  registerContentsBlob,
];
