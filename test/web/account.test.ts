/** Sign up, see usage and quotas, sign out, in a real browser against the local instance. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newUser, openPage, PHONE, screenshot } from "./helpers/browser.ts";

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
