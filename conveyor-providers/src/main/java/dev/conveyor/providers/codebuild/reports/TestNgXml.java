package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * TestNG's {@code testng-results.xml} (TESTNGXML): {@code test-method} elements (configuration methods left out)
 * with status PASS, FAIL or SKIP, grouped by {@code class} inside each {@code test} of a {@code suite}.
 */
final class TestNgXml implements ReportFormat {
    private static final XmlReport REPORT = new XmlReport("a TestNG report", "testng-results");

    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        REPORT.read(in, new XmlReport.Elements() {
            // Neither nests: a method belongs to the suite and class last opened.
            private String suite;
            private String className;

            @Override
            public void start(XMLStreamReader reader, String element) throws XMLStreamException {
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
        });
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
        FailureText failure = FailureText.read(reader, "message", "full-stacktrace");
        return new TestCaseResult(name == null ? "" : name, className, suite, status, duration, failure.messageFor(status),
                rawDataPath);
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
