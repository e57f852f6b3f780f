import { get } from '../api.js';
import { h, replace, table, errorBox } from '../dom.js';
import { guardState, onGuard } from '../guard.js';
import { onTopic, onClusterEvent } from '../live.js';
import { eventRow, EVENT_HEADERS } from './events.js';

const RECENT = 10;

export function render(root) {
  const cards = h('div.cards', { id: 'overview-cards' });
  const recent = h('div', { id: 'recent-events' });
  replace(root, h('h1', {}, 'Overview'), cards, h('h2', {}, 'Recent events'), recent);
  let nodes = null;
  let leader = null;
  let etcd = null;
  let error = null;
  let events = [];
  let failovers = '…';

  const draw = () => {
    const alive = nodes ? nodes.filter((n) => n.state === 'alive').length : '…';
    const total = nodes ? nodes.filter((n) => n.state !== 'revoked').length : '…';
    const guard = guardState();
    replace(cards,
      card('Nodes alive', h('span', { id: 'nodes-alive' }, alive + ' / ' + total)),
      card('etcd', h('span.badge.' + (etcd || guard.status), { id: 'etcd-status' }, etcd || guard.status)),
      card('Write guard', h('span', { id: 'write-guard' }, guard.writable ? 'accepting writes' : 'refusing writes')),
      card('Leader', h('span', { id: 'leader' }, leader && leader.elected ? leader.name : 'none elected')),
      card('Failovers today', h('span', { id: 'failovers-today' }, String(failovers))),
      error ? errorBox(error) : null);
    replace(recent, events.length ? table(EVENT_HEADERS, events.map(eventRow)) : h('p.muted', {}, 'No events yet.'));
  };

  const load = async () => {
    try {
      const [n, l, ev] = await Promise.all([
        get('/api/v1/nodes'),
        get('/api/v1/cluster/leader').catch(() => null),
        get('/api/v1/events?limit=' + RECENT),
      ]);
      nodes = n.nodes;
      leader = l;
      events = ev.events;
      error = null;
    } catch (e) {
      error = e;
    }
    try {
      const r = await fetch('/health/ready');
      etcd = (await r.json()).etcd.status;
    } catch (e) {
      etcd = null;
    }
    await countFailovers();
  };

  // WireGuard path failovers since the browser's local midnight: a count, not a listing.
  const countFailovers = async () => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    try {
      failovers = (await get('/api/v1/events/count?name=path_failover&since=' + midnight.getTime())).count;
    } catch (e) {
      failovers = '—';
    }
    draw();
  };

  const offs = [
    onTopic('nodes', load),
    onGuard(load),
    onClusterEvent((ev) => {
      events = [ev, ...events].slice(0, RECENT);
      draw();
      if (ev.name === 'path_failover') countFailovers();
    }),
  ];
  load();
  return () => offs.forEach((off) => off());
}

function card(title, value) {
  return h('div.card', {}, h('div.card-title', {}, title), h('div.card-value', {}, value));
}

