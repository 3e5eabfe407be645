/** HAProxy's runtime API (UNIX socket, admin level): the load balancer deployments drain, enable and weigh servers on. Never reloads. */
package dev.conveyor.deploy.haproxy;
