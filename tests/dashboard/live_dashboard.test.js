// The dashboard of a real `backflow serve` (run_live_dashboard_test.sh starts
// it with the sample warehouse and a receiver that rejects customers without
// a last name): the sync table shows the scheduled run's real counts and an
// amber "Degraded" badge (the run was partial: 51 customers refused),
// Trigger starts a run that really runs and ends partial again, and the
// rejected customers are found on the run page by key with the receiver's
// message.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { parseArgs, step, waitForText, waitForCount, openBrowser, signIn } = require('./browser');

const args = parseArgs(process.argv, ['expect', 'token', 'chromium', 'screenshots', 'profile-root']);
const expected = JSON.parse(fs.readFileSync(args.expect, 'utf8'));
const RUN_TIMEOUT = 60000;

async function main() {
  const browser = await openBrowser({
    executable: args.chromium, profileRoot: args['profile-root'], screenshots: args.screenshots,
  });
  const { page, pageErrors, shot } = browser;
  try {
    step('sign in and see the syncs the schedule ran');
    await page.goto(expected.url + '/', { waitUntil: 'load' });
    await signIn(page, args.token);
    const row = page.locator(`tr[data-sync="${expected.sync}"]`);
    await row.waitFor({ timeout: 10000 });
    await waitForText(row.locator('td[data-count="added"]'), (t) => t.trim() === expected.added, 'added count');
    assert.equal((await row.locator('td[data-count="rejected"]').textContent()).trim(), expected.rejected,
      'rejected count');
    await waitForText(row.locator('.badge.health-degraded'), 'Degraded', 'a partial run makes the sync degraded');
    await waitForText(page.locator('tr[data-sync="accounts_to_crm"] td').nth(1), 'succeeded', 'accounts_to_crm ran after it');
    await shot('live-01-syncs');

    step('Trigger runs the sync for real: the new run appears and ends partial (the 51 are refused again)');
    await page.getByRole('link', { name: expected.sync, exact: true }).click();
    await waitForText(page.locator('h1'), expected.sync, 'sync page title');
    const runRows = page.locator('table.runs tbody tr');
    await waitForCount(runRows, (n) => n === 1, 'runs before the trigger');
    await page.locator('.toolbar').getByRole('button', { name: 'Trigger', exact: true }).click();
    await waitForCount(runRows, (n) => n === 2, 'runs after the trigger');
    await waitForText(runRows.first().locator('.badge'), 'partial', 'the triggered run', RUN_TIMEOUT);
    await shot('live-02-sync');

    step('the first run lists the rejected customers, found by key with the receiver\'s message');
    await page.locator(`table.runs a:text-is("${expected.run}")`).click();
    await waitForText(page.locator('h1'), expected.run, 'run page title');
    await waitForText(page.locator('.count-tile[data-count="rejected"] .count-value'), expected.rejected,
      'rejected count on the run page');
    // The parity check's two numbers: what the run read, what the warehouse counted.
    const rowsRead = (await page.locator('.count-tile[data-count="rows_read"] .count-value').textContent()).trim();
    assert.notEqual(rowsRead, '0', 'rows read on the run page');
    assert.equal((await page.locator('.count-tile[data-count="model_rows"] .count-value').textContent()).trim(), rowsRead,
      'the warehouse count equals the rows read');
    const recordRows = page.locator('table.records tbody tr');
    await waitForCount(recordRows, (n) => n > 0, 'rejected records listed');
    await page.getByLabel('Find by key').fill(expected.rejected_key);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await waitForText(page.locator('.records-body [role="status"]'), 'Showing the record', 'exact lookup');
    const found = recordRows.first();
    assert.equal((await found.locator('th').textContent()).trim(), expected.rejected_key);
    assert.equal((await found.locator('td.message').textContent()).trim(), expected.rejected_message);
    await shot('live-03-run');
    assert.deepEqual(pageErrors, [], 'no script errors in the page');
  } finally {
    await browser.close();
  }
}

main().then(() => console.log('live dashboard test passed'), (error) => {
  console.error(`FAIL: ${error.stack || error}`);
  process.exit(1);
});
