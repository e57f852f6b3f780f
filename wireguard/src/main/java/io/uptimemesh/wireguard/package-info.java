/**
 * WireGuard: key generation, desired-versus-observed peer diff, the {@code wg}/{@code ip} backend,
 * path probes and the route-metric failover state machine. Depends only on {@code core}. Built by
 * the agent issue.
 */
package io.uptimemesh.wireguard;
