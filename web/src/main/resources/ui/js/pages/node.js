// Node detail (#/nodes/ID): identity, status, its WireGuard paths and peers with the handshake
// state (ages computed here: the reported status holds only stable values), its endpoints, its
// replicas and its events. Live: the nodes topic (node, status, liveness keys) reloads it, new
// events about the node reload its events.

import { get } from '../api.js';
import { h, replace, table, ago, until, when, errorBox } from '../dom.js';
import { onTopic, onClusterEvent } from '../live.js';
import { sideCell } from '../paths.js';
import { eventRow, EVENT_HEADERS } from './events.js';

const EVENTS = 50;

export function render(root, nodeId) {
  const title = h('h1', {}, 'Node ', nodeId);
  const message = h('div', { id: 'node-message' });
  const identity = h('div.card', { id: 'node-identity' });
  const status = h('div.card', { id: 'node-status' });
  const paths = h('div', { id: 'node-paths' });
  const endpoints = h('div', { id: 'node-endpoints' });
  const replicas = h('div', { id: 'node-replicas' });
  const events = h('div', { id: 'node-events' });
  replace(root, h('p', {}, h('a', { href: '#/nodes' }, '← All nodes')), title, message,
    h('div.columns', {}, identity, status),
    h('h2', {}, 'Paths and peers'), paths,
    h('h2', {}, 'Endpoints'), endpoints,
    h('h2', {}, 'Replicas'), replicas,
    h('h2', {}, 'Events'), events);
  const q = encodeURIComponent(nodeId);
  let node = null;
  let names = {};

  const draw = () => {
    replace(title, 'Node ', node.name);
    replace(identity, h('h2', {}, 'Identity'), facts([
      ['Node id', node.node_id],
      ['Name', node.name],
      ['Role', node.role],
      ['Labels', h('span.labels', {}, Object.entries(node.labels || {}).map(([k, v]) => h('span.label', {}, k + '=' + v)))],
      ['Mesh address', node.mesh_ip || '—'],
      ['API endpoint', node.api_endpoint || '—'],
      ['Certificate', (node.cert_fingerprint || '—')],
      ['Certificate expiry', when(node.cert_not_after_ms) + ' (' + until(node.cert_not_after_ms) + ')'],
      ['Joined', when(node.joined_at_ms)],
      ['WireGuard primary', wg(node.wireguard, 'primary')],
      ['WireGuard secondary', wg(node.wireguard, 'secondary')],
      ['WireGuard key generation', node.wireguard ? String(node.wireguard.key_generation) : '—'],
    ]));
    const st = node.status || {};
    const w = st.wireguard || {};
    replace(status, h('h2', {}, 'Status'), facts([
      ['State', h('span.badge.' + node.state, { id: 'node-state' }, node.state)],
      ['Last heartbeat', ago(node.last_heartbeat_ms)],
      ['Scheduling', scheduling(node.scheduling)],
      ['Status reported', node.reported_at_ms ? ago(node.reported_at_ms) : 'never'],
      ['Degraded', w.degraded ? 'yes: no core node reachable' : 'no'],
      ['Desired revision applied', w.desired_revision_applied == null ? '—' : String(w.desired_revision_applied)],
      ['Peers on primary / secondary', w.peers == null ? '—' : w.peers_on_primary + ' / ' + w.peers_on_secondary],
      ['Failovers / failbacks', w.peers == null ? '—' : w.failovers + ' / ' + w.failbacks],
    ]));
    const list = w.paths || [];
    replace(paths, list.length ? table(
      ['Peer', 'Active path', 'Primary', 'Secondary', 'Failovers', 'Failbacks', 'Last switch'],
      list.map((p) => h('tr', { 'data-peer': p.peer, 'data-active': p.active },
        h('td', {}, h('a', { href: '#/nodes/' + encodeURIComponent(p.peer) }, names[p.peer] || p.peer)),
        h('td', {}, h('span.badge.path-' + (p.active === 'primary' ? 'up' : 'secondary'), { 'data-field': 'active' }, p.active)),
        h('td', { 'data-path': 'primary' }, sideCell(p.primary)),
        h('td', { 'data-path': 'secondary' }, sideCell(p.secondary)),
        h('td', {}, String(p.failovers)),
        h('td', {}, String(p.failbacks)),
        h('td', {}, p.last_switch ? ago(Date.parse(p.last_switch)) : 'never')))) :
      h('p.muted', {}, 'The node has reported no peer yet.'));
  };

  const loadNode = async () => {
    try {
      const [n, mesh] = await Promise.all([get('/api/v1/nodes/' + q), get('/api/v1/mesh/paths').catch(() => null)]);
      node = n;
      if (mesh) names = Object.fromEntries(mesh.nodes.map((x) => [x.node_id, x.name]));
      replace(message);
      draw();
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const loadRest = async () => {
    const [eps, reps] = await Promise.all([
      get('/api/v1/endpoints?node=' + q).catch((e) => e),
      get('/api/v1/replicas?node=' + q).catch((e) => e),
    ]);
    replace(endpoints, eps instanceof Error ? errorBox(eps) : eps.endpoints.length ? table(
      ['Endpoint', 'Service', 'Address', 'State', 'Reason'],
      eps.endpoints.map((e) => h('tr', { 'data-endpoint-id': e.id, 'data-state': e.state },
        h('td', {}, e.id), h('td', {}, e.service),
        h('td', {}, (e.address || '—') + ':' + e.port + '/' + e.protocol),
        h('td', {}, h('span.badge.' + e.state, {}, e.state)),
        h('td', {}, e.reason || '—')))) : h('p.muted', {}, 'No endpoint on this node.'));
    replace(replicas, reps instanceof Error ? errorBox(reps) : reps.replicas.length ? table(
      ['Replica', 'Service', 'Generation (desired / running)', 'State', 'Health'],
      reps.replicas.map((r) => h('tr', { 'data-replica-id': r.id, 'data-state': r.state },
        h('td', {}, r.id), h('td', {}, r.service),
        h('td', {}, r.generation + ' / ' + (r.running_generation == null ? '—' : r.running_generation)),
        h('td', {}, h('span.badge.' + r.state, {}, r.state)),
        h('td', {}, h('span.badge.' + r.health, {}, r.health))))) : h('p.muted', {}, 'No replica on this node.'));
  };

  const loadEvents = async () => {
    try {
      const ev = await get('/api/v1/events?node=' + q + '&limit=' + EVENTS);
      replace(events, ev.events.length ? table(EVENT_HEADERS, ev.events.map(eventRow)) : h('p.muted', {}, 'No events about this node.'));
    } catch (e) {
      replace(events, errorBox(e));
    }
  };

  const about = (ev) => ev.actor === 'node:' + nodeId ||
    (ev.fields && (ev.fields.node_id === nodeId || ev.fields.peer_id === nodeId));

  const offs = [
    onTopic('nodes', loadNode),
    onClusterEvent((ev) => {
      if (about(ev)) loadEvents();
    }),
  ];
  const tick = setInterval(() => node && draw(), 5000); // ages move on without a change in etcd
  loadNode();
  loadRest();
  loadEvents();
  return () => {
    offs.forEach((off) => off());
    clearInterval(tick);
  };
}

function facts(rows) {
  return h('table.facts', {}, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

function wg(reg, path) {
  if (!reg) return '—';
  const key = reg[path + '_public_key'];
  const endpoint = reg[path + '_endpoint'];
  if (!key) return '—';
  return h('span', {}, h('span.label', {}, key), ' ', endpoint || 'no endpoint');
}

function scheduling(s) {
  s = s || {};
  if (s.draining) return 'draining';
  if (s.cordoned) return 'cordoned';
  return 'schedulable';
}
