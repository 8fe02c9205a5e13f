import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/local/template';

/** Debian's chromium (`.ci/run` installs it when missing); ORDERFLOW_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.ORDERFLOW_CHROMIUM ?? '/usr/bin/chromium';

/** Where browser tests keep what they saw (screenshots), beside the CI's jest results. */
export const TEST_OUTPUT = join(PROJECT_ROOT, '.orderflow', 'test-output');

// No network beyond loopback, no updates, no profile left behind: a quiet, repeatable browser.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** What the page reported as errors (uncaught exceptions): a test expects none. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile and one page; `close` removes the profile. */
export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'orderflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under TEST_OUTPUT and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const path = join(TEST_OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
