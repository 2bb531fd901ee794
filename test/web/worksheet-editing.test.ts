/**
 * The worksheet page in a real browser against the local instance: creating a worksheet, adding
 * and editing markdown in place (with math), script-bearing markdown that must never execute,
 * keyboard navigation and the shortcut help, and the full-source editor including a concurrent
 * edit from the CLI.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClHome, runCl } from "../helpers/cli.ts";
import {
  baseUrl,
  launchBrowser,
  openPage,
  PHONE,
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
});
screenshotFailures(() => owner?.page);

afterAll(async () => {
  await browser?.close();
});

/** The text of every rendered block, in order. */
async function blockTexts(page: Page): Promise<string[]> {
  return page.locator(".ws-block").allInnerTexts();
}

async function addText(page: Page, text: string): Promise<void> {
  await page.getByRole("button", { name: "Add text" }).click();
  await page.getByLabel("New markdown").fill(text);
  await page.getByLabel("New markdown").press("Control+Enter");
  await page.getByLabel("New markdown").waitFor({ state: "detached" });
}

describe("the worksheet page", () => {
  it("creates a worksheet from the home page and opens it empty", async () => {
    const { page } = owner;
    await page.goto("/");
    await page.getByRole("button", { name: "New worksheet" }).click();
    await page.getByLabel("Name").fill(`${user.user_name}-exp`);
    await page.getByLabel("Title").fill("Experiments");
    await page.getByRole("button", { name: "Create worksheet" }).click();
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    await page.getByText("This worksheet is empty.").waitFor();
    worksheetUrl = page.url();
    expect(worksheetUrl).toMatch(/\/worksheets\/0x[0-9a-f]{32}$/);
    await screenshot(page, "worksheet-empty");
  });

  it("adds markdown with math in place and renders it", async () => {
    const { page, pageErrors } = owner;
    await addText(page, "# Results\n\nThe loss is $\\sum_i x_i^2$ on *every* run.");
    await page.getByRole("heading", { name: "Results" }).waitFor();
    await page.locator(".katex").first().waitFor();
    expect(await page.locator(".markdown em").textContent()).toBe("every");
    expect(pageErrors).toEqual([]);
  });

  it("never runs scripts written in markdown", async () => {
    const { page, pageErrors } = owner;
    await addText(
      page,
      [
        "Bad <script>window.__xss = 'script'</script>",
        '<img src="x" onerror="window.__xss = \'onerror\'">',
        '[click](javascript:window.__xss=1) <a href="javascript:alert(1)">link</a>',
        '<iframe src="javascript:alert(2)"></iframe><svg onload="window.__xss=3"></svg>',
        '$x" onmouseover="window.__xss=4$',
      ].join("\n"),
    );
    await page.getByText("Bad").first().waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    const block = page.locator(".markdown", { hasText: "Bad" });
    expect(await block.locator("script, iframe, [onerror], [onload], [onmouseover]").count()).toBe(0);
    for (const href of await block.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))) {
      expect(href ?? "").not.toMatch(/^javascript:/i);
    }
    await block.locator("a", { hasText: "click" }).click();
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it("moves the cursor with the keyboard, edits the text under it and shows the shortcuts", async () => {
    const { page } = owner;
    const atCursor = () => page.locator(".ws-block.is-cursor").textContent();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("g");
    await page.keyboard.press("g");
    expect(await atCursor()).toContain("Results");
    await page.keyboard.press("j");
    expect(await atCursor()).toContain("The loss is");
    await page.keyboard.press("Shift+G");
    expect(await atCursor()).toContain("Bad");
    await page.keyboard.press("ArrowUp");
    expect(await atCursor()).toContain("The loss is");
    await page.keyboard.press("k");
    expect(await atCursor()).toContain("Results");

    await page.keyboard.press("Enter");
    const editor = page.getByLabel("Edit markdown");
    await editor.fill("# Results\n\nUpdated in place.");
    await editor.press("Control+Enter");
    await page.getByText("Updated in place.").waitFor();

    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    expect(await help.textContent()).toContain("Edit the whole worksheet source");
    await screenshot(page, "worksheet-shortcuts");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });
  });

  it("edits the whole source, and keeps the user's text when the CLI saved meanwhile", async () => {
    const { page } = owner;
    await page.keyboard.press("Shift+E");
    const source = page.getByLabel("Worksheet source", { exact: true });
    await source.waitFor();
    const original = await source.inputValue();
    expect(original).toContain("Updated in place.");

    // Meanwhile, the CLI changes the worksheet.
    const home = await makeClHome({ address: baseUrl() });
    const env = { CODALAB_USERNAME: user.user_name, CODALAB_PASSWORD: user.password };
    const uuid = worksheetUrl.split("/").at(-1) ?? "";
    const added = await runCl(["add", "text", "Line from the CLI", "--dest-worksheet", uuid], { home, env });
    expect(added.stderr).toBe("");

    await source.fill(`${original}My line from the browser\n`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Someone else saved this worksheet while you were editing").waitFor();
    expect(await source.inputValue()).toContain("My line from the browser");
    const theirs = page.getByLabel("Their version of the source");
    await theirs.waitFor();
    expect(await theirs.inputValue()).toContain("Line from the CLI");
    await screenshot(page, "worksheet-source-conflict");

    await page.getByRole("button", { name: /Keep my text/ }).click();
    await source.fill(`${await source.inputValue()}Line from the CLI\n`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("My line from the browser").waitFor();
    const texts = (await blockTexts(page)).join("\n");
    expect(texts).toContain("Line from the CLI");
  });

  it("deletes the text under the cursor", async () => {
    const { page } = owner;
    await page.locator(".ws-block", { hasText: "Bad" }).click();
    await page.keyboard.press("Delete");
    await page.locator(".ws-block", { hasText: "Bad" }).waitFor({ state: "detached" });
  });

  it("fits a phone screen", async () => {
    const { page } = owner;
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "worksheet-phone");
  });
});
