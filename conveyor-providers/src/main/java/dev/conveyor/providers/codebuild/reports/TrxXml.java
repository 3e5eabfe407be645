package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.time.Duration;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Visual Studio's TRX files (VISUALSTUDIOTRX), as {@code dotnet test --logger trx} writes them: one
 * {@code UnitTestResult} per test, with an outcome, a duration ({@code hh:mm:ss.fffffff}) and an error message.
 */
final class TrxXml implements ReportFormat {
    private static final XmlReport REPORT = new XmlReport("a TRX report", "TestRun");

    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        REPORT.read(in, (reader, element) -> {
            if (element.equals("UnitTestResult")) {
                sink.accept(result(reader, rawDataPath));
            }
        });
    }

    private static TestCaseResult result(XMLStreamReader reader, String rawDataPath) throws XMLStreamException {
        String testName = String.valueOf(Xml.attribute(reader, "testName"));
        String prefix = null;
        int dot = testName.lastIndexOf('.');
        String name = testName;
        if (dot > 0) {
            prefix = testName.substring(0, dot);
            name = testName.substring(dot + 1);
        }
        String status = switch (String.valueOf(Xml.attribute(reader, "outcome"))) {
            case "Passed", "PassedButRunAborted" -> TestCaseResult.SUCCEEDED;
            case "Failed" -> TestCaseResult.FAILED;
            case "Error", "Aborted", "Timeout" -> TestCaseResult.ERROR;
            case "NotExecuted", "Inconclusive", "NotRunnable", "Disconnected", "Warning" -> TestCaseResult.SKIPPED;
            default -> TestCaseResult.UNKNOWN;
        };
        long duration = duration(Xml.attribute(reader, "duration"));
        FailureText failure = FailureText.read(reader, "Message", "StackTrace");
        return new TestCaseResult(name, prefix, null, status, duration, failure.messageFor(status), rawDataPath);
    }

    /** {@code 00:00:01.2345678} to nanoseconds. */
    static long duration(String value) {
        if (value == null) {
            return 0;
        }
        String[] parts = value.strip().split(":");
        if (parts.length != 3) {
            return 0;
        }
        try {
            return Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1])).toNanos()
                    + Xml.secondsToNanos(parts[2]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
