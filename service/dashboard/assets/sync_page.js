// One sync: its settings, the operator's buttons, a chart of records over
// recent runs and the list of runs with phase timings.
import { api, seg } from './api.js';
import { h, replaceChildren } from './dom.js';
import { count, duration, runDuration } from './format.js';
import { phaseBar, recordsChart } from './charts.js';
import { actionButton, definitionList, healthBadge, phaseBadge, timeText } from './widgets.js';

const PAGE = 20;

function actions(ctx, sync) {
  const path = `/syncs/${seg(sync.name)}`;
  const post = (suffix, body) => api(`${path}${suffix}`, { method: 'POST', body });
  return h('div', { class: 'toolbar', role: 'group', 'aria-label': `Actions for ${sync.name}` },
    actionButton(ctx, 'Trigger', async () => `Started ${(await post('/trigger', {})).run_id}`,
      { variant: 'primary', title: 'Run this sync now' }),
    actionButton(ctx, 'Full resync', async () => `Started full resync ${(await post('/trigger', { full_resync: true })).run_id}`,
      { confirmText: `Re-send every row of ${sync.name} to ${sync.destination}?`, title: 'Send every row again, not just changes' }),
    sync.paused
      ? actionButton(ctx, 'Resume', async () => { await post('/resume'); return `${sync.name} resumed`; })
      : actionButton(ctx, 'Pause', async () => { await post('/pause'); return `${sync.name} paused`; },
        { title: 'Stop scheduling this sync' }),
    sync.current_run_id
      ? actionButton(ctx, 'Cancel run', async () => {
        await api(`/runs/${seg(sync.current_run_id)}/cancel`, { method: 'POST' });
        return `Cancelling ${sync.current_run_id}`;
      }, {
        variant: 'danger', title: `Cancel ${sync.current_run_id}`,
        confirmText: `Cancel ${sync.current_run_id} of ${sync.name}? Records already sent stay sent; nothing is committed.`,
      })
      : null,
    actionButton(ctx, 'Retry dead records', async () => {
      const { revived } = await post('/records/retry');
      return revived === 1 ? '1 dead record will be retried' : `${count(revived)} dead records will be retried`;
    },
      { confirmText: `Send ${sync.name}'s dead records again on the next run?` }));
}

// The newest run with a verdict (as the health badge judges: unfinished and
// cancelled runs skipped) was stopped by a guard: say why, with its numbers,
// and offer to run once with the guards overridden.
function blockedCard(ctx, sync, runs, post) {
  if (sync.health !== 'blocked') return null;
  const run = runs.find((r) => r.finished && r.phase !== 'cancelled');
  if (!run || run.phase !== 'blocked') return null;
  return h('div', { class: 'card error-card blocked-card', role: 'alert' },
    h('p', null, h('strong', null, 'Blocked by a guard: '), run.error),
    actionButton(ctx, 'Run once with force', async () =>
      `Started forced run ${(await post('/trigger', { force: true })).run_id}`, {
      variant: 'danger',
      title: 'Run this sync once with its guards overridden',
      confirmText: `Run ${sync.name} once ignoring its guards? ${run.error}`,
    }));
}

function runsTable(runs) {
  if (!runs.length) return h('p', { class: 'empty' }, 'This sync has not run yet.');
  return h('table', { class: 'data runs' },
    h('caption', { class: 'visually-hidden' }, 'Runs, newest first'),
    h('thead', null, h('tr', null,
      ['Run', 'Status', 'Trigger', 'Started', 'Duration', 'Phases'].map((t) => h('th', { scope: 'col' }, t)),
      ['Added', 'Changed', 'Removed', 'Rejected', 'Undelivered', 'Invalid'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
    h('tbody', null, runs.map((run) => h('tr', { dataset: { run: run.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/runs/${seg(run.id)}` }, run.id)),
      h('td', null, phaseBadge(run.phase)),
      h('td', null, run.full_resync ? `${run.trigger} (full)` : run.trigger),
      h('td', null, timeText(run.started_at_ms)),
      h('td', null, duration(runDuration(run))),
      h('td', null, phaseBar(run.phase_ms)),
      ['added', 'changed', 'removed', 'rejected', 'undelivered', 'invalid'].map((key) =>
        h('td', { class: `num${['rejected', 'undelivered', 'invalid'].includes(key) && run.counts[key] ? ' alert' : ''}`,
          dataset: { count: key } },
          count(run.counts[key] || 0)))))));
}

export function syncPage(ctx, name) {
  const root = h('section', { class: 'page', 'aria-labelledby': 'page-title' });
  let shown = PAGE;
  let lastKey = '';
  return {
    title: name,
    root,
    async refresh() {
      const [sync, page] = await Promise.all([
        api(`/syncs/${seg(name)}`),
        api(`/syncs/${seg(name)}/runs?limit=${shown}`),
      ]);
      const key = JSON.stringify([sync, page]) + Math.floor(Date.now() / 30000);
      if (key === lastKey) return;
      lastKey = key;
      const more = page.next_before
        ? h('button', {
          type: 'button', class: 'link-button',
          onclick: () => { shown = Math.min(1000, shown + PAGE); ctx.refresh(); },
        }, 'Show older runs')
        : null;
      replaceChildren(root,
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Syncs'), ' / ', sync.name),
        h('div', { class: 'page-head' },
          h('h1', { id: 'page-title' }, sync.name),
          healthBadge(sync.health),
          sync.current_run_id
            ? h('a', { class: 'state-pill', href: `#/runs/${seg(sync.current_run_id)}` },
              `${sync.state}: ${sync.current_run_id}`)
            : null),
        actions(ctx, sync),
        blockedCard(ctx, sync, page.runs, (suffix, body) => api(`/syncs/${seg(sync.name)}${suffix}`, { method: 'POST', body })),
        h('div', { class: 'grid-2' },
          h('div', { class: 'card' }, h('h2', null, 'Settings'), definitionList([
            ['Source', sync.source],
            ['Destination', sync.object ? `${sync.destination} · ${sync.object}` : sync.destination],
            ['Mode', sync.mode],
            ['Schedule', sync.schedule],
            ['Next run', sync.paused ? 'paused' : (sync.next_run_at_ms ? timeText(sync.next_run_at_ms) : '—')],
            ['Last run', sync.last_run ? timeText(sync.last_run.started_at_ms) : 'never'],
          ])),
          h('div', { class: 'card' }, h('h2', null, 'Records over time'), recordsChart(sync.history))),
        h('div', { class: 'card table-card' }, h('h2', null, 'Runs'), runsTable(page.runs), more));
    },
  };
}
