/**
 * Bundles and runs from the browser against a real instance and a real runner: uploading a file,
 * a folder and a .tar.gz (unpacked into a folder bundle), an uploaded HTML file that must never execute, a run started from the run builder
 * whose stdout appears while it runs, a table cell filled from the run's JSON result, the bundle
 * page, and sharing a worksheet with another user.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalRunner, prepareLocalRuntime, startLocalRunner } from "../../scripts/local-runner.ts";
import {
  baseUrl,
  LAPTOP,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  screenshotFailures,
  signIn,
  signUpAndSignIn,
  type TestUser,
  type UserPage,
} from "./helpers/browser.ts";

let browser: Browser;
let owner: UserPage;
let user: TestUser;
let runner: LocalRunner;
let files: string;
let worksheetUrl: string;

beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), "web-e2e-"));
  await writeFile(join(files, "numbers.txt"), "1\n2\n3\n");
  await mkdir(join(files, "site", "img"), { recursive: true });
  await writeFile(
    join(files, "site", "page.html"),
    '<p id="marker">static</p><script>document.getElementById("marker").textContent = "executed"; parent.__xss = 1;</script>',
  );
  await writeFile(join(files, "site", "img", "note.txt"), "inside a folder\n");
  await mkdir(join(files, "corpus", "sub"), { recursive: true });
  await writeFile(join(files, "corpus", "train.csv"), "x,y\n1,2\n");
  await writeFile(join(files, "corpus", "sub", "readme.md"), "unpacked in the browser\n");
  execFileSync("tar", ["-czf", join(files, "corpus.tar.gz"), "-C", join(files, "corpus"), "."]);
  const runtime = await prepareLocalRuntime();
  runner = await startLocalRunner({
    server: baseUrl(),
    username: inject("adminUsername"),
    password: inject("adminPassword"),
    runtime: runtime.kind,
    workDir: join(files, "runner"),
    name: `web-e2e-${Date.now().toString(36)}`,
  });
  browser = await launchBrowser();
  owner = await openPage(browser);
  user = await signUpAndSignIn(owner.context);
  const created = await owner.context.request.post("/rest/worksheets", {
    data: { name: `${user.user_name}-runs`, title: "Runs" },
    headers: await csrf(owner),
  });
  expect(created.status()).toBe(201);
  worksheetUrl = `/worksheets/${((await created.json()) as { worksheet: { uuid: string } }).worksheet.uuid}`;
}, 180_000);

screenshotFailures(() => owner?.page);

afterAll(async () => {
  await browser?.close();
  await runner?.stop();
});

async function csrf(page: UserPage): Promise<Record<string, string>> {
  const cookie = (await page.context.cookies()).find((c) => c.name === "codalab_csrf");
  return cookie ? { "X-CSRF-Token": cookie.value } : {};
}

describe("bundles and runs in the browser", () => {
  it("uploads a file and a folder with the upload dialog", async () => {
    const { page, pageErrors } = owner;
    await page.goto(worksheetUrl);
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    await page.keyboard.press("a");
    await page.keyboard.press("u");
    const dialog = page.getByRole("dialog", { name: "Upload" });
    await dialog.waitFor();
    await dialog
      .locator("input[type=file][multiple]")
      .setInputFiles([join(files, "numbers.txt"), join(files, "corpus.tar.gz")]);
    await dialog.locator("input[webkitdirectory]").setInputFiles(join(files, "site"));
    const names = () =>
      dialog
        .locator(".upload-row input.input")
        .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    // The archive is unpacked by default, so its bundle is named without the extension.
    expect(await names()).toEqual(["numbers.txt", "corpus", "site"]);
    const keep = dialog.getByLabel("Keep archive as one file (corpus.tar.gz)");
    await keep.check();
    expect(await names()).toEqual(["numbers.txt", "corpus.tar.gz", "site"]);
    await keep.uncheck();
    expect(await names()).toEqual(["numbers.txt", "corpus", "site"]);
    await screenshot(page, "upload-dialog");
    await dialog.getByRole("button", { name: "Upload", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const table = page.locator(".bundle-table");
    await table.getByText("numbers.txt").waitFor();
    await table.getByText("corpus").waitFor();
    await table.getByText("site").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("shows the files of an uploaded .tar.gz on its bundle page", async () => {
    const { page, pageErrors } = owner;
    const corpusUuid = await page.locator(".bundle-table tr", { hasText: "corpus" }).getAttribute("data-bundle");
    await page.goto(`/bundles/${corpusUuid}`);
    await page.getByRole("button", { name: /train\.csv/ }).click();
    await page.getByText("x,y").waitFor();
    await page.locator(".file-table").getByRole("button", { name: /sub\// }).click();
    await page.getByRole("button", { name: /readme\.md/ }).click();
    await page.getByText("unpacked in the browser").waitFor();
    await screenshot(page, "bundle-page-unpacked-archive");
    await page.goto(worksheetUrl);
    await page.locator(".bundle-table").getByText("site").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("shows an uploaded HTML file as text on the bundle page and never runs it in a worksheet", async () => {
    const { page, pageErrors } = owner;
    const siteUuid = await page.locator(".bundle-table tr", { hasText: "site" }).getAttribute("data-bundle");
    await page.goto(`/bundles/${siteUuid}`);
    await page.getByRole("button", { name: /page\.html/ }).click();
    const preview = page.getByRole("region", { name: "Preview of page.html" });
    await preview.locator("pre").waitFor();
    expect(await preview.locator("pre").textContent()).toContain("<script>");
    expect(await page.locator("#marker").count()).toBe(0);
    await page.getByRole("button", { name: /img/ }).click();
    await page.getByRole("button", { name: /note\.txt/ }).click();
    await page.getByText("inside a folder").waitFor();
    await screenshot(page, "bundle-page-folder");

    // The same file through `% display html`: a sandboxed frame where its script cannot run.
    await page.goto(worksheetUrl);
    await page.getByRole("button", { name: "Edit source" }).click();
    const source = page.getByLabel("Worksheet source", { exact: true });
    const text = await source.inputValue();
    await source.fill(text.replace(/^(\[[^\]]*\bsite\b[^\]]*\]\{[^}]*\})$/m, "% display html /page.html\n$1\n"));
    await page.getByRole("button", { name: "Save" }).click();
    const frame = page.frameLocator(".html-block__frame");
    await frame.locator("#marker").waitFor();
    await page.waitForTimeout(300);
    expect(await frame.locator("#marker").textContent()).toBe("static");
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it("starts a run from the run builder, shows its stdout while it runs, and fills a table cell from its result", async () => {
    const { page, pageErrors } = owner;
    await page.keyboard.press("a");
    await page.keyboard.press("r");
    const dialog = page.getByRole("dialog", { name: "New run" });
    await dialog.waitFor();
    await dialog.getByLabel("Key of dependency 1").fill("data");
    await dialog.getByLabel("Bundle of dependency 1").fill("numbers.txt");
    await dialog
      .getByLabel("Command")
      .fill(
        "cat data; for i in 1 2 3 4 5 6 7 8 9 10; do echo step $i; sleep 1; done; echo '{\"acc\": 0.93}' > stats.json",
      );
    await dialog.getByLabel("Name", { exact: true }).fill("counting");
    await dialog.getByText("Resources and environment").click();
    await dialog.getByLabel("Memory").fill("lots");
    await dialog.getByRole("button", { name: "Run" }).click();
    await dialog.getByText(/invalid size "lots"/i).waitFor();
    await dialog.getByLabel("Memory").fill("");
    await screenshot(page, "run-builder");
    await dialog.getByRole("button", { name: "Run" }).click();
    await dialog.waitFor({ state: "detached" });

    const row = page.locator("tr.bundle-table__row", { hasText: "counting" });
    await row.waitFor();
    await row.getByRole("link", { name: "counting" }).click();
    const stdout = page.getByRole("region", { name: "stdout" }).locator("pre");
    await stdout.getByText("step 2").waitFor({ timeout: 60_000 });
    // Seen while the run is still going: its last line is not there yet, and its state says so.
    expect(await stdout.textContent()).not.toContain("step 10");
    expect(await row.locator(".state").textContent()).toMatch(/running|preparing|starting/);
    expect(await stdout.textContent()).toContain("1\n2\n3");
    await screenshot(page, "run-live-stdout");
    await row.locator(".state", { hasText: "ready" }).waitFor({ timeout: 60_000 });
    await stdout.getByText("step 10").waitFor();

    // A schema with a file column: the cell is filled from the run's stats.json.
    await page.getByRole("button", { name: "Edit source" }).click();
    const source = page.getByLabel("Worksheet source", { exact: true });
    const text = await source.inputValue();
    await source.fill(
      text.replace(
        /^(\[[^\]]*\bcounting\b[^\]]*\]\{[^}]*\})$/m,
        "% schema results\n% add name\n% add acc /stats.json:acc %.2f\n% display table results\n$1",
      ),
    );
    await page.getByRole("button", { name: "Save" }).click();
    const results = page.locator(".bundle-table", { has: page.getByRole("columnheader", { name: "acc" }) });
    await results.getByRole("cell", { name: "0.93", exact: true }).waitFor();
    await screenshot(page, "worksheet-table-filled");
    expect(pageErrors).toEqual([]);
  });

  it("kills a selected run, and copies bundles to another worksheet with the keyboard", async () => {
    const { page, context, pageErrors } = owner;
    const uuid = worksheetUrl.split("/").at(-1);
    const started = await context.request.post("/rest/bundles", {
      data: { bundle_type: "run", command: "sleep 120", metadata: { name: "sleeper" }, worksheet_uuid: uuid },
      headers: await csrf(owner),
    });
    expect(started.status()).toBe(201);
    await page.keyboard.press("Shift+R");
    const row = page.locator("tr.bundle-table__row", { hasText: "sleeper" });
    await row.getByRole("checkbox").check();
    await page.getByRole("toolbar", { name: "Selected bundles" }).waitFor();
    await page.getByRole("button", { name: "Kill" }).click();
    await page.getByText("Kill requested for 1 bundle.").waitFor();
    const sleeper = ((await started.json()) as { bundle: { uuid: string } }).bundle.uuid;
    const stateOf = async (uuid: string) =>
      ((await (await context.request.get(`/rest/bundles/${uuid}`)).json()) as { bundle: { state: string } }).bundle
        .state;
    await expect.poll(() => stateOf(sleeper), { timeout: 60_000 }).toBe("killed");

    await page.getByRole("button", { name: "Clear" }).click();
    const numbers = page.locator("tr.bundle-table__row", { hasText: "numbers.txt" });
    await numbers.click();
    await page.keyboard.press("a");
    await page.keyboard.press("c");
    await page.getByText(/Copied 1 bundle/).waitFor();
    const other = await context.request.post("/rest/worksheets", {
      data: { name: `${user.user_name}-copies` },
      headers: await csrf(owner),
    });
    const otherUuid = ((await other.json()) as { worksheet: { uuid: string } }).worksheet.uuid;
    await page.goto(`/worksheets/${otherUuid}`);
    await page.getByText("This worksheet is empty.").waitFor();
    await page.keyboard.press("a");
    await page.keyboard.press("v");
    await page.locator("tr.bundle-table__row", { hasText: "numbers.txt" }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("shows the workers and a run's page with its output, on a laptop and a phone", async () => {
    const { page, pageErrors } = owner;
    // The runner is the admin's (a shared-pool worker): the admin sees it with what it runs.
    const admin = await openPage(browser);
    await signIn(admin.context, { user_name: inject("adminUsername"), password: inject("adminPassword") });
    await admin.page.goto("/workers");
    await admin.page.getByRole("heading", { name: "Workers and queue" }).waitFor();
    await admin.page
      .getByText(/web-e2e-/)
      .first()
      .waitFor();
    const adminRow = admin.page.locator("tr", { hasText: /web-e2e-/ }).first();
    expect(await adminRow.textContent()).toContain(hostname());
    await screenshot(admin.page, "workers-page");
    await admin.context.close();

    // Users see the shared pool too, without its host or other users' runs.
    await page.goto("/workers");
    const userRow = page.locator("tr", { hasText: /web-e2e-/ }).first();
    await userRow.waitFor();
    expect(await userRow.textContent()).toContain("(shared)");
    expect(await userRow.textContent()).not.toContain(hostname());
    await screenshot(page, "workers-page-user");

    await page.goto(worksheetUrl);
    const counting = page.locator("tr.bundle-table__row", { hasText: "counting" }).first();
    const uuid = await counting.getAttribute("data-bundle");
    await page.goto(`/bundles/${uuid}`);
    await page.getByRole("heading", { name: "counting" }).waitFor();
    await page.getByRole("region", { name: "stdout" }).getByText("step 10").waitFor();
    await page.getByRole("button", { name: /stats\.json/ }).waitFor();
    await screenshot(page, "bundle-page-run");
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole("heading", { name: "counting" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, "bundle-page-phone");
    await page.setViewportSize(LAPTOP);

    await page.goto("/");
    await page.getByRole("heading", { name: "Your worksheets" }).waitFor();
    await page.getByRole("link", { name: "Runs" }).waitFor();
    await screenshot(page, "home");
    expect(pageErrors).toEqual([]);
  });

  it("shares the worksheet: others read it only when public may", async () => {
    const { page } = owner;
    await page.goto(worksheetUrl);
    await page.getByRole("button", { name: "Share" }).click();
    const dialog = page.getByRole("dialog", { name: "Share this worksheet" });
    await dialog.getByLabel("Permission of public").selectOption("none");
    await dialog.getByText("Only you have access.").waitFor();
    await screenshot(page, "share-dialog");
    await page.keyboard.press("Escape");

    const other = await openPage(browser);
    await signUpAndSignIn(other.context);
    await other.page.goto(worksheetUrl);
    await other.page.getByText("Could not open this worksheet").waitFor();

    await dialogAgain(page);
    await other.page.reload();
    await other.page.getByRole("heading", { name: "Runs" }).waitFor();
    expect(await other.page.getByRole("button", { name: "Upload" }).count()).toBe(0);
    expect(await other.page.getByRole("button", { name: "View source" }).count()).toBe(1);
    await other.context.close();
  });
});

async function dialogAgain(page: UserPage["page"]): Promise<void> {
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share this worksheet" });
  await dialog.getByLabel("Group").selectOption("public");
  await dialog.getByLabel("Permission", { exact: true }).selectOption("read");
  await dialog.getByRole("button", { name: "Share" }).click();
  await dialog.getByLabel("Permission of public").waitFor();
  await page.keyboard.press("Escape");
}
