// Discovery: the zone's state (domain, serial, per-service endpoint counts, each endpoint's health
// and the reason for it) and the zone itself as the name servers serve it, as text.
// Refresh: live, on the change stream's "discovery" topic (services, endpoints, endpoint health,
// nodes, liveness and the name servers' status: see ChangeFeed); the cleanup unsubscribes.

import { get } from '../api.js';
import { h, replace, table, errorBox } from '../dom.js';
import { followTopic } from '../live.js';

export function render(root) {
  const message = h('div', { id: 'discovery-message' });
  const summary = h('div', { id: 'discovery-summary' });
  const services = h('div', { id: 'discovery-services' });
  const endpoints = h('div', { id: 'discovery-endpoints' });
  const zone = h('pre', { id: 'discovery-zone' }, '…');
  replace(root, h('h1', {}, 'Discovery'), message, summary,
    h('h2', {}, 'Services'), services, h('h2', {}, 'Endpoints'), endpoints,
    h('h2', {}, 'Zone'), zone);

  const drawStatus = (st) => {
    replace(summary, h('p.muted', {},
      'Domain ' + st.domain + ', serial ' + st.serial + ', TTL ' + st.ttl_seconds + ' s, ' +
      st.nodes_published + ' node(s) published, ' + st.servers.length + ' name server(s) reporting.'));
    replace(services, st.services.length ? table(
      ['Service', 'Endpoints', 'Healthy'],
      st.services.map((s) => h('tr', { 'data-service': s.name },
        h('td', {}, h('strong', {}, s.name), h('div.muted', {}, s.name + '.svc.' + st.domain)),
        h('td', {}, String(s.endpoints)),
        h('td', {}, String(s.healthy))))) : h('p.muted', {}, 'No service yet.'));
    replace(endpoints, st.endpoints.length ? table(
      ['Endpoint', 'Service', 'Node', 'Address', 'State', 'Reason'],
      st.endpoints.map((e) => h('tr', { 'data-endpoint-id': e.id, 'data-state': e.state },
        h('td', {}, e.id),
        h('td', {}, e.service),
        h('td', {}, e.node_id),
        h('td', {}, (e.address || '—') + ':' + e.port + '/' + e.protocol),
        h('td', {}, h('span.badge.' + e.state, {}, e.state)),
        h('td', {}, e.reason || '—')))) : h('p.muted', {}, 'No endpoint yet.'));
  };

  let last = null;
  const load = async () => {
    try {
      const st = await get('/api/v1/discovery/status');
      // Redraw only what changed (the serial moves with every change of the zone).
      const seen = JSON.stringify(st);
      if (seen !== last) {
        last = seen;
        drawStatus(st);
      }
      replace(message);
    } catch (e) {
      replace(message, errorBox(e));
    }
    try {
      zone.textContent = await zoneText();
    } catch (e) {
      // 409 when there is nothing to serve yet (no alive node, no configured name server).
      zone.textContent = 'No zone: ' + e.message;
    }
  };

  const follow = followTopic('discovery', load);
  return follow.stop;
}

/** The rendered zone is text/plain, not JSON: read it directly (a GET needs no CSRF token). */
async function zoneText() {
  const r = await fetch('/api/v1/discovery/zone', { credentials: 'same-origin', headers: { Accept: 'text/plain' } });
  if (!r.ok) {
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    throw new Error((body && body.message) || 'HTTP ' + r.status);
  }
  return r.text();
}
