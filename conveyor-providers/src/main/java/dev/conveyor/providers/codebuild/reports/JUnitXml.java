package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * JUnit XML (JUNITXML), as Surefire, Gradle, pytest, Jest and most tools write it: {@code testsuites} or one
 * {@code testsuite} (suites may nest), {@code testcase} elements with {@code failure}, {@code error} or
 * {@code skipped} children. The prefix is the test's class name; the suite is the innermost suite.
 */
final class JUnitXml implements ReportFormat {
    private static final XmlReport REPORT = new XmlReport("a JUnit XML report", "testsuites", "testsuite");

    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        REPORT.read(in, new NestedSuites("testsuite", "", "testcase", (reader, suite) -> testCase(reader, suite, rawDataPath), sink));
    }

    private static TestCaseResult testCase(XMLStreamReader reader, String suite, String rawDataPath) throws XMLStreamException {
        String name = nonNull(Xml.attribute(reader, "name"));
        String className = Xml.attribute(reader, "classname");
        long duration = Xml.secondsToNanos(Xml.attribute(reader, "time"));
        Outcome outcome = new Outcome();
        Xml.descendants(reader, outcome::read);
        return new TestCaseResult(name, className == null ? suite : className, suite, outcome.status, duration, outcome.message,
                rawDataPath);
    }

    /** A test case's outcome, from its {@code failure}, {@code error} and {@code skipped} children. */
    private static final class Outcome {
        private String status = TestCaseResult.SUCCEEDED;
        private String message;

        boolean read(XMLStreamReader reader, String element) throws XMLStreamException {
            String kind = switch (element) {
                case "failure" -> TestCaseResult.FAILED;
                case "error" -> TestCaseResult.ERROR;
                case "skipped" -> TestCaseResult.SKIPPED;
                default -> null;
            };
            if (kind == null) {
                return false;
            }
            // A failure outranks a skip; the first failure's message is the one shown.
            if (!status.equals(TestCaseResult.FAILED) && !status.equals(TestCaseResult.ERROR)) {
                status = kind;
                String attribute = Xml.attribute(reader, "message");
                message = TestCaseResult.message(attribute, Xml.text(reader));
            } else {
                Xml.text(reader);
            }
            return true;
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
