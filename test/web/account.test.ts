/**
 * Sign up, see usage and quotas, sign out; and the administrators' instance report, in a real
 * browser against the local instance.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  LAPTOP,
  launchBrowser,
  newUser,
  openPage,
  PHONE,
  screenshot,
  screenshotFailures,
  signIn,
  signUpAndSignIn,
} from "./helpers/browser.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("account pages", () => {
  it("signs a new user up, shows their usage and quotas, and signs them out", async () => {
    const { page, context, pageErrors } = await openPage(browser);
    const user = newUser("signup");
    await page.goto("/account/signup");
    await page.getByLabel("User name").fill(user.user_name);
    await page.getByLabel("Email").fill(user.email);
    await page.locator("input[name=password]").fill(user.password);
    await page.locator("input[name=confirm_password]").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("link", { name: "Your account" }).first().click();
    await expect.poll(() => page.getByRole("heading", { name: "Usage" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole("progressbar").count()).toBe(2);
    await screenshot(page, "profile-laptop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "profile-phone");
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect.poll(() => page.getByRole("link", { name: "Sign in" }).first().isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe("the instance report", () => {
  let shown: Page | undefined;
  screenshotFailures(() => shown);

  it("shows administrators the daily report, linked from the header, and nobody else", async () => {
    const admin = await openPage(browser);
    await signIn(admin.context, { user_name: inject("adminUsername"), password: inject("adminPassword") });
    const { page } = admin;
    shown = page;
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Report" }).click();
    await page.getByRole("heading", { name: "Instance report" }).waitFor();
    // A fresh instance may have no report yet (the nightly run makes them): make today's.
    await page.getByRole("button", { name: "Make today's report now" }).click();
    const today = new Date().toISOString().slice(0, 10);
    await page.getByRole("heading", { name: `Daily report ${today}` }).waitFor();
    const facts = page.locator(".details dt");
    expect(await facts.allTextContents()).toEqual(["Bundles", "Users", "Workers", "Queue", "Database", "Backup"]);
    // Made from the page, the report has no backup; the nightly run of an earlier test may have
    // made today's already, with one: its key, size and what it holds.
    expect(await page.locator(".details__row", { hasText: "Backup" }).locator("dd").textContent()).toMatch(
      /^(None with this report|backups\/d1\/\d{4}-\d{2}-\d{2}\.sql\.gz · .+ · \d+ tables, \d+ rows · took .+)$/,
    );
    await page.getByLabel("Day").selectOption(today);
    await page.getByRole("heading", { name: `Daily report ${today}` }).waitFor();
    await screenshot(page, "instance-report");
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, "instance-report-phone");
    await page.setViewportSize(LAPTOP);
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();

    const user = await openPage(browser);
    await signUpAndSignIn(user.context);
    shown = user.page;
    await user.page.goto("/");
    await user.page.getByRole("link", { name: "Workers" }).waitFor();
    expect(await user.page.getByRole("link", { name: "Report" }).count()).toBe(0);
    await user.page.goto("/admin/report");
    await user.page.getByText("Only administrators can see the instance report.").waitFor();
    expect(user.pageErrors).toEqual([]);
    await user.context.close();
  });
});
