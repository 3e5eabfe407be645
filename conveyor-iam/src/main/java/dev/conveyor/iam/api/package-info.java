/**
 * The IAM (2010-05-08) and STS (2011-06-15) API subsets over the AWS Query protocol: form parameters in,
 * XML in the service's namespace out, errors as {@code <ErrorResponse>}. Operations validate their input against
 * botocore's iam and sts shapes, then call the identity package; HTTP stays in the server.
 */
package dev.conveyor.iam.api;
