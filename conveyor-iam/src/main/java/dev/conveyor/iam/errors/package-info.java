/**
 * The errors of the IAM and STS APIs, one class per error shape of botocore's iam and sts models, each carrying the
 * wire code the Query protocol answers with ({@code <Code>NoSuchEntity</Code>}) and the offending member when
 * there is one. Only the api package turns them into XML.
 */
package dev.conveyor.iam.errors;
