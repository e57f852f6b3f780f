// Events: the cluster's event log, live, with filters by category, level and text (applied to
// what is loaded: the last LIMIT events and everything that arrives after).

import { get } from '../api.js';
import { h, replace, table, when, errorBox } from '../dom.js';
import { onClusterEvent } from '../live.js';

const LIMIT = 200;
const CATEGORIES = ['node', 'token', 'auth', 'cluster', 'etcd', 'snapshot', 'discovery', 'workloads'];
const LEVELS = ['info', 'warning', 'error'];

export const EVENT_HEADERS = ['Time', 'Category', 'Event', 'Level', 'Actor', 'Details'];

export function eventRow(e) {
  return h('tr', { 'data-event': e.name, 'data-level': e.level },
    h('td', {}, when(e.time_ms)),
    h('td', {}, e.category),
    h('td', {}, e.name),
    h('td', {}, h('span.badge.' + e.level, {}, e.level)),
    h('td', {}, e.actor),
    h('td.fields', {}, Object.entries(e.fields || {}).map(([k, v]) => h('span.label', {}, k + '=' + v))));
}

export function render(root) {
  const category = h('select', { id: 'event-category' }, h('option', { value: '' }, 'all categories'),
    CATEGORIES.map((c) => h('option', { value: c }, c)));
  const level = h('select', { id: 'event-level' }, h('option', { value: '' }, 'all levels'),
    LEVELS.map((l) => h('option', { value: l }, l)));
  const text = h('input', { id: 'event-text', placeholder: 'filter text' });
  const list = h('div', { id: 'events-table' });
  const message = h('div');
  replace(root, h('h1', {}, 'Events'),
    h('div.card.inline', {}, category, level, text, h('span.live', {}, '● live')), message, list);
  let events = [];

  const matches = (e) =>
    (!category.value || e.category === category.value) &&
    (!level.value || e.level === level.value) &&
    (!text.value || JSON.stringify(e).toLowerCase().includes(text.value.toLowerCase()));

  const draw = () => {
    const shown = events.filter(matches);
    replace(list, shown.length ? table(EVENT_HEADERS, shown.map(eventRow)) : h('p.muted', {}, 'No events match.'));
  };
  [category, level].forEach((el) => el.addEventListener('change', draw));
  text.addEventListener('input', draw);

  const off = onClusterEvent((e) => {
    events = [e, ...events].slice(0, LIMIT);
    draw();
  });
  get('/api/v1/events?limit=' + LIMIT)
    .then((page) => {
      const seen = new Set(events.map((e) => e.id));
      events = [...events, ...page.events.filter((e) => !seen.has(e.id))];
      draw();
    })
    .catch((e) => replace(message, errorBox(e)));
  return off;
}
