/**
 * Who a request comes from: SigV4 credential scopes and the authenticator the router consults before any API.
 * Signature verification plugs in here without touching the APIs.
 */
package dev.conveyor.server.auth;
