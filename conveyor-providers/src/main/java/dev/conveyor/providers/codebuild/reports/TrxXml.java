package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.time.Duration;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Visual Studio's TRX files (VISUALSTUDIOTRX), as {@code dotnet test --logger trx} writes them: one
 * {@code UnitTestResult} per test, with an outcome, a duration ({@code hh:mm:ss.fffffff}) and an error message.
 */
final class TrxXml implements ReportFormat {
    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        try {
            XMLStreamReader reader = Xml.open(in);
            boolean sawRoot = false;
            while (reader.hasNext()) {
                if (reader.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String element = reader.getLocalName();
                if (!sawRoot && !element.equals("TestRun")) {
                    throw new ReportFileException("not a TRX report: the root element is <" + element + ">, not <TestRun>");
                }
                sawRoot = true;
                if (element.equals("UnitTestResult")) {
                    sink.accept(result(reader, rawDataPath));
                }
            }
        } catch (XMLStreamException e) {
            throw new ReportFileException("not well-formed XML at " + Xml.location(e));
        }
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
        String message = null;
        String trace = null;
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (reader.getLocalName()) {
                    case "Message" -> message = Xml.text(reader);
                    case "StackTrace" -> trace = Xml.text(reader);
                    default -> depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new TestCaseResult(name, prefix, null, status, duration,
                status.equals(TestCaseResult.SUCCEEDED) ? null : TestCaseResult.message(message, trace), rawDataPath);
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
