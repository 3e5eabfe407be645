/**
 * The server's secret store, where PARAMETER_STORE and SECRETS_MANAGER build variables are read from: values
 * encrypted with AES-GCM under data keys of the server's keyring, one namespace served as two AWS APIs (the SSM
 * parameter and Secrets Manager subsets the AWS CLI and {@code conveyor secrets} use). Values leave it only to a
 * build that names them, and are never logged.
 */
package dev.conveyor.server.secrets;
