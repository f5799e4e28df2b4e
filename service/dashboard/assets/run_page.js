// One run: its counts, phase timings and error, and its per-record results
// (rejected, invalid, ...) with the destination's message, searchable by key.
import { api, seg } from './api.js';
import { downloadCsv, toCsv } from './csv.js';
import { h, replaceChildren } from './dom.js';
import { absoluteTime, count, duration, runDuration } from './format.js';
import { phaseBar } from './charts.js';
import { actionButton, definitionList, phaseBadge } from './widgets.js';

const STATUSES = ['rejected', 'invalid', 'undelivered', 'dead', 'accepted'];
const COUNT_LABELS = [
  ['rows_read', 'Rows read'], ['model_rows', 'Warehouse count'], ['added', 'Added'], ['changed', 'Changed'], ['removed', 'Removed'],
  ['invalid', 'Invalid'], ['sent', 'Sent'], ['accepted', 'Accepted'], ['rejected', 'Rejected'],
  ['undelivered', 'Undelivered'], ['dead', 'Dead'], ['retried', 'Retried'], ['skipped', 'Skipped'],
];
// Counts of records that did not arrive; each has its own record status, so
// a tile and the list it opens always agree.
const FAILURE_COUNTS = ['rejected', 'undelivered', 'invalid', 'dead'];
const PAGE = 100;

function errorHeading(run) {
  if (run.phase === 'partial') return 'Not every record arrived: ';
  if (run.phase === 'blocked') return 'Blocked by a guard: ';
  return `Stopped in ${run.error_phase || run.phase}: `;
}

function countsGrid(run) {
  return h('ul', { class: 'counts', 'aria-label': 'Counts' }, COUNT_LABELS.map(([key, label]) =>
    h('li', { class: `count-tile${(FAILURE_COUNTS.includes(key) && run.counts[key]) ||
        (key === 'model_rows' && run.counts.model_rows && run.counts.model_rows !== run.counts.rows_read) ? ' alert' : ''}`,
      dataset: { count: key } },
    h('span', { class: 'count-value' }, count(run.counts[key])),
    h('span', { class: 'count-label' }, label))));
}

// The run's failed records grouped by status and message, largest first
// (GET /runs/{id}/errors); `pick` shows that status in the records list.
function errorGroups(groups, pick) {
  if (!groups.groups.length) return null;
  return h('div', { class: 'card table-card' }, h('h2', null, 'Errors by message'),
    h('table', { class: 'data error-groups' },
      h('caption', { class: 'visually-hidden' }, 'Failed records grouped by message, largest group first'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'num' }, 'Records'), h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Message'), h('th', { scope: 'col' }, 'Example key'))),
      h('tbody', null, groups.groups.map((group) => h('tr', null,
        h('td', { class: 'num' }, count(group.count)),
        h('td', null, h('span', { class: `badge record-${group.status}` }, group.status)),
        h('td', { class: 'message' }, group.message),
        h('td', null, h('button', {
          type: 'button', class: 'link-button', onclick: () => pick(group),
          'aria-label': `Show ${group.status} record ${group.example_key}`,
        }, group.example_key)))))),
    groups.complete ? null : h('p', { class: 'muted' }, `Grouped from the first ${count(groups.scanned)} failed records.`));
}

function recordsTable(records) {
  return h('table', { class: 'data records' },
    h('caption', { class: 'visually-hidden' }, 'Per-record results'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Op'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col', class: 'num' }, 'HTTP'), h('th', { scope: 'col' }, 'Message'))),
    h('tbody', null, records.map((record) => h('tr', { dataset: { key: record.key } },
      h('th', { scope: 'row' }, h('code', null, record.key)),
      h('td', null, record.op),
      h('td', null, h('span', { class: `badge record-${record.status}` }, record.status)),
      h('td', { class: 'num' }, record.http_status ? String(record.http_status) : '—'),
      h('td', { class: 'message' }, record.message)))));
}

