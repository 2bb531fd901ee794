/**
 * Drives Debian's Chromium with playwright-core against the local instance that
 * test/global-setup.ts started. One browser per test file; each user gets a fresh context (its
 * own cookie jar), so sessions never leak between users. Screenshots go to test-results/web/.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterEach, inject } from "vitest";

const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-results/web/", import.meta.url));

/** Debian's Chromium; `npx playwright install` cannot download browsers here (see machine-notes). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const LAPTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export const baseUrl = (): string => inject("baseUrl").replace(/\/+$/, "");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export type UserPage = { context: BrowserContext; page: Page; pageErrors: string[] };

/**
 * A fresh browser context (cookies, storage) and page at `viewport`. Uncaught page errors and
 * alerts or prompts are recorded (a script injected through content would show up as either);
 * the app's own confirmations ("Delete …?") are accepted.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = LAPTOP,
): Promise<UserPage> {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("dialog", (dialog) => {
    if (dialog.type() === "confirm") return void dialog.accept();
    pageErrors.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, pageErrors };
}

export type TestUser = { user_name: string; password: string; email: string };

let userCounter = 0;

/** A new account name unique to this test run. */
export function newUser(prefix = "web"): TestUser {
  userCounter += 1;
  const user_name = `${prefix}${Date.now().toString(36)}${userCounter}`;
  return { user_name, password: "correct horse battery", email: `${user_name}@example.com` };
}

/** Signs up through the API (the sign-up page has its own test) and signs in with a cookie session in `context`. */
export async function signUpAndSignIn(context: BrowserContext, user: TestUser = newUser()): Promise<TestUser> {
  const signup = await context.request.post("/rest/auth/signup", { data: user });
  if (signup.status() !== 201) throw new Error(`signup failed: ${signup.status()} ${await signup.text()}`);
  await signIn(context, user);
  return user;
}

export async function signIn(context: BrowserContext, user: Pick<TestUser, "user_name" | "password">): Promise<void> {
  const login = await context.request.post("/rest/auth/login", {
    data: { username: user.user_name, password: user.password, session: "cookie" },
  });
  if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);
}

/** The CSRF header the API wants on state-changing cookie requests made with `context.request`. */
export async function csrfHeaders(context: BrowserContext): Promise<Record<string, string>> {
  const cookie = (await context.cookies()).find((c) => c.name === "codalab_csrf");
  return cookie ? { "X-CSRF-Token": cookie.value } : {};
}

/** Saves a full-page screenshot as test-results/web/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top: a full-page capture of a scrolled page draws the sticky bar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/** After each failed test, a screenshot of `page()` as test-results/web/failed-<test name>.png. */
export function screenshotFailures(page: () => Page | undefined): void {
  afterEach(async (context) => {
    const current = page();
    if (context.task.result?.state !== "fail" || current === undefined || current.isClosed()) return;
    await screenshot(current, `failed-${context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`);
  });
}
