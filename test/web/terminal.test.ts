/**
 * The web terminal (`shift+c`): `cl` commands run in the page through the CLI's own command layer,
 * against the current worksheet, with completion and the CLI's error lines.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClHome, runCl } from "../helpers/cli.ts";
import {
  baseUrl,
  csrfHeaders,
  launchBrowser,
  openPage,
  screenshot,
  screenshotFailures,
  signUpAndSignIn,
  type TestUser,
  type UserPage,
} from "./helpers/browser.ts";

let browser: Browser;
let owner: UserPage;
let user: TestUser;
let worksheetUrl: string;

beforeAll(async () => {
  browser = await launchBrowser();
  owner = await openPage(browser);
  user = await signUpAndSignIn(owner.context);
  const created = await owner.context.request.post("/rest/worksheets", {
    data: { name: `${user.user_name}-term`, title: "Terminal" },
    headers: await csrfHeaders(owner.context),
  });
  worksheetUrl = `/worksheets/${((await created.json()) as { worksheet: { uuid: string } }).worksheet.uuid}`;
});
screenshotFailures(() => owner?.page);
afterAll(async () => {
  await browser?.close();
});

describe("the web terminal", () => {
  it("runs cl commands on the current worksheet and the page follows", async () => {
    const { page, pageErrors } = owner;
    await page.goto(worksheetUrl);
    await page.getByRole("heading", { name: "Terminal" }).waitFor();
    await page.keyboard.press("Shift+C");
    const terminal = page.getByRole("region", { name: "Terminal" });
    const prompt = terminal.getByLabel("$ cl");
    await prompt.waitFor();

    // Uploads read local files: the terminal says to use the Upload button instead.
    await prompt.fill("upload data.csv");
    await prompt.press("Enter");
    await terminal.getByText(/hint: use the Upload button/).waitFor();

    // A bundle uploaded by the real CLI meanwhile; `ls`-like commands see it, the page follows.
    const file = join(await mkdtemp(join(tmpdir(), "web-term-")), "greeting.txt");
    await writeFile(file, "hello from the terminal\n");
    const home = await makeClHome({ address: baseUrl() });
    const uploaded = await runCl(["upload", file, "-n", "greeting", "-w", worksheetUrl.split("/").at(-1) ?? ""], {
      home,
      env: { CODALAB_USERNAME: user.user_name, CODALAB_PASSWORD: user.password },
    });
    expect(uploaded.stderr).toBe("");
    await prompt.fill("search greeting");
    await prompt.press("Enter");
    await terminal.locator(".terminal__line--out", { hasText: "greeting" }).first().waitFor();

    await prompt.fill("add text 'Written in the terminal'");
    await prompt.press("Enter");
    await page.locator(".ws-block", { hasText: "Written in the terminal" }).waitFor();
    await page.locator("tr.bundle-table__row", { hasText: "greeting" }).waitFor();

    await prompt.fill("cat gre");
    await prompt.press("Tab");
    expect(await prompt.inputValue()).toBe("cat greeting ");
    await prompt.press("Enter");
    await terminal.getByText("hello from the terminal", { exact: true }).waitFor();

    await prompt.fill("download greeting");
    await prompt.press("Enter");
    await terminal.getByText("error: cl download needs a local filesystem").waitFor();

    await prompt.fill("info no-such-bundle");
    await prompt.press("Enter");
    await terminal.locator(".terminal__line--err", { hasText: /^error: .*no-such-bundle/ }).waitFor();

    await prompt.fill("sta");
    await prompt.press("Tab");
    expect(await prompt.inputValue()).toBe("status ");
    await prompt.press("Enter");
    await terminal.getByText(`username: ${user.user_name}`).waitFor();
    await screenshot(page, "terminal");
    expect(pageErrors).toEqual([]);
  });
});
