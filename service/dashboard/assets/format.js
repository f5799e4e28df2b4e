// Human-readable times, durations and numbers.

const numberFormat = new Intl.NumberFormat('en-US');

export function count(n) {
  return numberFormat.format(n || 0);
}

// Absolute times are shown in UTC (the logs' and the API's zone) or, by the
// operator's choice kept in this browser, in the browser's own zone.
const ZONE_KEY = 'backflow.timeZone';

export function showsLocalTime() {
  try {
    return localStorage.getItem(ZONE_KEY) === 'local';
  } catch {
    return false;  // storage disabled: UTC
  }
}

export function setShowsLocalTime(local) {
  try {
    localStorage.setItem(ZONE_KEY, local ? 'local' : 'utc');
  } catch {
    // storage disabled: the choice lasts until the page reloads
  }
}

// "UTC" or the browser's IANA zone ("Europe/Berlin").
export function timeZoneLabel() {
  return showsLocalTime() ? Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time' : 'UTC';
}

const localParts = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23', timeZoneName: 'short',
});

export function absoluteTime(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  if (!showsLocalTime()) return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const part = Object.fromEntries(localParts.formatToParts(d).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

// "HH:MM" in the chosen zone, for chart axes.
export function clockTime(ms) {
  const d = new Date(ms);
  const [hours, minutes] = showsLocalTime() ? [d.getHours(), d.getMinutes()] : [d.getUTCHours(), d.getUTCMinutes()];
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

export function relativeTime(ms, now = Date.now()) {
  if (!ms) return '—';
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  let text;
  if (abs < 5) return 'just now';
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400 * 2) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} days`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function runDuration(run, now = Date.now()) {
  if (run.ended_at_ms) return run.ended_at_ms - run.started_at_ms;
  return Math.max(0, now - run.started_at_ms);
}
