/**
 * The IAM module's entry points: {@link dev.conveyor.iam.IamServices} assembles identities, policies and the
 * IAM/STS APIs over a database and keyring; {@link dev.conveyor.iam.Authorizer} answers whether a principal may
 * perform an action on a resource; {@link dev.conveyor.iam.ResourceArns} names Conveyor's resources as policies
 * do. Nothing here speaks HTTP: the server routes requests in.
 */
package dev.conveyor.iam;
