/**
 * The {@code Invoke/AWS/Lambda} pipeline action: its jobs, taken by the server's in-process job worker, become
 * invocations of the named function with CodePipeline's job event; the function reports with PutJobSuccessResult or
 * PutJobFailureResult like any job worker.
 */
package dev.conveyor.functions.invoke;
