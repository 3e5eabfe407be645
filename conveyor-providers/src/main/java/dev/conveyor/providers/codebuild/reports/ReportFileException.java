package dev.conveyor.providers.codebuild.reports;

/** A report file that is not in the format it was declared in; the message says where and why. */
public final class ReportFileException extends Exception {
    public ReportFileException(String message) {
        super(message, null, false, false);
    }
}
