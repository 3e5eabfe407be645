package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * TestNG's {@code testng-results.xml} (TESTNGXML): {@code test-method} elements (configuration methods left out)
 * with status PASS, FAIL or SKIP, grouped by {@code class} inside each {@code test} of a {@code suite}.
 */
final class TestNgXml implements ReportFormat {
    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        try {
            XMLStreamReader reader = Xml.open(in);
            String suite = null;
            String className = null;
            boolean sawRoot = false;
            while (reader.hasNext()) {
                if (reader.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String element = reader.getLocalName();
                if (!sawRoot && !element.equals("testng-results")) {
                    throw new ReportFileException("not a TestNG report: the root element is <" + element + ">, not <testng-results>");
                }
                sawRoot = true;
                switch (element) {
                    case "suite" -> suite = Xml.attribute(reader, "name");
                    case "class" -> className = Xml.attribute(reader, "name");
                    case "test-method" -> {
                        if (!"true".equals(Xml.attribute(reader, "is-config"))) {
                            sink.accept(method(reader, suite, className, rawDataPath));
                        }
                    }
                    default -> { }
                }
            }
        } catch (XMLStreamException e) {
            throw new ReportFileException("not well-formed XML at " + Xml.location(e));
        }
    }

    private static TestCaseResult method(XMLStreamReader reader, String suite, String className, String rawDataPath)
            throws XMLStreamException {
        String name = Xml.attribute(reader, "name");
        String status = switch (String.valueOf(Xml.attribute(reader, "status"))) {
            case "PASS" -> TestCaseResult.SUCCEEDED;
            case "FAIL" -> TestCaseResult.FAILED;
            case "SKIP" -> TestCaseResult.SKIPPED;
            default -> TestCaseResult.UNKNOWN;
        };
        long duration = parseLong(Xml.attribute(reader, "duration-ms")) * 1_000_000L;
        String message = null;
        String trace = null;
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (reader.getLocalName()) {
                    case "message" -> message = Xml.text(reader);
                    case "full-stacktrace" -> trace = Xml.text(reader);
                    default -> depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new TestCaseResult(name == null ? "" : name, className, suite, status, duration,
                status.equals(TestCaseResult.SUCCEEDED) ? null : TestCaseResult.message(message, trace), rawDataPath);
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
