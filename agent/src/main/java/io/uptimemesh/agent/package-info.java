/**
 * The node agent ({@code uptimemesh agent}): reconcile loop, control-plane client with failover,
 * degraded mode and local status. Agents never talk to etcd; the build enforces that this module
 * cannot depend on {@code uptimemesh-etcd} or jetcd. Built by the agent issue.
 */
package io.uptimemesh.agent;
