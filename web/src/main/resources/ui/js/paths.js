// The WireGuard paths as the agents report them (wireguard.paths of a node's status, or a link of
// /api/v1/mesh/paths): each path has a state (up, down, unknown) and a handshake that is fresh
// (within WireGuard's 180 s session), stale (with the time of the latest one) or none. The status
// carries no ages (it is written only when it changes), so ages are computed here.

import { h, ago } from './dom.js';

/** "fresh", "stale: 7 min ago", "never", "—" for one path of a peer. */
export function handshakeText(side) {
  if (!side) return '—';
  if (side.handshake === 'fresh') return 'fresh (under 3 min)';
  if (side.handshake === 'stale') return 'stale: ' + ago(Date.parse(side.handshake_at));
  if (side.handshake === 'none') return 'never';
  return '—';
}

/** A path's state badge and its handshake. */
export function sideCell(side) {
  const state = (side && side.state) || 'unknown';
  return h('span', {}, h('span.badge.path-' + state, { 'data-field': 'state' }, state), ' ',
    h('span.muted', { 'data-field': 'handshake' }, handshakeText(side)));
}

/**
 * One link's colour from the reports of its two ends (either may be missing):
 * "down" both paths down, "secondary" traffic on the secondary, "primary" on an up primary,
 * "unknown" nothing reported (or not probed yet).
 */
export function linkState(reports) {
  const rs = reports.filter(Boolean);
  if (!rs.length) return 'unknown';
  if (rs.some((r) => r.primary.state === 'down' && r.secondary.state === 'down')) return 'down';
  if (rs.some((r) => r.active === 'secondary')) return 'secondary';
  if (rs.every((r) => r.active === 'primary' && r.primary.state === 'up')) return 'primary';
  return 'unknown';
}

export const LINK_LEGEND = [
  ['primary', 'on the primary path, up'],
  ['secondary', 'failed over: on the secondary path'],
  ['down', 'both paths down'],
  ['unknown', 'not reported'],
];
