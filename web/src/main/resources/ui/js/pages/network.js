// Network: the mesh as a picture (the nodes on a circle, each link coloured by the state of its
// paths as the nodes at its ends report them) and the table of those reports. Live: the nodes
// topic covers the nodes' status keys, where the reports are.
// Drawn with createElementNS and attributes only; colours come from classes in app.css (the CSP
// refuses inline style attributes).

import { get } from '../api.js';
import { h, replace, table, ago, errorBox } from '../dom.js';
import { onTopic } from '../live.js';
import { sideCell, linkState, LINK_LEGEND } from '../paths.js';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 420;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** The key of an unordered pair of nodes, as data-link="a|b" (ids sorted). */
export function pairKey(a, b) {
  return a < b ? a + '|' + b : b + '|' + a;
}

export function render(root) {
  const message = h('div', { id: 'network-message' });
  const picture = h('div.card.mesh', { id: 'mesh-picture' });
  const paths = h('div', { id: 'paths-table' });
  replace(root, h('h1', {}, 'Network'), message, picture, h('h2', {}, 'Paths, as each node reports them'), paths);
  let mesh = null;

  const draw = () => {
    const nodes = mesh.nodes.filter((n) => n.state !== 'revoked');
    const names = Object.fromEntries(mesh.nodes.map((n) => [n.node_id, n.name]));
    const report = (from, to) => mesh.links.find((l) => l.from === from && l.to === to);
    const c = SIZE / 2;
    const r = nodes.length > 1 ? SIZE / 2 - 60 : 0;
    const at = nodes.map((n, i) => {
      const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      return { n, x: Math.round(c + r * Math.cos(a)), y: Math.round(c + r * Math.sin(a)) };
    });
    const svg = s('svg', { viewBox: '0 0 ' + SIZE + ' ' + SIZE, width: SIZE, height: SIZE, id: 'mesh-svg', role: 'img' },
      s('title', {}, 'The mesh: nodes and the state of their links'));
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const a = at[i].n.node_id;
        const b = at[j].n.node_id;
        const state = linkState([report(a, b), report(b, a)]);
        svg.appendChild(s('line', {
          class: 'link link-' + state, x1: at[i].x, y1: at[i].y, x2: at[j].x, y2: at[j].y,
          'data-link': pairKey(a, b), 'data-state': state,
        }, s('title', {}, names[a] + ' — ' + names[b] + ': ' + state)));
      }
    }
    for (const p of at) {
      svg.appendChild(s('g', { class: 'mesh-node node-' + p.n.state, 'data-node-id': p.n.node_id },
        s('circle', { cx: p.x, cy: p.y, r: 14 }),
        s('text', { x: p.x, y: p.y + 30, 'text-anchor': 'middle' }, p.n.name)));
    }
    const legend = h('ul.legend', { id: 'mesh-legend' }, LINK_LEGEND.map(([state, text]) =>
      h('li', {}, swatch(state), ' ' + text)));
    replace(picture, nodes.length ? svg : h('p.muted', {}, 'No node has joined yet.'), legend);

    replace(paths, mesh.links.length ? table(
      ['From', 'To', 'Active path', 'Primary', 'Secondary', 'Failovers', 'Failbacks', 'Last switch'],
      mesh.links.map((l) => h('tr', { 'data-from': l.from, 'data-to': l.to, 'data-active': l.active },
        h('td', {}, h('a', { href: '#/nodes/' + encodeURIComponent(l.from) }, names[l.from] || l.from)),
        h('td', {}, h('a', { href: '#/nodes/' + encodeURIComponent(l.to) }, names[l.to] || l.to)),
        h('td', {}, h('span.badge.path-' + (l.active === 'primary' ? 'up' : 'secondary'), { 'data-field': 'active' }, l.active)),
        h('td', {}, sideCell(l.primary)),
        h('td', {}, sideCell(l.secondary)),
        h('td', {}, String(l.failovers ?? 0)),
        h('td', {}, String(l.failbacks ?? 0)),
        h('td', {}, l.last_switch ? ago(Date.parse(l.last_switch)) : 'never')))) :
      h('p.muted', {}, 'No node has reported its paths yet.'));
  };

  const load = async () => {
    try {
      mesh = await get('/api/v1/mesh/paths');
      replace(message);
      draw();
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const off = onTopic('nodes', load);
  const tick = setInterval(() => mesh && draw(), 10000); // "stale: N min ago" moves on by itself
  load();
  return () => {
    off();
    clearInterval(tick);
  };
}

function swatch(state) {
  return s('svg', { width: 28, height: 10, class: 'swatch' },
    s('line', { class: 'link link-' + state, x1: 0, y1: 5, x2: 28, y2: 5 }));
}
