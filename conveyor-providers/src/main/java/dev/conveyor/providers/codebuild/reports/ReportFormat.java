package dev.conveyor.providers.codebuild.reports;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** A test report file format: reads one file and hands each test case to {@code sink}. */
interface ReportFormat {
    /** @param rawDataPath the file's path as reported (relative to the source directory) */
    void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws IOException, ReportFileException;
}
