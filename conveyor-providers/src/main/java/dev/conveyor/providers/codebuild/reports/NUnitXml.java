package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * NUnit's result files, version 2 ({@code test-results}, NUNITXML) and version 3 ({@code test-run}, NUNIT3XML):
 * {@code test-case} elements inside {@code test-suite}s, with a result and an optional {@code failure} message.
 * Either version is read whichever of the two formats was declared.
 */
final class NUnitXml implements ReportFormat {
    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        try {
            XMLStreamReader reader = Xml.open(in);
            Deque<String> suites = new ArrayDeque<>();
            boolean sawRoot = false;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String element = reader.getLocalName();
                    if (!sawRoot && !element.equals("test-results") && !element.equals("test-run")) {
                        throw new ReportFileException("not an NUnit report: the root element is <" + element
                                + ">, not <test-results> or <test-run>");
                    }
                    sawRoot = true;
                    if (element.equals("test-suite")) {
                        suites.push(String.valueOf(Xml.attribute(reader, "name")));
                    } else if (element.equals("test-case")) {
                        sink.accept(testCase(reader, suites.isEmpty() ? null : suites.peek(), rawDataPath));
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && reader.getLocalName().equals("test-suite")) {
                    suites.pop();
                }
            }
        } catch (XMLStreamException e) {
            throw new ReportFileException("not well-formed XML at " + Xml.location(e));
        }
    }

    private static TestCaseResult testCase(XMLStreamReader reader, String suite, String rawDataPath) throws XMLStreamException {
        String fullName = Xml.attribute(reader, "fullname");
        String name = Xml.attribute(reader, "name");
        String className = Xml.attribute(reader, "classname");
        if (className == null && fullName == null && name != null && name.lastIndexOf('.') > 0) {
            className = name.substring(0, name.lastIndexOf('.')); // NUnit 2 puts the qualified name in "name"
            name = name.substring(name.lastIndexOf('.') + 1);
        }
        String result = String.valueOf(Xml.attribute(reader, "result"));
        String status = switch (result) {
            case "Passed", "Success" -> TestCaseResult.SUCCEEDED;
            case "Failed", "Failure" -> TestCaseResult.FAILED;
            case "Error", "Cancelled" -> TestCaseResult.ERROR;
            case "Skipped", "Ignored", "NotRunnable", "Inconclusive", "Explicit" -> TestCaseResult.SKIPPED;
            default -> "False".equalsIgnoreCase(Xml.attribute(reader, "executed")) ? TestCaseResult.SKIPPED : TestCaseResult.UNKNOWN;
        };
        String seconds = Xml.attribute(reader, "duration") != null ? Xml.attribute(reader, "duration") : Xml.attribute(reader, "time");
        long duration = Xml.secondsToNanos(seconds);
        String message = null;
        String trace = null;
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (reader.getLocalName()) {
                    case "message" -> message = Xml.text(reader);
                    case "stack-trace" -> trace = Xml.text(reader);
                    default -> depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new TestCaseResult(name == null ? "" : name, className, suite, status, duration,
                status.equals(TestCaseResult.SUCCEEDED) ? null : TestCaseResult.message(message, trace), rawDataPath);
    }
}
