/**
 * Uploads stuck in `uploading` for more than 60 days (from `created`) are failed by the nightly
 * `scheduled` handler, with CodaLab's message, and their R2 parts freed (spec §3.1).
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import { type BundleBody, createBundle, diskUsed, readyFileBundle, sendPart } from "./helpers/bundles.ts";

const MiB = 1024 * 1024;
const DAY = 86_400;
const NIGHT = new Date("2032-02-10T03:17:00Z");
const nightSeconds = Math.floor(NIGHT.getTime() / 1000);

async function nightly(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled?.(createScheduledController({ scheduledTime: NIGHT, cron: "17 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function backdate(uuid: string, days: number): Promise<void> {
  await env.DB.prepare("update bundles set created = ? where uuid = ?")
    .bind(nightSeconds - days * DAY, uuid)
    .run();
}

const uploadRow = (uuid: string) =>
  env.DB.prepare("select r2_key, r2_upload_id from bundle_uploads where bundle_uuid = ?")
    .bind(uuid)
    .first<{ r2_key: string; r2_upload_id: string }>();

describe("the nightly clean-up of stale uploads", () => {
  it("fails uploads older than 60 days, frees their parts and leaves younger and finished bundles alone", async () => {
    const { accessToken } = await signUpAndLogIn();
    const token = accessToken;

    // 61 days old, halfway through a multipart upload.
    const stale = await createBundle(token, { name: "stale" });
    const started = await api<{ part_count: number }>("POST", `/rest/bundles/${stale.uuid}/upload`, {
      token,
      body: { kind: "file", size: 12 * MiB, part_size: 5 * MiB },
    });
    expect(started.body.part_count).toBe(3);
    const part = new Uint8Array(5 * MiB).fill(7);
    expect((await sendPart(token, stale.uuid, 1, part)).status).toBe(200);
    expect((await sendPart(token, stale.uuid, 2, part)).status).toBe(200);
    const row = await uploadRow(stale.uuid);
    expect(row?.r2_upload_id).not.toBe("");
    await backdate(stale.uuid, 61);

    // Created but never started, 90 days ago.
    const forgotten = await createBundle(token, { name: "forgotten" });
    await backdate(forgotten.uuid, 90);
    // 59 days: still within the limit.
    const young = await createBundle(token, { name: "young" });
    await api("POST", `/rest/bundles/${young.uuid}/upload`, { token, body: { kind: "file", size: 3 } });
    await backdate(young.uuid, 59);
    // Finished long ago.
    const done = await readyFileBundle(token, "old but ready", "done");
    await backdate(done.uuid, 400);
    const used = await diskUsed(token);

    await nightly();

    const message = "Bundle has been stuck in uploading state for more than 60 days. The partial upload was deleted.";
    for (const uuid of [stale.uuid, forgotten.uuid]) {
      const res = await api<BundleBody>("GET", `/rest/bundles/${uuid}`, { token });
      expect(res.body.bundle).toMatchObject({ state: "failed", state_details: message, data_size: null });
      expect(await uploadRow(uuid)).toBeNull();
    }
    // The multipart upload was aborted: it takes no more parts (before, it did: see above).
    const multipart = env.BUNDLES.resumeMultipartUpload(row?.r2_key ?? "", row?.r2_upload_id ?? "");
    await expect(multipart.uploadPart(2, new Uint8Array(5 * MiB))).rejects.toThrow();
    expect(await env.BUNDLES.head(`bundles/${stale.uuid}/contents`)).toBeNull();

    const stillUploading = await api<BundleBody>("GET", `/rest/bundles/${young.uuid}`, { token });
    expect(stillUploading.body.bundle.state).toBe("uploading");
    expect(await uploadRow(young.uuid)).not.toBeNull();
    const ready = await api<BundleBody>("GET", `/rest/bundles/${done.uuid}`, { token });
    expect(ready.body.bundle.state).toBe("ready");
    expect(await diskUsed(token)).toBe(used);

    // The young one finishes normally afterwards.
    expect((await sendPart(token, young.uuid, 1, new TextEncoder().encode("abc"))).status).toBe(200);
    const completed = await api<BundleBody>("POST", `/rest/bundles/${young.uuid}/upload/complete`, {
      token,
      body: {},
    });
    expect(completed.body.bundle.state).toBe("ready");
  });
});
