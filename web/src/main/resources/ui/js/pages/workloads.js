// Workloads: the services that run a workload (generation, rollout progress) and their replicas;
// rollout, rollback, replica restart / snapshot / restore, each confirmed first.
// Refresh: live, on the change stream's "workloads" topic (services, generations, replicas, their
// status and endpoint health, rollouts, node scheduling: see ChangeFeed); the cleanup unsubscribes.

import { get, post } from '../api.js';
import { h, replace, table, errorBox } from '../dom.js';
import { followTopic } from '../live.js';

export function render(root) {
  const message = h('div', { id: 'workloads-message' });
  const confirmBox = h('div', { id: 'confirm-box' });
  const services = h('div', { id: 'services-table' });
  const replicas = h('div', { id: 'replicas-table' });
  replace(root, h('h1', {}, 'Workloads'), message, confirmBox,
    h('h2', {}, 'Services'), services, h('h2', {}, 'Replicas'), replicas);
  // A reload redraws only the tables: an open confirmation (and what is typed in it) stays.

  const ask = (text, button, run, { input, danger } = {}) => {
    replace(confirmBox, h('div.card.confirm', { role: 'dialog' },
      h('p', {}, text),
      input ? h('label', {}, input.label, input.el) : null,
      h('button' + (danger ? '.danger' : ''), {
        type: 'button', id: 'confirm-yes', 'data-write': true,
        onclick: async () => {
          const value = input ? input.el.value.trim() : undefined;
          replace(confirmBox);
          try {
            replace(message, h('p.ok', {}, await run(value)));
          } catch (e) {
            replace(message, errorBox(e));
          }
          last = null;
          follow.reload();
        },
      }, button),
      h('button', { type: 'button', id: 'confirm-no', onclick: () => replace(confirmBox) }, 'Cancel')));
  };

  const rollout = (s) => ask(
    // The API starts again only a failed rollout of the current generation (409 otherwise, shown).
    'Start the rollout of service ' + s.name + ' to generation ' + s.generation + ' again?', 'Yes, roll out',
    async () => {
      const r = await post('/api/v1/services/' + encodeURIComponent(s.name) + '/rollout');
      return 'Rollout of ' + s.name + ': ' + r.state + ' (generation ' + r.to_generation + ').';
    });

  const rollback = (s) => {
    const to = h('input', { id: 'rollback-to', type: 'number', min: 1, placeholder: 'the one before' });
    ask('Roll back service ' + s.name + ' (now generation ' + s.generation + ')?', 'Yes, roll back',
      async (value) => {
        const body = value ? { to_generation: Number(value) } : {};
        const r = await post('/api/v1/services/' + encodeURIComponent(s.name) + '/rollback', body);
        return 'Rollback of ' + s.name + ': now generation ' + r.generation + ' (was ' + r.previous_generation + ').';
      }, { input: { label: 'To generation (empty: the one before)', el: to }, danger: true });
  };

  const command = (r, kind) => {
    const named = kind !== 'restart';
    const name = h('input', { id: 'snapshot-name', placeholder: 'snapshot name' });
    ask(kind[0].toUpperCase() + kind.slice(1) + ' replica ' + r.id + ' on ' + r.node_id + '?', 'Yes, ' + kind,
      async (value) => {
        const c = await post('/api/v1/replicas/' + encodeURIComponent(r.id) + '/' + kind, named ? { name: value } : {});
        return kind + ' of ' + r.id + ' sent (command ' + c.seq + ')' + (c.snapshot ? ', snapshot ' + c.snapshot : '') + '.';
      }, { input: named ? { label: 'Snapshot name', el: name } : null, danger: kind === 'restore' });
  };

  const drawServices = (list) => {
    if (!list.length) {
      replace(services, h('p.muted', {}, 'No service runs a workload: create one with `uptimemesh services create --file`.'));
      return;
    }
    replace(services, table(
      ['Service', 'Generation', 'Image', 'Replicas', 'Rollout', 'Steps', ''],
      list.map(({ s, r }) => h('tr', { 'data-service': s.name },
        h('td', {}, h('strong', {}, s.name), s.description ? h('div.muted', {}, s.description) : null),
        h('td', { 'data-field': 'generation' }, String(s.generation)),
        h('td', {}, s.workload.image),
        h('td', {}, String(s.workload.replicas)),
        h('td', { 'data-field': 'rollout' }, rolloutOf(r)),
        h('td', { 'data-field': 'steps' }, stepsOf(r)),
        h('td.actions', {},
          h('button', { type: 'button', 'data-write': true, 'data-action': 'rollout', onclick: () => rollout(s) }, 'Rollout'),
          h('button.danger', { type: 'button', 'data-write': true, 'data-action': 'rollback', onclick: () => rollback(s) }, 'Rollback'))))));
  };

  const drawReplicas = (list) => {
    if (!list.length) {
      replace(replicas, h('p.muted', {}, 'No replica placed yet: the scheduler places them on schedulable alive nodes.'));
      return;
    }
    replace(replicas, table(
      ['Replica', 'Service', 'Node', 'Generation (wanted / running)', 'State', 'Health', 'Error', ''],
      list.map((r) => h('tr', { 'data-replica-id': r.id, 'data-state': r.state },
        h('td', {}, r.id),
        h('td', {}, r.service),
        h('td', {}, r.node_id),
        h('td', {}, r.generation + ' / ' + (r.running_generation == null ? '—' : r.running_generation)),
        h('td', {}, h('span.badge.' + r.state, {}, r.state)),
        h('td', {}, h('span.badge.' + r.health, {}, r.health)),
        h('td', {}, [r.error, r.command_error].filter(Boolean).join('; ') || '—'),
        h('td.actions', {}, ['restart', 'snapshot', 'restore'].map((kind) =>
          h('button' + (kind === 'restore' ? '.danger' : ''), {
            type: 'button', 'data-write': true, 'data-action': kind, onclick: () => command(r, kind),
          }, kind[0].toUpperCase() + kind.slice(1))))))));
  };

  let last = null;
  const load = async () => {
    try {
      const all = (await get('/api/v1/services')).services.filter((s) => s.workload);
      const withRollouts = await Promise.all(all.map(async (s) => ({ s, r: await rolloutFor(s.name) })));
      const reps = (await get('/api/v1/replicas')).replicas;
      // Redraw only what changed: a reload must not replace the buttons under the operator's pointer.
      const seen = JSON.stringify([withRollouts, reps]);
      if (seen !== last) {
        last = seen;
        drawServices(withRollouts);
        drawReplicas(reps);
      }
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const follow = followTopic('workloads', load);
  return follow.stop;
}

/** The service's rollout, or null while it has none (the API answers 404 then). */
async function rolloutFor(name) {
  try {
    return await get('/api/v1/services/' + encodeURIComponent(name) + '/rollout');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

function rolloutOf(r) {
  if (!r) return h('span.muted', {}, 'no rollout yet');
  return h('span', {},
    h('span.badge.' + r.state, {}, r.state), ' ',
    (r.from_generation ? r.from_generation : '—') + ' → ' + r.to_generation,
    r.reason ? h('div.muted', {}, r.reason) : null);
}

function stepsOf(r) {
  if (!r) return '—';
  const steps = Object.values(r.steps || {});
  const done = steps.filter((s) => s.state === 'done').length;
  return done + ' / ' + steps.length;
}
