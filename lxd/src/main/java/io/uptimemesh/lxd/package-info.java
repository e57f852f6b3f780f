/**
 * The LXD REST client over its unix socket: containers, snapshots, asynchronous operations and
 * images. Depends only on {@code core}. Built by the LXD workloads issue.
 */
package io.uptimemesh.lxd;
