// The home page: every sync with its health, last and next run, the counts
// of its last ended run and a sparkline of recent runs, with a trigger
// button each.
import { api, seg } from './api.js';
import { h, replaceChildren } from './dom.js';
import { count } from './format.js';
import { historySparkline } from './charts.js';
import { actionButton, healthBadge, phaseBadge, timeText } from './widgets.js';

const HEALTH_ORDER = ['failing', 'blocked', 'degraded', 'healthy', 'paused', 'never_run'];
const FINISHED = ['succeeded', 'partial', 'failed', 'blocked', 'cancelled'];

function summary(syncs) {
  const byHealth = {};
  for (const sync of syncs) byHealth[sync.health] = (byHealth[sync.health] || 0) + 1;
  return h('ul', { class: 'health-summary', 'aria-label': 'Syncs by health' },
    HEALTH_ORDER.filter((health) => byHealth[health]).map((health) =>
      h('li', null, healthBadge(health), h('strong', null, count(byHealth[health])))));
}

function nextRun(sync) {
  if (sync.paused) return h('span', { class: 'muted' }, 'paused');
  if (sync.next_run_at_ms) return timeText(sync.next_run_at_ms);
  return h('span', { class: 'muted' }, sync.schedule || 'manual');
}

function lastRun(sync) {
  const run = sync.last_run;
  if (!run) return h('span', { class: 'muted' }, 'never');
  return h('div', { class: 'stacked' },
    h('a', { href: `#/runs/${seg(run.id)}`, 'aria-label': `Run ${run.id}: ${run.phase}` }, phaseBadge(run.phase)),
    timeText(run.ended_at_ms || run.started_at_ms));
}

// The counts shown are those of the newest run that ended: a queued or
// running run has none yet, and zeros would hide the last real result.
function lastEnded(sync) {
  const ended = sync.history.filter((point) => FINISHED.includes(point.phase));
  return ended.length ? ended[ended.length - 1] : null;
}

function countCell(point, key, alertWhenPositive = false) {
  if (!point) return h('td', { class: 'num muted', dataset: { count: key } }, '—');
  const value = point[key] || 0;
  return h('td', { class: `num${alertWhenPositive && value ? ' alert' : ''}`, dataset: { count: key } }, count(value));
}

function row(ctx, sync) {
  const ended = lastEnded(sync);
  const destination = sync.object ? `${sync.destination} · ${sync.object}` : sync.destination;
  return h('tr', { dataset: { sync: sync.name } },
    h('th', { scope: 'row' },
      h('a', { href: `#/syncs/${seg(sync.name)}`, class: 'sync-name' }, sync.name),
      h('div', { class: 'muted small' }, `${sync.source} → ${destination}`)),
    h('td', null, h('div', { class: 'stacked' }, healthBadge(sync.health),
      sync.state !== 'idle' ? h('span', { class: 'state-pill' }, sync.state) : null)),
    h('td', null, lastRun(sync)),
    h('td', null, nextRun(sync)),
    countCell(ended, 'added'),
    countCell(ended, 'changed'),
    countCell(ended, 'removed'),
    countCell(ended, 'rejected', true),
    h('td', { class: 'recent-runs' }, historySparkline(sync.history)),
    h('td', { class: 'actions' },
      actionButton(ctx, 'Trigger', async () => {
        const result = await api(`/syncs/${seg(sync.name)}/trigger`, { method: 'POST', body: {} });
        return `Started ${result.run_id} for ${sync.name}`;
      }, { variant: 'small', title: `Run ${sync.name} now`, label: `Trigger ${sync.name}` })));
}

export function syncsPage(ctx) {
  const root = h('section', { class: 'page', 'aria-labelledby': 'page-title' });
  const heading = h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, 'Syncs'));
  const body = h('div');
  root.append(heading, body);
  let lastKey = '';
  return {
    title: 'Syncs',
    root,
    async refresh() {
      const { syncs } = await api('/syncs');
      const key = JSON.stringify(syncs) + Math.floor(Date.now() / 30000);
      if (key === lastKey) return;
      lastKey = key;
      replaceChildren(heading, h('h1', { id: 'page-title' }, 'Syncs'), summary(syncs));
      if (!syncs.length) {
        replaceChildren(body, h('p', { class: 'card empty' }, 'No syncs are configured.'));
        return;
      }
      replaceChildren(body, h('div', { class: 'card table-card' },
        h('table', { class: 'data syncs' },
          h('caption', { class: 'visually-hidden' }, 'Every configured sync with its last run'),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Sync'),
            h('th', { scope: 'col' }, 'Health'),
            h('th', { scope: 'col' }, 'Last run'),
            h('th', { scope: 'col' }, 'Next run'),
            h('th', { scope: 'col', class: 'num' }, 'Added'),
            h('th', { scope: 'col', class: 'num' }, 'Changed'),
            h('th', { scope: 'col', class: 'num' }, 'Removed'),
            h('th', { scope: 'col', class: 'num' }, 'Rejected'),
            h('th', { scope: 'col', class: 'recent-runs' }, 'Recent runs'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
          h('tbody', null, syncs.map((sync) => row(ctx, sync))))));
    },
  };
}
