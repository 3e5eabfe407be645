package dev.conveyor.cli.client;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns what a command throws into one line on standard error and exit code 1: the AWS error type and message for
 * an API error, where the server was expected when it cannot be reached, the message of a {@link CommandFailure}.
 * Stack traces are for bugs, and even then the one line says what broke.
 */
public final class FailurePrinter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("conveyor: " + describe(exception, endpointOf(commandLine)));
        commandLine.getErr().flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    static String describe(Throwable exception, String endpoint) {
        if (exception instanceof CommandFailure failure) {
            return failure.getMessage();
        }
        if (exception instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails().errorMessage();
            return (code == null ? "HTTP " + service.statusCode() : code) + ": " + (message == null ? "(no message)" : message);
        }
        if (exception instanceof InterruptedException) {
            return "interrupted";
        }
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return "cannot reach Conveyor at " + endpoint + " (" + cause.getClass().getSimpleName()
                        + "): is `bin/conveyor server` running there? --endpoint or CONVEYOR_ENDPOINT say where it is";
            }
            if (cause instanceof UnknownHostException) {
                return "cannot reach Conveyor at " + endpoint + ": unknown host " + cause.getMessage();
            }
        }
        if (exception instanceof ActionLogs.ActionLogException logs) {
            return logs.getMessage() + " (from " + endpoint + ")";
        }
        if (exception instanceof SdkClientException client) {
            return "the request to " + endpoint + " failed: " + client.getMessage();
        }
        return "unexpected " + exception;
    }

    private static String endpointOf(CommandLine commandLine) {
        for (Object mixin : commandLine.getMixins().values()) {
            if (mixin instanceof ClientOptions options) {
                try {
                    return options.endpoint().toString();
                } catch (CommandFailure invalid) {
                    return options.endpoint;
                }
            }
        }
        return "the endpoint";
    }
}
