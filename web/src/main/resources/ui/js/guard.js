// The write guard of the core node serving this page, as a banner on every page. The guard is
// this node's own view of etcd (not stored in etcd, so no etcd watch can report it when etcd is
// down): it is read from /health/ready every POLL_MS. While writes are refused, every control
// marked data-write is disabled, including those of pages rendered later.

import { replace } from './dom.js';

const POLL_MS = 2000;
let state = { status: 'unknown', writable: true };
const listeners = new Set();

export function guardState() {
  return state;
}

export function onGuard(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function poll() {
  let status = 'down';
  try {
    const r = await fetch('/health/ready', { headers: { Accept: 'application/json' } });
    const body = await r.json();
    status = (body.etcd && body.etcd.status) || 'down';
  } catch (e) {
    status = 'unreachable';
  }
  const writable = status === 'ok' || status === 'degraded';
  if (status !== state.status) {
    state = { status, writable };
    render();
    listeners.forEach((fn) => fn(state));
  }
}

function render() {
  const banner = document.getElementById('guard-banner');
  if (state.writable) {
    banner.hidden = true;
    replace(banner);
    document.body.classList.remove('writes-refused');
  } else {
    banner.hidden = false;
    replace(
      banner,
      state.status === 'unreachable'
        ? 'This core node does not answer: the page may be out of date.'
        : 'etcd is ' + state.status + ' on this core node: changes are refused until it answers again; what you see may be out of date.',
    );
    document.body.classList.add('writes-refused');
  }
  applyTo(document);
}

function applyTo(root) {
  root.querySelectorAll('[data-write]').forEach((el) => {
    el.disabled = !state.writable;
    if (!state.writable) el.title = 'writes are refused while etcd is ' + state.status;
    else el.removeAttribute('title');
  });
}

export function startGuard() {
  new MutationObserver(() => applyTo(document)).observe(document.getElementById('app'), {
    childList: true,
    subtree: true,
  });
  poll();
  setInterval(poll, POLL_MS);
}
