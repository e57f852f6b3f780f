// Join tokens: create one (its secret is shown once, with the command that joins with it), list
// them (never the secret), revoke one.

import { get, post, del } from '../api.js';
import { h, replace, table, when, errorBox } from '../dom.js';
import { onTopic } from '../live.js';

export function render(root) {
  const role = h('select', { id: 'token-role' }, h('option', { value: 'worker' }, 'worker'), h('option', { value: 'core' }, 'core'));
  const ttl = h('input', { id: 'token-ttl', type: 'number', min: 1, value: 30 });
  const uses = h('input', { id: 'token-uses', type: 'number', min: 1, value: 1 });
  const labels = h('input', { id: 'token-labels', placeholder: 'zone=a, rack=3' });
  const created = h('div', { id: 'token-created' });
  const message = h('div', { id: 'tokens-message' });
  const list = h('div', { id: 'tokens-table' });
  const form = h('form.card.inline', { id: 'token-form' },
    h('label', {}, 'Role', role),
    h('label', {}, 'Valid for (minutes)', ttl),
    h('label', {}, 'Uses', uses),
    h('label', {}, 'Labels', labels),
    h('button', { type: 'submit', id: 'token-create', 'data-write': true }, 'Create token'));
  replace(root, h('h1', {}, 'Join tokens'), form, created, message, list);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(message);
    try {
      const t = await post('/api/v1/tokens', {
        role: role.value,
        ttl_seconds: Number(ttl.value) * 60,
        uses: Number(uses.value),
        labels: parseLabels(labels.value),
      });
      replace(created, h('div.card.once', {},
        h('p', {}, 'Token ', h('strong', {}, t.id), ' created. It is shown only now: copy it.'),
        h('pre', { id: 'token-secret' }, t.token),
        h('p', {}, 'On the joining machine:'),
        h('pre', { id: 'join-command' }, joinCommand(t))));
      load();
    } catch (err) {
      replace(message, errorBox(err));
    }
  });

  const load = async () => {
    try {
      const tokens = (await get('/api/v1/tokens')).tokens;
      replace(list, tokens.length ? table(
        ['Id', 'Role', 'Uses left', 'Expires', 'Labels', 'Created by', ''],
        tokens.map((t) => h('tr', { 'data-token-id': t.id },
          h('td', {}, t.id),
          h('td', {}, t.role),
          h('td', {}, String(t.uses_left)),
          h('td', {}, when(t.expires_at_ms)),
          h('td.labels', {}, Object.entries(t.labels || {}).map(([k, v]) => h('span.label', {}, k + '=' + v))),
          h('td', {}, t.created_by),
          h('td', {}, h('button.danger', { type: 'button', 'data-write': true, 'data-action': 'revoke', onclick: () => revoke(t) }, 'Revoke')))),
      ) : h('p.muted', {}, 'No join tokens.'));
    } catch (err) {
      replace(message, errorBox(err));
    }
  };

  const revoke = (t) => {
    replace(message, h('div.card.confirm', { role: 'dialog' },
      h('p', {}, 'Revoke token ', h('strong', {}, t.id), '? Nodes can no longer join with it.'),
      h('button.danger', {
        type: 'button', id: 'confirm-yes', 'data-write': true,
        onclick: async () => {
          replace(message);
          try {
            await del('/api/v1/tokens/' + encodeURIComponent(t.id));
          } catch (err) {
            replace(message, errorBox(err));
          }
          load();
        },
      }, 'Yes, revoke'),
      h('button', { type: 'button', id: 'confirm-no', onclick: () => replace(message) }, 'Cancel')));
  };

  const off = onTopic('tokens', load);
  load();
  return off;
}

function parseLabels(text) {
  const out = {};
  text.split(',').map((s) => s.trim()).filter(Boolean).forEach((pair) => {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  });
  return out;
}

function joinCommand(t) {
  const api = location.origin;
  if (t.role === 'core') {
    return './install.sh --join ' + api + ' --token ' + t.token;
  }
  return 'bin/uptimemesh join --api-url ' + api + ' --token ' + t.token + ' --node-id NODE_ID --name NAME';
}
