package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec.ReportSpec;
import dev.conveyor.providers.codebuild.reports.TestReport;
import dev.conveyor.providers.codebuild.reports.TestReports;
import java.nio.file.Path;

/** Finds a buildspec report's files under the source directory and reads them into one report. */
final class TestReportReader {
    /** Test cases kept per report; beyond that they are counted but not stored (the report says it is truncated). */
    static final int MAX_CASES = 5000;

    private TestReportReader() {
    }

    /** The report, or null when no file matched or its format is a code coverage format (not read by this server). */
    static TestReport read(String group, ReportSpec spec, Path sourceDir, BuildLog log) {
        if (!TestReports.isTestFormat(spec.fileFormat())) {
            log.note("Report " + group + ": " + spec.fileFormat() + " is a code coverage format, which this server "
                    + "does not read; skipped");
            return null;
        }
        Path base;
        try {
            base = ArtifactStager.within(sourceDir, spec.baseDirectory(), "report " + group);
        } catch (BuildFailure e) {
            log.note("" + e.getMessage());
            return TestReports.unreadable(group, spec.fileFormat(), e.getMessage());
        }
        FileSelection selection = FileSelection.of(base, spec.files(), java.util.List.of());
        if (selection.files().isEmpty()) {
            log.note("Report " + group + ": no files match " + String.join(", ", spec.files()) + "; no report made");
            return null;
        }
        String prefix = FileSelection.relative(sourceDir, base);
        TestReport report = TestReports.read(group, spec.fileFormat(), base, selection.files(),
                file -> prefix.isEmpty() ? file : prefix + "/" + file, MAX_CASES);
        report.problems().forEach(p -> log.note("Report " + group + ": " + p));
        log.note("Report " + group + ": " + report.total() + " tests, " + report.count("SUCCEEDED") + " passed, "
                + report.failures() + " failed, " + report.count("SKIPPED") + " skipped");
        return report;
    }
}
