// The dashboard's shell: hash routing (#/, #/syncs/NAME, #/runs/ID), the
// sign-in form when the server wants a token, toasts, and a refresh of the
// current page every few seconds while the tab is visible.
import { ApiError, AuthRequired, forgetToken, storedToken, storeToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { absoluteTime, setShowsLocalTime, showsLocalTime, timeZoneLabel } from './format.js';
import { runPage } from './run_page.js';
import { syncPage } from './sync_page.js';
import { syncsPage } from './syncs_page.js';

const REFRESH_MS = 5000;

const main = document.getElementById('main');
const login = document.getElementById('login');
const loginForm = document.getElementById('login-form');
const loginError = document.getElementById('login-error');
const tokenInput = document.getElementById('token-input');
const refreshStatus = document.getElementById('refresh-status');
const signOut = document.getElementById('sign-out');
const toasts = document.getElementById('toasts');
const unreachable = document.getElementById('unreachable');
const timeZone = document.getElementById('time-zone');

let page = null;
let refreshing = null;
let lastRefreshed = 0;
let updateFailed = '';
let unreachableSince = 0;

// The service did not answer: the network failed (fetch threw), or a proxy
// in front of it answered 502, 503 or 504. Other errors are the service's own
// answers and are shown where they belong.
function isUnreachable(error) {
  if (error instanceof AuthRequired) return false;
  if (error instanceof ApiError) return error.status === 502 || error.status === 503 || error.status === 504;
  return true;
}

function showUnreachable(error) {
  if (!unreachableSince) unreachableSince = Date.now();
  unreachable.hidden = false;
  unreachable.textContent = `The backflow service is not answering (since ${absoluteTime(unreachableSince)}: ` +
    `${error.message || String(error)}). ` +
    (lastRefreshed ? `What you see was loaded at ${absoluteTime(lastRefreshed)}; ` : '') +
    `retrying every ${REFRESH_MS / 1000} s.`;
}

function hideUnreachable() {
  unreachableSince = 0;
  unreachable.hidden = true;
  unreachable.textContent = '';
}

function showTimeZone() {
  timeZone.textContent = `Times: ${timeZoneLabel()}`;
  timeZone.setAttribute('aria-pressed', showsLocalTime() ? 'true' : 'false');
}

function toast(message, kind = 'ok') {
  const node = h('div', { class: `toast toast-${kind}` }, message);
  toasts.append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 8000 : 4000);
}

function showLogin(refused) {
  login.hidden = false;
  main.hidden = true;
  loginError.hidden = !refused;
  loginError.textContent = refused ? 'That token was refused. Check server.auth_token.' : '';
  tokenInput.value = '';
  tokenInput.focus();
}

function fail(error) {
  if (error instanceof AuthRequired) {
    const hadToken = Boolean(storedToken());
    forgetToken();
    showLogin(hadToken);
    return;
  }
  toast(error.message || String(error), 'error');
}

const ctx = { toast, fail, refresh: () => refresh() };

function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  let parts = [];
  try {
    parts = raw.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    parts = ['?'];  // malformed %-escapes: not a page
  }
  if (parts[0] === 'syncs' && parts.length === 2) return syncPage(ctx, parts[1]);
  if (parts[0] === 'runs' && parts.length === 2) return runPage(ctx, parts[1]);
  if (parts.length) toast(`No page at #/${raw}; showing all syncs.`, 'error');
  return syncsPage(ctx);
}

function showPageError(error) {
  replaceChildren(main, h('div', { class: 'card error-card', role: 'alert' },
    h('h1', null, 'Cannot show this page'), h('p', null, error.message || String(error)),
    h('p', null, h('a', { href: '#/' }, 'Back to all syncs'))));
}

// Reloads the current page's data. A page that cannot load (an unknown
// sync or run, the server down on first load) shows why in place; a failed
// background update only marks the status line, so a flaky network does
// not flood the screen with messages.
async function refresh() {
  if (!page) return;
  if (refreshing) return refreshing;
  const current = page;
  refreshing = (async () => {
    try {
      await current.refresh();
      if (current !== page) return;
      if (current.root.parentNode !== main) replaceChildren(main, current.root);
      login.hidden = true;
      main.hidden = false;
      lastRefreshed = Date.now();
      updateFailed = '';
      hideUnreachable();
      main.dataset.loaded = 'true';
      signOut.hidden = !storedToken();
      updateRefreshStatus();
    } catch (error) {
      if (current !== page) return;
      if (isUnreachable(error)) showUnreachable(error);
      if (error instanceof AuthRequired) {
        fail(error);
      } else if ((error instanceof ApiError && error.status === 404) || !main.dataset.loaded) {
        login.hidden = true;
        main.hidden = false;
        showPageError(error);
        main.dataset.loaded = 'true';
      } else {
        updateFailed = error.message || String(error);
        updateRefreshStatus();
      }
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function updateRefreshStatus() {
  refreshStatus.classList.toggle('stale', Boolean(updateFailed));
  if (updateFailed) {
    refreshStatus.textContent = `Update failed: ${updateFailed}`;
    return;
  }
  if (!lastRefreshed) return;
  const seconds = Math.round((Date.now() - lastRefreshed) / 1000);
  refreshStatus.textContent = seconds < 2 ? 'Updated just now' : `Updated ${seconds} s ago`;
}

function navigate() {
  page = route();
  delete main.dataset.loaded;
  document.title = `${page.title} · backflow`;
  replaceChildren(main, page.root);
  document.getElementById('nav-syncs').setAttribute('aria-current', page.title === 'Syncs' ? 'page' : 'false');
  refresh();
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) return;
  storeToken(token);
  loginError.hidden = true;
  refresh();
});

signOut.addEventListener('click', () => {
  forgetToken();
  signOut.hidden = true;
  showLogin(false);
});

timeZone.addEventListener('click', () => {
  setShowsLocalTime(!showsLocalTime());
  showTimeZone();
  navigate();  // every page draws its times again
});

window.addEventListener('hashchange', navigate);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});
setInterval(() => {
  if (!document.hidden && login.hidden) refresh();
  updateRefreshStatus();
}, REFRESH_MS);

showTimeZone();
navigate();
