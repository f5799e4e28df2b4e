// Inline SVG charts: a sparkline of recent runs, records over time, and a
// bar of phase timings. No library; sizes in viewBox units, scaled by CSS.
import { s, h } from './dom.js';
import { absoluteTime, clockTime, count, duration, timeZoneLabel } from './format.js';

const PHASE_CLASSES = ['succeeded', 'partial', 'failed', 'blocked', 'cancelled'];

function phaseClass(phase) {
  return PHASE_CLASSES.includes(phase) ? phase : 'active';
}

function changes(point) {
  return (point.added || 0) + (point.changed || 0) + (point.removed || 0);
}

// One bar per run, oldest left; height ~ sqrt(changes), colour by outcome.
export function historySparkline(history) {
  const width = 124, height = 28, gap = 2;
  const slots = 20;
  const barWidth = (width - gap * (slots - 1)) / slots;
  const max = Math.max(1, ...history.map(changes));
  const outcomes = {};
  for (const point of history) outcomes[point.phase] = (outcomes[point.phase] || 0) + 1;
  const summary = Object.entries(outcomes).map(([phase, n]) => `${n} ${phase}`).join(', ');
  const label = history.length ? `Last ${history.length} runs: ${summary}` : 'No runs yet';
  const svg = s('svg', {
    class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label,
  });
  svg.append(s('title', null, label));
  const offset = slots - history.length;
  history.forEach((point, i) => {
    const barHeight = Math.max(4, Math.sqrt(changes(point) / max) * (height - 2));
    svg.append(s('rect', {
      x: ((offset + i) * (barWidth + gap)).toFixed(1), y: (height - barHeight).toFixed(1),
      width: barWidth.toFixed(1), height: barHeight.toFixed(1), rx: 1,
      class: `bar bar-${phaseClass(point.phase)}`,
    }, s('title', null, `${point.id} · ${point.phase} · ${absoluteTime(point.started_at_ms)} · ` +
      `${count(point.added)} added, ${count(point.changed)} changed, ${count(point.removed)} removed, ` +
      `${count(point.rejected)} rejected`)));
  });
  if (!history.length) {
    svg.append(s('line', { x1: 0, y1: height - 1, x2: width, y2: height - 1, class: 'axis' }));
  }
  return svg;
}

const SERIES = [
  ['added', 'Added'],
  ['changed', 'Changed'],
  ['removed', 'Removed'],
  ['rejected', 'Rejected'],
];

function niceMax(value) {
  if (value <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

// Stacked bars of added/changed/removed/rejected per run, oldest left.
export function recordsChart(history) {
  const width = 760, height = 240;
  const margin = { top: 12, right: 12, bottom: 34, left: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const totals = history.map((p) => changes(p) + (p.rejected || 0));
  const max = niceMax(Math.max(0, ...totals));
  const y = (v) => margin.top + plotH - (v / max) * plotH;
  const label = history.length
    ? `Records per run for the last ${history.length} runs; the most was ${count(Math.max(...totals))}`
    : 'No runs yet';
  const svg = s('svg', {
    class: 'records-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
    preserveAspectRatio: 'xMidYMid meet',
  });
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(s('line', { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: margin.left - 8, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, count(v)));
  }
  const slot = plotW / Math.max(history.length, 1);
  const barW = Math.min(36, slot * 0.7);
  history.forEach((point, i) => {
    const x = margin.left + i * slot + (slot - barW) / 2;
    let base = 0;
    const group = s('g', { class: 'stack' });
    group.append(s('title', null, `${point.id} (${point.phase}) · ${absoluteTime(point.started_at_ms)}\n` +
      SERIES.map(([key, name]) => `${name}: ${count(point[key])}`).join('\n')));
    for (const [key] of SERIES) {
      const v = point[key] || 0;
      if (!v) continue;
      group.append(s('rect', {
        x: x.toFixed(1), width: barW.toFixed(1), y: y(base + v).toFixed(1),
        height: Math.max(1, y(base) - y(base + v)).toFixed(1), class: `series-${key}`,
      }));
      base += v;
    }
    if (point.phase !== 'succeeded') {
      group.append(s('circle', {
        cx: (x + barW / 2).toFixed(1), cy: y(0) + 8, r: 3.5, class: `marker-${phaseClass(point.phase)}`,
      }));
    }
    svg.append(group);
    const every = Math.ceil(history.length / 6);
    if (i % every === 0 || i === history.length - 1) {
      const text = clockTime(point.started_at_ms);
      svg.append(s('text', { x: (x + barW / 2).toFixed(1), y: height - 8, class: 'tick', 'text-anchor': 'middle' },
        text));
    }
  });
  svg.append(s('line', { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), class: 'axis' }));
  return h('figure', { class: 'chart' }, svg,
    h('figcaption', { class: 'legend' },
      SERIES.map(([key, name]) => h('span', { class: 'legend-item' },
        h('span', { class: `swatch series-${key}`, 'aria-hidden': 'true' }), name)),
      h('span', { class: 'legend-item muted' }, `times in ${timeZoneLabel()}; a dot marks a run that did not succeed`)));
}

const PHASE_ORDER = ['queued', 'preflight', 'snapshot', 'diff', 'guard', 'deliver', 'commit'];

function orderedPhases(phaseMs) {
  const names = Object.keys(phaseMs || {});
  names.sort((a, b) => {
    const ia = PHASE_ORDER.indexOf(a), ib = PHASE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return names.map((name) => [name, phaseMs[name]]);
}

// A horizontal bar split by the time each phase took, with a legend when
// `withLegend`.
export function phaseBar(phaseMs, { withLegend = false } = {}) {
  const phases = orderedPhases(phaseMs).filter(([, ms]) => ms > 0);
  const total = phases.reduce((sum, [, ms]) => sum + ms, 0);
  const text = phases.map(([name, ms]) => `${name} ${duration(ms)}`).join(', ');
  if (!total) return h('span', { class: 'muted' }, '—');
  const width = 160, height = 10;
  const svg = s('svg', {
    class: withLegend ? 'phase-bar wide' : 'phase-bar', viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none', role: 'img', 'aria-label': `Phase timings: ${text}`,
  });
  svg.append(s('title', null, text));
  let x = 0;
  for (const [name, ms] of phases) {
    const w = (ms / total) * width;
    svg.append(s('rect', { x: x.toFixed(2), y: 0, width: w.toFixed(2), height, class: `seg-${name}` }));
    x += w;
  }
  if (!withLegend) return svg;
  return h('div', { class: 'phase-breakdown' }, svg,
    h('ul', { class: 'legend' }, phases.map(([name, ms]) => h('li', { class: 'legend-item' },
      h('span', { class: `swatch seg-${name}`, 'aria-hidden': 'true' }), `${name} ${duration(ms)}`))));
}
