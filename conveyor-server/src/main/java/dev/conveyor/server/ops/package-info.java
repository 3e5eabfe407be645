/**
 * Operating the server: Prometheus metrics ({@code /metrics}), liveness and readiness ({@code /healthz},
 * {@code /readyz}), and draining before a stop. Nothing here serves an AWS API or changes state.
 */
package dev.conveyor.server.ops;
