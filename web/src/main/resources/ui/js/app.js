// The console's shell: who is logged in, the forced password change, the navigation and the page
// router (#/name). Each page is a module exporting render(root) that may return a cleanup function
// (to drop its live subscriptions when another page is shown).

import { api, setCsrf } from './api.js';
import { h, replace } from './dom.js';
import { startGuard } from './guard.js';
import { startLive, stopLive } from './live.js';
import * as login from './pages/login.js';
import * as password from './pages/password.js';
import * as overview from './pages/overview.js';
import * as nodes from './pages/nodes.js';
import * as tokens from './pages/tokens.js';
import * as events from './pages/events.js';
import * as settings from './pages/settings.js';
import * as workloads from './pages/workloads.js';
import * as discovery from './pages/discovery.js';
import * as controlPlane from './pages/controlplane.js';
import * as network from './pages/network.js';
import * as nodeDetail from './pages/node.js';

// The pages, in the navigation's order: a module in pages/ and a line here each.
const PAGES = [
  { path: 'overview', title: 'Overview', page: overview },
  { path: 'nodes', title: 'Nodes', page: nodes },
  { path: 'tokens', title: 'Join tokens', page: tokens },
  { path: 'events', title: 'Events', page: events },
  { path: 'settings', title: 'Settings', page: settings },
  { path: 'workloads', title: 'Workloads', page: workloads },
  { path: 'discovery', title: 'Discovery', page: discovery },
  { path: 'network', title: 'Network', page: network },
  { path: 'control-plane', title: 'Control plane', page: controlPlane },
];

// Pages under another page's navigation item, with an argument: #/nodes/ID is a node's detail.
const SUBPAGES = [
  { prefix: 'nodes/', parent: 'nodes', name: 'node', title: 'Node', page: nodeDetail },
];

const app = document.getElementById('app');
let session = null;
let cleanup = null;

function currentPath() {
  const p = location.hash.replace(/^#\/?/, '');
  if (SUBPAGES.some((s) => p.startsWith(s.prefix) && p.length > s.prefix.length)) return p;
  return PAGES.some((x) => x.path === p) ? p : 'overview';
}

async function loadSession() {
  try {
    session = await api('GET', '/api/v1/auth/session');
    setCsrf(session.csrf_token);
  } catch (e) {
    session = null;
    setCsrf(null);
  }
}

function show(render) {
  if (cleanup) cleanup();
  cleanup = null;
  const out = render();
  if (typeof out === 'function') cleanup = out;
}

async function route() {
  if (!session) {
    stopLive();
    show(() => login.render(app, { onLoggedIn }));
    return;
  }
  if (session.must_change_password) {
    stopLive();
    show(() => password.render(app, { forced: true, username: session.username, onChanged: refresh, onLogout: logout }));
    return;
  }
  const path = currentPath();
  const sub = SUBPAGES.find((s) => path.startsWith(s.prefix));
  const entry = sub
    ? { path: sub.parent, name: sub.name, title: sub.title, page: sub.page, arg: decodeURIComponent(path.slice(sub.prefix.length)) }
    : PAGES.find((x) => x.path === path);
  const main = h('main', { id: 'page', 'data-page': entry.name || path });
  replace(
    app,
    h('header.top', {},
      h('span.brand', {}, 'UptimeMesh'),
      h('nav', {}, PAGES.map((p) =>
        h('a' + (p.path === entry.path ? '.active' : ''), { href: '#/' + p.path, id: 'nav-' + p.path }, p.title))),
      h('span.user', {}, session.username),
      h('button.link', { id: 'logout', type: 'button', onclick: logout }, 'Log out')),
    main);
  document.title = entry.title + ' · UptimeMesh';
  show(() => entry.page.render(main, entry.arg));
}

async function onLoggedIn(s) {
  session = s;
  setCsrf(s.csrf_token);
  if (!s.must_change_password) startLive();
  await route();
}

async function refresh() {
  await loadSession();
  if (session && !session.must_change_password) startLive();
  await route();
}

async function logout() {
  try {
    await api('DELETE', '/api/v1/auth/session');
  } catch (e) {
    // The cookie is gone or the session expired: logged out either way.
  }
  session = null;
  setCsrf(null);
  stopLive();
  location.hash = '';
  await route();
}

window.addEventListener('hashchange', route);
window.addEventListener('um-logged-out', async () => {
  session = null;
  await route();
});

startGuard();
refresh();
