// Drives the backflow dashboard in Debian's headless Chromium against the
// fixture server (run_dashboard_test.sh starts it): sign in with the token,
// check the sync table's counts and badges, trigger runs and see them
// appear, pause and resume, open a run and find a rejected record by key.
// Exits non-zero on the first failed check; saves screenshots on the way.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { parse: parseCsv } = require('csv-parse/sync');
const { parseArgs, step, waitForText, waitForCount, openBrowser } = require('./browser');

const args = parseArgs(process.argv, ['describe', 'token', 'chromium', 'screenshots', 'profile-root']);
const expected = JSON.parse(fs.readFileSync(args.describe, 'utf8'));
const TIMEOUT = 10000;

async function main() {
  const browser = await openBrowser({
    executable: args.chromium, profileRoot: args['profile-root'], screenshots: args.screenshots,
  });
  const { page, pageErrors, dialogs, shot } = browser;
  try {
    step('the page asks for the token');
    await page.goto(expected.url + '/', { waitUntil: 'load' });
    await page.locator('#login-form').waitFor({ state: 'visible', timeout: TIMEOUT });
    await shot('01-sign-in');

    step('a wrong token is refused');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.locator('#login-error'), 'refused', 'sign-in error');

    step('the right token shows the sync table');
    await page.getByLabel('API token').fill(args.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.syncs').waitFor({ state: 'visible', timeout: TIMEOUT });

    step('every sync shows its health badge and its last run\'s counts');
    for (const [name, want] of Object.entries(expected.syncs)) {
      const row = page.locator(`tr[data-sync="${name}"]`);
      await row.waitFor({ timeout: TIMEOUT });
      assert.equal((await row.locator('td').nth(0).locator('.badge').textContent()).trim(), want.health, `${name} health`);
      for (const key of ['added', 'changed', 'removed', 'rejected']) {
        if (want[key] === undefined) continue;
        assert.equal((await row.locator(`td[data-count="${key}"]`).textContent()).trim(), want[key], `${name} ${key}`);
      }
      assert.ok(await row.locator('svg.sparkline').count() === 1, `${name} has a history chart`);
    }
    const contactsBars = await page.locator('tr[data-sync="contacts_to_hubspot"] svg.sparkline rect').count();
    assert.equal(contactsBars, 14, 'one sparkline bar per recent run');
    await shot('02-syncs');

    step('the table refreshes by itself: a run started elsewhere appears');
    const outside = await fetch(`${expected.url}/api/v1/syncs/orders_webhook/trigger`, {
      method: 'POST', headers: { Authorization: `Bearer ${args.token}` },
    });
    assert.equal(outside.status, 202, 'trigger through the API');
    await waitForText(page.locator('tr[data-sync="orders_webhook"] td').nth(1), 'queued', 'auto-refreshed row');
    assert.equal((await page.locator('tr[data-sync="orders_webhook"] td[data-count="removed"]').textContent()).trim(),
      '310', 'counts stay those of the last ended run while a run is queued');

    step('Trigger in the table starts a run of a sync that never ran');
    const manualRow = page.locator('tr[data-sync="products_manual"]');
    await manualRow.getByRole('button', { name: 'Trigger products_manual', exact: true }).click();
    await waitForText(page.locator('.toast').last(), 'Started run-', 'trigger toast');
    await waitForText(page.locator('tr[data-sync="products_manual"] td').nth(1), 'queued', 'last run of products_manual');

    step('the sync page lists runs, phase timings and a records chart');
    await page.getByRole('link', { name: 'contacts_to_hubspot', exact: true }).click();
    await waitForText(page.locator('h1'), 'contacts_to_hubspot', 'sync page title');
    const runRows = page.locator('table.runs tbody tr');
    await waitForCount(runRows, (n) => n === 14, 'runs listed');
    assert.ok(await page.locator('svg.records-chart rect').count() >= 13, 'records chart has bars');
    assert.ok(await page.locator('table.runs svg.phase-bar').count() === 14, 'phase timings per run');

    step('Trigger on the sync page makes the new run appear');
    await page.locator('.toolbar').getByRole('button', { name: 'Trigger', exact: true }).click();
    await waitForCount(runRows, (n) => n === 15, 'runs after trigger');
    await waitForText(runRows.first().locator('.badge'), 'queued', 'newest run status');
    const newRunId = (await runRows.first().locator('th a').textContent()).trim();
    assert.match(newRunId, /^run-\d+$/);
    await page.locator('.toolbar').getByRole('button', { name: 'Trigger', exact: true }).click();
    await waitForText(page.locator('.toast-error').last(), 'already has run', 'second trigger conflicts');
    await shot('03-sync');

    step('Pause and Resume change the badge');
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitForText(page.locator('.page-head .badge'), 'Paused', 'paused badge');
    await page.getByRole('button', { name: 'Resume' }).click();
    await waitForText(page.locator('.page-head .badge'), 'Healthy', 'healthy badge');

    step('Retry dead records reports how many');
    await page.getByRole('button', { name: 'Retry dead records' }).click();
    await waitForText(page.locator('.toast').last(), '1 dead record will be retried', 'retry toast');

    step('a run page shows counts and its rejected records, searchable by key');
    await page.locator(`table.runs a:text-is("${expected.run_with_rejections}")`).click();
    await waitForText(page.locator('h1'), expected.run_with_rejections, 'run page title');
    await waitForText(page.locator('.count-tile[data-count="rejected"] .count-value'), '3', 'rejected count');
    const recordRows = page.locator('table.records tbody tr');
    await waitForCount(recordRows, (n) => n === 3, 'rejected records listed');
    await page.getByLabel('Find by key').fill(expected.rejected_key);
    await waitForCount(recordRows, (n) => n === 1, 'records matching the typed key');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await waitForText(page.locator('.records-body [role="status"]'), 'Showing the record', 'exact lookup');
    const found = recordRows.first();
    assert.equal((await found.locator('th').textContent()).trim(), expected.rejected_key);
    assert.equal((await found.locator('td.message').textContent()).trim(), expected.rejected_message);
    await shot('04-run');

    step('the run\'s rejected records download as CSV, every one of them');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: TIMEOUT }),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `${expected.run_with_rejections}-rejected-records.csv`);
    const csvRows = parseCsv(fs.readFileSync(await download.path(), 'utf8'), { columns: true });
    assert.equal(csvRows.length, 3, 'one CSV row per rejected record');
    const csvRow = csvRows.find((row) => row.key === expected.rejected_key);
    assert.ok(csvRow, 'the rejected record is in the CSV');
    assert.deepEqual(csvRow, {
      run_id: expected.run_with_rejections, key: expected.rejected_key, op: csvRow.op, status: 'rejected',
      http_status: '409', message: expected.rejected_message,
    });
    // Hostile text survives the round trip through a reference parser, and
    // what a spreadsheet would run as a formula is defused.
    const hostile = ['a,b', 'say "hi"', 'two\r\nlines', '=HYPERLINK("http://x")', '@SUM(A1)', '-5', '+1.5', '-x'];
    const hostileCsv = await page.evaluate(async (values) => {
      const { toCsv } = await import('/assets/csv.js');
      return toCsv(values.map((v) => ({ v })), [['value', (r) => r.v]]);
    }, hostile);
    assert.deepEqual(parseCsv(hostileCsv, { columns: true }).map((row) => row.value),
      ['a,b', 'say "hi"', 'two\r\nlines', '\'=HYPERLINK("http://x")', '\'@SUM(A1)', '-5', '+1.5', '\'-x']);

    step('errors are grouped by message, and a group opens its example record');
    const groupRows = page.locator('table.error-groups tbody tr');
    await waitForCount(groupRows, (n) => n === 5, 'one group per distinct message');
    const group = groupRows.filter({ hasText: 'cannot be set backwards' });
    const exampleKey = (await group.getByRole('button').textContent()).trim();
    await group.getByRole('button').click();
    // The list showed another record by key before: wait for this one's.
    await waitForText(page.locator('.records-body [role="status"]'), `key ${exampleKey}`, 'the group\'s example');
    await waitForCount(recordRows, (n) => n === 1, 'only the example record');
    assert.equal((await recordRows.first().locator('td.message').textContent()).trim(),
      "Property 'lifecyclestage' cannot be set backwards from 'customer' to 'lead'");

    step('invalid records are one choice away');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Status').selectOption('invalid');
    await waitForCount(recordRows, (n) => n === 2, 'invalid records listed');

    step('a reload keeps the session (token in sessionStorage)');
    await page.reload({ waitUntil: 'load' });
    await waitForText(page.locator('h1'), expected.run_with_rejections, 'run page after reload');
    assert.equal(await page.locator('#login').isVisible(), false, 'no sign-in after reload');

    step('times show in UTC, or in the browser\'s zone when asked');
    const started = page.locator('dl.facts dt', { hasText: /^Started$/ }).locator('xpath=following-sibling::dd[1]');
    await waitForText(started, ' UTC', 'start time in UTC');
    const utcText = (await started.textContent()).trim();
    await page.getByRole('button', { name: 'Times: UTC' }).click();
    // ICU may name the zone by its older alias.
    await waitForText(page.locator('#time-zone'), (text) => /^Times: Asia\/(Kolkata|Calcutta)$/.test(text.trim()),
      'time zone choice');
    // The browser runs in Asia/Kolkata (browser.js): UTC+05:30, no daylight saving.
    const kolkata = new Date(Date.parse(utcText.replace(' UTC', 'Z').replace(' ', 'T')) + 330 * 60000)
      .toISOString().replace('T', ' ').slice(0, 19);
    await waitForText(started, kolkata, 'start time in the browser\'s zone');
    assert.ok(!(await started.textContent()).includes('UTC'), 'no UTC label on a local time');
    await page.reload({ waitUntil: 'load' });
    await waitForText(started, kolkata, 'the zone choice kept across a reload');
    await page.locator('#time-zone').click();
    await waitForText(started, utcText, 'back to UTC');

    step('a banner says when the service does not answer, and goes when it answers again');
    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await waitForText(page.locator('#unreachable'), 'The backflow service is not answering', 'unreachable banner');
    assert.ok(await page.locator('h1', { hasText: expected.run_with_rejections }).isVisible(),
      'the last loaded page stays on screen');
    await shot('04b-unreachable');
    await page.unroute('**/api/v1/**');
    await page.locator('#unreachable').waitFor({ state: 'hidden', timeout: TIMEOUT });

    step('the queued run can be cancelled from its page');
    await page.goto(`${expected.url}/#/runs/${newRunId}`);
    await waitForText(page.locator('h1'), newRunId, 'queued run page');
    const asked = dialogs.length;
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await waitForText(page.locator('.page-head .badge'), 'cancelled', 'cancelled run');
    assert.equal(dialogs.length, asked + 1, 'cancel asks first');
    assert.match(dialogs[asked], new RegExp(`^Cancel ${newRunId} of contacts_to_hubspot\\?`));

    step('a blocked sync says why with the guard\'s numbers and offers a forced run');
    // The run queued from outside earlier would make the forced trigger conflict: cancel it.
    const auth = { headers: { Authorization: `Bearer ${args.token}` } };
    const orders = await (await fetch(`${expected.url}/api/v1/syncs/orders_webhook`, auth)).json();
    if (orders.current_run_id) {
      await fetch(`${expected.url}/api/v1/runs/${orders.current_run_id}/cancel`, { method: 'POST', ...auth });
    }
    await page.goto(`${expected.url}/#/syncs/orders_webhook`);
    await waitForText(page.locator('.blocked-card'), 'Blocked by a guard: ', 'blocked card');
    const guardReason = (await page.locator('.blocked-card p').textContent()).replace('Blocked by a guard: ', '');
    assert.match(guardReason, /\d/, 'the guard\'s numbers are shown');
    const forcedRuns = page.locator('table.runs tbody tr');
    const before = await forcedRuns.count();
    await page.getByRole('button', { name: 'Run once with force' }).click();
    await waitForText(page.locator('.toast').last(), 'Started forced run run-', 'forced trigger toast');
    assert.ok(dialogs[dialogs.length - 1].includes(guardReason), 'the confirmation repeats the guard\'s numbers');
    await waitForCount(forcedRuns, (n) => n === before + 1, 'the forced run appears');
    await forcedRuns.first().locator('th a').click();
    await waitForText(page.locator('.card dl'), 'forced', 'the run is marked forced');

    step('a failing sync shows why');
    await page.goto(`${expected.url}/#/`);
    await page.getByRole('link', { name: 'deals_to_salesforce', exact: true }).click();
    await waitForText(page.locator('.page-head .badge'), 'Failing', 'failing badge');
    await page.locator('table.runs tbody tr').first().locator('th a').click();
    await waitForText(page.locator('.error-card'), 'INVALID_SESSION_ID', 'run error');
    await shot('05-failed-run');

    step('an unknown sync says so once, without a toast on every refresh');
    await page.goto(`${expected.url}/#/syncs/ghost`);
    await waitForText(page.locator('.error-card'), "no sync named 'ghost'", 'unknown sync');
    await page.waitForTimeout(5600);  // one auto-refresh cycle
    assert.equal(await page.locator('.toast-error', { hasText: 'ghost' }).count(), 0, 'no error toasts from refreshes');
    await waitForText(page.locator('.error-card'), "no sync named 'ghost'", 'unknown sync after refresh');

    step('every page is usable 900 px wide: nothing runs off the side');
    await page.setViewportSize({ width: 900, height: 800 });
    const pages = [['#/', 'table.syncs'], ['#/syncs/contacts_to_hubspot', 'table.runs'],
      [`#/runs/${expected.run_with_rejections}`, 'table.records']];
    for (const [hash, ready] of pages) {
      await page.goto(`${expected.url}/${hash}`);
      await page.locator(ready).waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(300);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      // The elements that stick out, to say what to fix.
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > 901)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(', '));
      assert.ok(width <= 900, `${hash} is ${width} px wide at a 900 px window (${wide})`);
      // Tables scroll inside their cards when they must; the sync table's
      // counts and actions fit without that.
      if (ready === 'table.syncs') {
        const hidden = await page.evaluate(() => {
          const card = document.querySelector('table.syncs').parentElement;
          return card.scrollWidth - card.clientWidth;
        });
        assert.ok(hidden <= 0, `the sync table hides ${hidden} px behind a scroll bar at 900 px`);
        assert.ok(await page.getByRole('button', { name: 'Trigger' }).first().isVisible(), 'Trigger in reach');
      }
      await shot(`07-narrow-${ready.replace('table.', '')}`);
    }
    await page.setViewportSize({ width: 1360, height: 860 });

    await page.goto(`${expected.url}/#/`);
    await page.locator('table.syncs').waitFor({ timeout: TIMEOUT });
    await shot('06-syncs-after');
    assert.deepEqual(pageErrors, [], 'no script errors in the page');
  } finally {
    await browser.close();
  }
}

main().then(() => console.log('dashboard test passed'), (error) => {
  console.error(`FAIL: ${error.stack || error}`);
  process.exit(1);
});
