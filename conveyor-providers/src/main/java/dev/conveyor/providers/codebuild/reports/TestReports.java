package dev.conveyor.providers.codebuild.reports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Reads the files of one report in their declared format into a {@link TestReport}. */
public final class TestReports {
    private static final Map<String, ReportFormat> FORMATS = Map.of(
            "JUNITXML", new JUnitXml(),
            "TESTNGXML", new TestNgXml(),
            "NUNITXML", new NUnitXml(),
            "NUNIT3XML", new NUnitXml(),
            "VISUALSTUDIOTRX", new TrxXml(),
            "CUCUMBERJSON", new CucumberJson());

    private TestReports() {
    }

    /** Whether the format holds test results (the others are code coverage formats). */
    public static boolean isTestFormat(String format) {
        return FORMATS.containsKey(format);
    }

    /**
     * Reads {@code files} (relative to {@code base}) as {@code format}. A file that cannot be read is named in the
     * report's problems and the others are still read.
     *
     * @param rawDataPath how each file is named in its test cases (relative to the source directory)
     */
    public static TestReport read(String group, String format, Path base, List<String> files, UnaryOperator<String> rawDataPath,
                                  int maxCases) {
        ReportFormat reader = FORMATS.get(format);
        if (reader == null) {
            throw new IllegalArgumentException("not a test report format: " + format);
        }
        TestReport.Builder report = new TestReport.Builder(group, format, maxCases);
        for (String file : files) {
            try (InputStream in = Files.newInputStream(base.resolve(file))) {
                reader.read(in, rawDataPath.apply(file), report::add);
            } catch (ReportFileException e) {
                report.problem(rawDataPath.apply(file) + ": " + e.getMessage());
            } catch (IOException e) {
                report.problem(rawDataPath.apply(file) + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        return report.build();
    }

    /** A report none of whose files could be read, for the reason given. */
    public static TestReport unreadable(String group, String format, String problem) {
        TestReport.Builder report = new TestReport.Builder(group, format, 0);
        report.problem(problem);
        return report.build();
    }
}