export function runPage(ctx, runId) {
  const root = h('section', { class: 'page', 'aria-labelledby': 'page-title' });
  const header = h('div', { class: 'page' });
  const recordsBody = h('div', { class: 'records-body' });
  const state = { status: 'rejected', filter: '', exactKey: null, records: [], cursor: null, loadedPages: 0 };

  const statusSelect = h('select', { id: 'record-status', name: 'status' },
    [...STATUSES.map((status) => h('option', { value: status }, status)), h('option', { value: '' }, 'all')]);
  const search = h('input', {
    id: 'record-search', type: 'search', name: 'key', placeholder: 'e.g. [1042]', autocomplete: 'off',
    spellcheck: 'false',
  });
  const searchForm = h('form', { class: 'record-controls', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'record-status' }, 'Status'), statusSelect),
    h('div', { class: 'field grow' }, h('label', { for: 'record-search' }, 'Find by key'), search),
    h('button', { type: 'submit' }, 'Find'),
    h('button', { type: 'button', class: 'link-button', onclick: () => clearSearch() }, 'Clear'),
    h('button', { type: 'button', class: 'link-button', onclick: () => exportCsv().catch(ctx.fail) }, 'Download CSV'));

  const recordsCard = h('div', { class: 'card table-card' },
    h('h2', null, 'Records'), searchForm, recordsBody);
  const groupsBody = h('div', { class: 'error-groups-body' });
  root.append(header, groupsBody, recordsCard);

  // A group's example: that status in the list, its record found by key.
  function showGroup(group) {
    state.status = statusSelect.value = group.status;
    search.value = state.filter = group.example_key;
    state.exactKey = group.example_key;
    loadRecords().catch(ctx.fail);
  }

  function statusQuery() {
    return state.status ? `status=${encodeURIComponent(state.status)}` : '';
  }

  async function loadRecords({ append = false } = {}) {
    const params = [statusQuery(), `limit=${PAGE}`];
    if (state.exactKey !== null) params.push(`key=${encodeURIComponent(state.exactKey)}`);
    else if (append && state.cursor) params.push(`cursor=${encodeURIComponent(state.cursor)}`);
    const page = await api(`/runs/${seg(runId)}/records?${params.filter(Boolean).join('&')}`);
    state.records = append ? state.records.concat(page.records) : page.records;
    state.cursor = page.next_cursor;
    state.loadedPages = append ? state.loadedPages + 1 : 1;
    renderRecords();
  }

  // Every record of the chosen status (not only the loaded pages), fetched
  // page by page at the API's largest page size.
  async function exportCsv() {
    const all = [];
    let cursor = null;
    do {
      const params = [statusQuery(), 'limit=1000', cursor ? `cursor=${encodeURIComponent(cursor)}` : ''];
      const page = await api(`/runs/${seg(runId)}/records?${params.filter(Boolean).join('&')}`);
      all.push(...page.records);
      cursor = page.next_cursor;
    } while (cursor);
    const text = toCsv(all, [
      ['run_id', () => runId], ['key', (r) => r.key], ['op', (r) => r.op], ['status', (r) => r.status],
      ['http_status', (r) => r.http_status], ['message', (r) => r.message],
    ]);
    downloadCsv(`${runId}-${state.status || 'all'}-records.csv`, text);
    ctx.toast(`Downloaded ${count(all.length)} ${state.status || ''} records as CSV.`.replace('  ', ' '));
  }

  function renderRecords() {
    const needle = state.filter.trim().toLowerCase();
    const visible = needle && state.exactKey === null
      ? state.records.filter((r) => r.key.toLowerCase().includes(needle))
      : state.records;
    const what = state.status ? `${state.status} records` : 'records';
    let note = null;
    if (state.exactKey !== null) {
      note = visible.length ? `Showing the record with key ${state.exactKey}.`
        : `No ${what} with key ${state.exactKey} in this run.`;
    } else if (needle) {
      note = `${count(visible.length)} of ${count(state.records.length)} loaded ${what} match “${state.filter.trim()}”` +
        (state.cursor ? ' (press Find to look up an exact key among all of them).' : '.');
    }
    replaceChildren(recordsBody,
      note ? h('p', { class: 'muted', role: 'status' }, note) : null,
      visible.length ? recordsTable(visible)
        : (state.exactKey === null && !needle ? h('p', { class: 'empty' }, `This run has no ${what}.`) : null),
      state.cursor && state.exactKey === null
        ? h('button', { type: 'button', class: 'link-button', onclick: () => loadRecords({ append: true }).catch(ctx.fail) },
          'Load more records')
        : null);
  }

  function clearSearch() {
    search.value = '';
    state.filter = '';
    if (state.exactKey !== null) {
      state.exactKey = null;
      loadRecords().catch(ctx.fail);
    } else {
      renderRecords();
    }
  }

  statusSelect.addEventListener('change', () => {
    state.status = statusSelect.value;
    state.exactKey = null;
    loadRecords().catch(ctx.fail);
  });
  search.addEventListener('input', () => {
    state.filter = search.value;
    if (state.exactKey !== null && !search.value) clearSearch();
    else renderRecords();
  });
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = search.value.trim();
    state.exactKey = key ? key : null;
    loadRecords().catch(ctx.fail);
  });

  let lastKey = '';
  let finished = false;
  return {
    title: runId,
    root,
    async refresh() {
      const run = await api(`/runs/${seg(runId)}`);
      const key = JSON.stringify(run) + Math.floor(Date.now() / 30000);
      if (key !== lastKey) {
        lastKey = key;
        replaceChildren(header,
          h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
            h('a', { href: '#/' }, 'Syncs'), ' / ', h('a', { href: `#/syncs/${seg(run.sync)}` }, run.sync), ' / ', run.id),
          h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, `Run ${run.id}`), phaseBadge(run.phase),
            run.finished ? null : actionButton(ctx, 'Cancel run', async () => {
              await api(`/runs/${seg(run.id)}/cancel`, { method: 'POST' });
              return `Cancelling ${run.id}`;
            }, {
              variant: 'danger small',
              confirmText: `Cancel ${run.id} of ${run.sync}? Records already sent stay sent; nothing is committed.`,
            })),
          run.error ? h('p', { class: 'card error-card', role: 'alert' },
            h('strong', null, errorHeading(run)), run.error) : null,
          h('div', { class: 'grid-2' },
            h('div', { class: 'card' }, h('h2', null, 'Run'), definitionList([
              ['Sync', h('a', { href: `#/syncs/${seg(run.sync)}` }, run.sync)],
              ['Trigger', run.trigger + (run.full_resync ? ', full resync' : '') + (run.force ? ', forced' : '')],
              ['Started', absoluteTime(run.started_at_ms)],
              ['Ended', run.ended_at_ms ? absoluteTime(run.ended_at_ms) : 'still running'],
              ['Duration', duration(runDuration(run))],
            ])),
            h('div', { class: 'card' }, h('h2', null, 'Counts'), countsGrid(run),
              h('h2', { class: 'spaced' }, 'Phase timings'), phaseBar(run.phase_ms, { withLegend: true }))));
      }
      // Results of a finished run do not change; reload them only while it
      // runs, and never under the operator's search or extra pages.
      const firstLoad = state.loadedPages === 0;
      if (firstLoad) {
        // Open the list on the records the run's counts point at.
        const first = FAILURE_COUNTS.find((status) => run.counts[status] > 0);
        if (first) state.status = statusSelect.value = first;
      }
      if (firstLoad || (!finished && state.exactKey === null && !state.filter && state.loadedPages === 1)) {
        await loadRecords();
      }
      if (firstLoad || !finished) {
        replaceChildren(groupsBody, errorGroups(await api(`/runs/${seg(runId)}/errors`), showGroup));
      }
      finished = run.finished;
    },
  };
}
