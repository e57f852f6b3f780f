// Nodes: liveness, roles, mesh address, last heartbeat, certificate expiry, the WireGuard path in
// use (from the node's last reported status), scheduling; and the actions, each confirmed first.

import { get, post } from '../api.js';
import { h, replace, table, ago, until, errorBox } from '../dom.js';
import { onTopic } from '../live.js';

const ACTIONS = [
  { name: 'cordon', label: 'Cordon', path: (id) => '/api/v1/nodes/' + id + '/cordon', show: (n) => !n.scheduling.cordoned },
  { name: 'uncordon', label: 'Uncordon', path: (id) => '/api/v1/nodes/' + id + '/uncordon', show: (n) => n.scheduling.cordoned },
  { name: 'drain', label: 'Drain', path: (id) => '/api/v1/nodes/' + id + '/drain', show: (n) => !n.scheduling.draining },
  { name: 'rotate', label: 'Rotate WireGuard keys', path: (id) => '/api/v1/nodes/' + id + '/rotate-wg-keys', show: () => true },
  { name: 'revoke', label: 'Revoke', path: (id) => '/api/v1/nodes/' + id + '/revoke', show: () => true, danger: true },
];

export function render(root) {
  const list = h('div', { id: 'nodes-table' });
  const message = h('div', { id: 'nodes-message' });
  const confirmBox = h('div', { id: 'confirm-box' });
  replace(root, h('h1', {}, 'Nodes'), message, confirmBox, list);
  let nodes = [];

  const draw = () => {
    if (!nodes.length) {
      replace(list, h('p.muted', {}, 'No node has joined yet: create a join token.'));
      return;
    }
    replace(list, table(
      ['Node', 'State', 'Role', 'Labels', 'Mesh address', 'Last heartbeat', 'Certificate', 'WireGuard path', 'Scheduling', ''],
      nodes.map((n) => h('tr', { 'data-node-id': n.node_id, 'data-state': n.state },
        h('td', {}, h('a', { href: '#/nodes/' + encodeURIComponent(n.node_id), 'data-node-link': n.node_id }, h('strong', {}, n.name)),
          h('div.muted', {}, n.node_id)),
        h('td', {}, h('span.badge.' + n.state, { 'data-field': 'state' }, n.state)),
        h('td', {}, n.role),
        h('td.labels', {}, Object.entries(n.labels || {}).map(([k, v]) => h('span.label', {}, k + '=' + v))),
        h('td', {}, n.mesh_ip || '—'),
        h('td', {}, ago(n.last_heartbeat_ms)),
        h('td', {}, until(n.cert_not_after_ms)),
        h('td', {}, pathOf(n)),
        h('td', {}, schedulingOf(n)),
        h('td.actions', {}, n.state === 'revoked' ? null : ACTIONS.filter((a) => a.show(n)).map((a) =>
          h('button' + (a.danger ? '.danger' : ''), {
            type: 'button', 'data-write': true, 'data-action': a.name,
            onclick: () => ask(n, a),
          }, a.label)))))));
  };

  const ask = (node, action) => {
    replace(confirmBox, h('div.card.confirm', { role: 'dialog' },
      h('p', {}, action.label + ' ', h('strong', {}, node.name), ' (' + node.node_id + ')?'),
      h('button' + (action.danger ? '.danger' : ''), {
        type: 'button', id: 'confirm-yes', 'data-write': true,
        onclick: async () => {
          replace(confirmBox);
          try {
            await post(action.path(encodeURIComponent(node.node_id)));
            replace(message, h('p.ok', {}, action.label + ': done for ' + node.name + '.'));
          } catch (e) {
            replace(message, errorBox(e));
          }
          load();
        },
      }, 'Yes, ' + action.label.toLowerCase()),
      h('button', { type: 'button', id: 'confirm-no', onclick: () => replace(confirmBox) }, 'Cancel')));
  };

  const load = async () => {
    try {
      nodes = (await get('/api/v1/nodes')).nodes;
      draw();
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const off = onTopic('nodes', load);
  const tick = setInterval(draw, 5000); // heartbeat ages move on without a change in etcd
  load();
  return () => {
    off();
    clearInterval(tick);
  };
}

function pathOf(n) {
  const wg = n.reported_wireguard;
  if (!wg || !wg.peers) return '—';
  if (!wg.peers_on_secondary) return 'primary';
  return 'secondary for ' + wg.peers_on_secondary + ' of ' + wg.peers + ' peers';
}

function schedulingOf(n) {
  const s = n.scheduling || {};
  if (s.draining) return 'draining';
  if (s.cordoned) return 'cordoned';
  return 'schedulable';
}
