/**
 * The LXD REST client over its unix socket: {@link io.uptimemesh.lxd.LxdClient} (containers,
 * snapshots, exec, projects), asynchronous operations waited on with deadlines ({@code
 * LxdOperations}), LXD errors mapped to {@code UptimeMeshException}s ({@link
 * io.uptimemesh.lxd.LxdErrors}), LXD's JSON read into records ({@link io.uptimemesh.lxd.LxdJson}).
 * Depends only on {@code core} (and Vert.x, Jackson).
 */
package io.uptimemesh.lxd;
