// Control plane: the core nodes, the etcd members (leader, learner, version, db size, raft index),
// the core leader, etcd's alarms, and this core node's snapshots (take, download, restore).
// Live: the change stream's "control-plane" topic (core servers and the leader election keys)
// reloads core nodes and the leader; a snapshot finishing anywhere writes a "snapshot" event to the
// event log, which reloads the snapshot list (snapshots are files on a core node, not etcd keys).
// etcd's own status (db size, raft index, alarms, who leads raft) is in no etcd key, so no watch
// reports it: it is read again every SLOW_MS while the page is shown.

import { get, post } from '../api.js';
import { h, replace, table, when, errorBox } from '../dom.js';
import { onTopic, onClusterEvent } from '../live.js';

const SLOW_MS = 10000;

export function render(root) {
  const message = h('div', { id: 'cp-message' });
  const confirmBox = h('div', { id: 'confirm-box' });
  const leaderBox = h('div', { id: 'cp-leader' });
  const alarmsBox = h('div', { id: 'cp-alarms' });
  const coreBox = h('div', { id: 'core-members' });
  const etcdBox = h('div', { id: 'etcd-members' });
  const snapshotsBox = h('div', { id: 'snapshots-table' });
  const snapshotInfo = h('p.muted', { id: 'snapshots-info' });
  const take = h('button', { type: 'button', id: 'snapshot-take', 'data-write': true, onclick: () => askTake() },
    'Take snapshot');
  replace(root, h('h1', {}, 'Control plane'), message, confirmBox,
    h('div.cards', {}, h('div.card', {}, h('div.card-title', {}, 'Leader'), h('div.card-value', {}, leaderBox))),
    h('h2', {}, 'Alarms'), alarmsBox,
    h('h2', {}, 'Core nodes'), coreBox,
    h('h2', {}, 'etcd members'), etcdBox,
    h('h2', {}, 'Snapshots'), snapshotInfo, h('p', {}, take), snapshotsBox);

  // Each part redraws only when its data changed: a 10 s refresh must not replace a button under
  // the pointer. The confirmation (and what is typed in it) is never redrawn by a refresh.
  const drawn = {};
  const etcdShape = { managed: null, members: 0 };
  const once = (part, data, draw) => {
    const key = JSON.stringify(data);
    if (drawn[part] === key) return;
    drawn[part] = key;
    draw(data);
  };

  const ask = (content, button, run, { danger, check } = {}) => {
    const yes = h('button' + (danger ? '.danger' : ''), {
      type: 'button', id: 'confirm-yes', 'data-write': danger ? null : true,
      onclick: async () => {
        const problem = check ? check() : null;
        if (problem) {
          replace(confirmError, problem);
          return;
        }
        replace(confirmBox);
        try {
          replace(message, h('p.ok', {}, await run()));
        } catch (e) {
          replace(message, errorBox(e));
        }
        loadSnapshots();
      },
    }, button);
    const confirmError = h('p.error', { id: 'confirm-error', role: 'alert' });
    replace(confirmBox, h('div.card.confirm', { role: 'dialog' }, content, confirmError, yes,
      h('button', { type: 'button', id: 'confirm-no', onclick: () => replace(confirmBox) }, 'Cancel')));
  };

  const askTake = () => ask(
    h('p', {}, 'Take a snapshot of etcd now? It is written on the core node serving this page; the oldest beyond the retention are deleted.'),
    'Yes, take snapshot',
    async () => {
      const job = await post('/api/v1/snapshots');
      return 'Snapshot ' + job.id + ' started.';
    });

  const askRestore = (s) => {
    const typed = h('input', { id: 'restore-confirm-id', autocomplete: 'off', placeholder: s.id, size: 32 });
    ask(
      h('div', { id: 'restore-explained' },
        h('p', {}, h('strong', {}, 'Restore etcd from snapshot ' + s.id + '?')),
        h('p', {}, 'This core node stops its etcd, replaces etcd\'s data with the snapshot (revision ' +
          s.revision + ', taken ' + when(Date.parse(s.created_at)) + ') and starts etcd again. ' +
          'Every change made after the snapshot is lost: nodes, tokens, services and sessions go back to ' +
          'that moment. The previous data directory is kept beside the new one.'),
        h('p', {}, 'Only possible when this core node runs its own single-member etcd. With an external etcd ' +
          'or several members the server refuses, and the restore follows docs/snapshot-restore.md ' +
          '(uptimemesh snapshot-restore ID --local on every core node, servers stopped).'),
        verdict(),
        h('label', {}, 'Type the snapshot id to confirm: ', typed)),
      'Restore',
      async () => {
        const r = await post('/api/v1/snapshots/' + encodeURIComponent(s.id) + '/restore');
        return 'Restored snapshot ' + r.restored + ': etcd answers at revision ' + r.revision +
          '; previous data kept at ' + r.previous_data_dir + '.';
      },
      {
        danger: true,
        check: () => (typed.value.trim() === s.id ? null
          : 'The typed id does not match ' + s.id + ': nothing was restored.'),
      });
  };

  // What the server will do with a restore here, from what this page knows of etcd (the server
  // decides again; this only says it before the operator types the id).
  const verdict = () => {
    let text = null;
    if (etcdShape.managed === false) {
      text = 'This core node uses an external etcd (ETCD_ENDPOINTS): the server will refuse this restore.';
    } else if (etcdShape.members > 1) {
      text = 'This etcd cluster has ' + etcdShape.members + ' members: the server will refuse this restore.';
    }
    return text ? h('p.error', { id: 'restore-verdict' }, text) : null;
  };

  const drawLeader = (l) => replace(leaderBox,
    l && l.elected ? h('span', { id: 'cp-leader-name' }, l.name) : h('span', { id: 'cp-leader-name' }, 'none elected'));

  const drawAlarms = ({ alarms, names }) => {
    if (!alarms.length) {
      replace(alarmsBox, h('p.ok', { id: 'alarms-none' }, 'no alarms'));
      return;
    }
    replace(alarmsBox, h('div.alert-box', { id: 'alarms-active', role: 'alert' },
      h('strong', {}, alarms.length === 1 ? 'etcd raised an alarm' : 'etcd raised ' + alarms.length + ' alarms'),
      h('ul', {}, alarms.map((a) => h('li', { 'data-alarm': a.type },
        a.type + ' on member ' + (names[bare(a.member_id)] || '?') + ' (' + a.member_id + ')' + hint(a.type))))));
  };

  const drawCore = ({ members }) => replace(coreBox, members.length
    ? table(['Name', 'API', 'Version', 'Started', 'Leader', 'etcd member'],
      members.map((m) => h('tr', { 'data-core': m.name },
        h('td', {}, h('strong', {}, m.name)),
        h('td', {}, m.api_url),
        h('td', {}, m.version || '—'),
        h('td', {}, when(m.started_at_ms)),
        h('td', {}, m.leader ? h('span.badge.ok', {}, 'leader') : ''),
        h('td', {}, m.etcd_member ? m.etcd_member.name + ' (' + m.etcd_member.id + ')' : 'external etcd'))))
    : h('p.muted', {}, 'No core server has registered.'));

  const drawEtcd = (members) => replace(etcdBox, table(
    ['Name', 'ID', 'Peer URLs', 'Client URLs', 'Role', 'Health', 'Version', 'DB size', 'Raft index'],
    members.map((m) => h('tr', { 'data-member-id': m.id, 'data-leader': String(!!m.leader) },
      h('td', {}, h('strong', {}, m.name || '(not started)')),
      h('td', {}, m.id),
      h('td', {}, (m.peer_urls || []).join(' ')),
      h('td', {}, (m.client_urls || []).join(' ')),
      h('td', { 'data-field': 'role' },
        m.leader ? h('span.badge.ok', {}, 'leader') : null,
        m.learner ? h('span.badge.warning', {}, 'learner') : null,
        !m.leader && !m.learner ? 'follower' : null),
      h('td', {}, m.healthy ? h('span.badge.healthy', {}, 'healthy') : h('span.badge.unhealthy', { title: m.error || '' }, 'unhealthy'),
        m.error ? h('div.muted', {}, m.error) : null),
      h('td', {}, m.version || '—'),
      h('td', { 'data-field': 'db-size', 'data-bytes': String(m.db_size_bytes || 0) }, dbSize(m)),
      h('td', { 'data-field': 'raft-index' }, m.raft_index ? String(m.raft_index) : '—')))));

  const drawSnapshots = (list) => {
    replace(snapshotInfo, 'Snapshots are files on the core node serving this page (' + list.directory +
      ', the newest ' + list.retention + ' kept).');
    const rows = [
      ...list.jobs.map((j) => h('tr', { 'data-job-id': j.id, 'data-state': j.state },
        h('td', {}, j.id), h('td', {}, when(Date.parse(j.started_at))), h('td', {}, '—'), h('td', {}, '—'),
        h('td', {}, h('span.badge.' + j.state, {}, j.state), j.error ? h('div.muted', {}, j.error) : null),
        h('td', {}))),
      ...list.snapshots.map((s) => h('tr', { 'data-snapshot-id': s.id, 'data-size': String(s.size) },
        h('td', {}, h('strong', {}, s.id), h('div.muted', {}, 'sha256 ' + s.sha256)),
        h('td', {}, when(Date.parse(s.created_at))),
        h('td', {}, String(s.revision)),
        h('td', {}, human(s.size)),
        h('td', {}, h('span.badge.succeeded', {}, 'ready')),
        h('td.actions', {},
          h('a.download', { href: '/api/v1/snapshots/' + encodeURIComponent(s.id) + '/download', download: s.id + '.db' }, 'Download'),
          ' ',
          // Not data-write: a restore is what mends an etcd that refuses writes, and the server lets
          // it through the write guard for that reason.
          h('button.danger', { type: 'button', 'data-action': 'restore', onclick: () => askRestore(s) }, 'Restore')))),
    ];
    replace(snapshotsBox, rows.length
      ? table(['Snapshot', 'Taken at', 'Revision', 'Size', 'Status', ''], rows)
      : h('p.muted', { id: 'snapshots-none' }, 'No snapshot on this core node yet.'));
  };

  const loadCore = async () => {
    try {
      const [core, leader] = await Promise.all([get('/api/v1/cluster/members'), get('/api/v1/cluster/leader')]);
      once('core', { members: core.members, leader }, drawCore);
      once('leader', leader, drawLeader);
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const loadEtcd = async () => {
    try {
      const [members, status] = await Promise.all([get('/api/v1/etcd/members'), get('/api/v1/etcd/status')]);
      etcdShape.members = members.members.length;
      const list = [...members.members].sort((a, b) => (a.name || '').localeCompare(b.name || ''));
      once('etcd', list, drawEtcd);
      const names = {};
      list.forEach((m) => { names[bare(m.id)] = m.name; });
      once('alarms', { alarms: status.alarms || [], names }, drawAlarms);
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const loadShape = async () => {
    try {
      const r = await fetch('/health/ready', { headers: { Accept: 'application/json' } });
      etcdShape.managed = (await r.json()).etcd.managed;
    } catch (e) {
      etcdShape.managed = null; // unknown: the explanation above covers both cases
    }
  };

  const loadSnapshots = async () => {
    try {
      once('snapshots', await get('/api/v1/snapshots'), drawSnapshots);
    } catch (e) {
      replace(message, errorBox(e));
    }
  };

  const offs = [
    onTopic('control-plane', loadCore),
    onClusterEvent((ev) => {
      if (ev.category === 'snapshot') loadSnapshots();
    }),
  ];
  // Snapshots are not on this timer: a job's end is a "snapshot" event, which reloads them.
  const slow = setInterval(loadEtcd, SLOW_MS);
  loadCore();
  loadEtcd();
  loadShape();
  loadSnapshots();
  return () => {
    offs.forEach((off) => off());
    clearInterval(slow);
  };
}

function dbSize(m) {
  if (!m.db_size_bytes) return '—';
  return m.db_size_in_use_bytes
    ? human(m.db_size_bytes) + ' (' + human(m.db_size_in_use_bytes) + ' in use)'
    : human(m.db_size_bytes);
}

/** 1536 → "1.5 KiB". */
export function human(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}

// Member ids in hex: /etcd/members pads them to 16 digits, /etcd/status (alarms) does not.
function bare(hex) {
  return String(hex).toLowerCase().replace(/^0+(?=.)/, '');
}

function hint(type) {
  if (type === 'NOSPACE') return ': etcd refuses writes until space is freed (uptimemesh util compact) and the alarm is disarmed (etcdctl alarm disarm)';
  if (type === 'CORRUPT') return ': a member\'s data differs from the others; restore it from a snapshot';
  return '';
}
