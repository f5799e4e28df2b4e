// Shared by the dashboard tests: argument parsing, polling helpers and a
// headless Chromium (Debian's, through playwright-core) with a fresh profile.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const TIMEOUT = 10000;

// "--name value" pairs; throws naming the first of `required` that is missing.
function parseArgs(argv, required) {
  const out = {};
  for (let i = 2; i + 1 < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of required) {
    if (!out[name]) throw new Error(`missing --${name}`);
  }
  return out;
}

function step(name) {
  console.log(`- ${name}`);
}

// Polls until the locator's text satisfies `test` (a string to contain or a
// predicate), failing with what it last saw.
async function waitForText(locator, test, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.first().textContent({ timeout: 1000 }).catch(() => null)) ?? '<missing>';
    if (typeof test === 'string' ? last.includes(test) : test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: waited for ${test}, last saw "${last.trim()}"`);
}

async function waitForCount(locator, predicate, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let n = -1;
  while (Date.now() < deadline) {
    n = await locator.count();
    if (predicate(n)) return n;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: count stayed at ${n}`);
}

// Starts Chromium with a profile under `profileRoot`. Returns the page, the
// script errors it logs (refused fetches excepted: the 401 before sign-in),
// shot(name) saving a full-page screenshot under `screenshots`, and close().
async function openBrowser({ executable, profileRoot, screenshots }) {
  const profile = fs.mkdtempSync(path.join(profileRoot, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 860 },
    timezoneId: 'Asia/Kolkata',  // not UTC, so that a time shown in the wrong zone is seen
  });
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(message.text());
    }
  });
  // Confirmations are accepted and kept, so a test can check what was asked.
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.accept();
  });
  return {
    page,
    pageErrors,
    dialogs,
    shot: (name) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true }),
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Signs in on the page's token form and waits for the sync table.
async function signIn(page, token) {
  await page.locator('#login-form').waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('table.syncs').waitFor({ state: 'visible', timeout: TIMEOUT });
}

module.exports = { TIMEOUT, parseArgs, step, waitForText, waitForCount, openBrowser, signIn };
