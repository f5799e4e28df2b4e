// Small pieces shared by the pages: status badges, times, action buttons.
import { h } from './dom.js';
import { absoluteTime, relativeTime } from './format.js';

const HEALTH_LABELS = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  failing: 'Failing',
  blocked: 'Blocked',
  paused: 'Paused',
  never_run: 'Never run',
};

export function healthBadge(health) {
  return h('span', { class: `badge health-${health}` }, HEALTH_LABELS[health] || health);
}

// Run phases: terminal ones by outcome, the rest are "in progress".
export function phaseBadge(phase) {
  const kind = ['succeeded', 'partial', 'failed', 'blocked', 'cancelled'].includes(phase) ? phase : 'active';
  return h('span', { class: `badge phase-${kind}` }, phase);
}

export function timeText(ms) {
  if (!ms) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: new Date(ms).toISOString(), title: absoluteTime(ms) }, relativeTime(ms));
}

// A button that runs `action` (async), disabled while it runs; the page's
// context reports the outcome and refreshes.
// `label` is the accessible name when the visible text alone is ambiguous
// (one "Trigger" per table row).
export function actionButton(ctx, text, action, { variant = '', confirmText = '', title = '', label = '' } = {}) {
  const button = h('button', { type: 'button', class: variant, title: title || null, 'aria-label': label || null }, text);
  button.addEventListener('click', async () => {
    if (confirmText && !window.confirm(confirmText)) return;
    button.disabled = true;
    try {
      const message = await action();
      if (message) ctx.toast(message, 'ok');
    } catch (error) {
      ctx.fail(error);
    } finally {
      button.disabled = false;
      ctx.refresh();
    }
  });
  return button;
}

export function definitionList(pairs) {
  return h('dl', { class: 'facts' },
    pairs.map(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
}
