package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * JUnit XML (JUNITXML), as Surefire, Gradle, pytest, Jest and most tools write it: {@code testsuites} or one
 * {@code testsuite} (suites may nest), {@code testcase} elements with {@code failure}, {@code error} or
 * {@code skipped} children. The prefix is the test's class name; the suite is the innermost suite.
 */
final class JUnitXml implements ReportFormat {
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
                    if (!sawRoot && !element.equals("testsuites") && !element.equals("testsuite")) {
                        throw new ReportFileException("not a JUnit XML report: the root element is <" + element
                                + ">, not <testsuites> or <testsuite>");
                    }
                    sawRoot = true;
                    if (element.equals("testsuite")) {
                        suites.push(nonNull(Xml.attribute(reader, "name")));
                    } else if (element.equals("testcase")) {
                        sink.accept(testCase(reader, suites.isEmpty() ? null : suites.peek(), rawDataPath));
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && reader.getLocalName().equals("testsuite")) {
                    suites.pop();
                }
            }
            if (!sawRoot) {
                throw new ReportFileException("not a JUnit XML report: no root element");
            }
        } catch (XMLStreamException e) {
            throw new ReportFileException("not well-formed XML at " + Xml.location(e));
        }
    }

    private static TestCaseResult testCase(XMLStreamReader reader, String suite, String rawDataPath) throws XMLStreamException {
        String name = nonNull(Xml.attribute(reader, "name"));
        String className = Xml.attribute(reader, "classname");
        long duration = Xml.secondsToNanos(Xml.attribute(reader, "time"));
        String status = TestCaseResult.SUCCEEDED;
        String message = null;
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String element = reader.getLocalName();
                switch (element) {
                    case "failure", "error", "skipped" -> {
                        String kind = element.equals("failure") ? TestCaseResult.FAILED
                                : element.equals("error") ? TestCaseResult.ERROR : TestCaseResult.SKIPPED;
                        // A failure outranks a skip; the first failure's message is the one shown.
                        if (!status.equals(TestCaseResult.FAILED) && !status.equals(TestCaseResult.ERROR)) {
                            status = kind;
                            String attribute = Xml.attribute(reader, "message");
                            message = TestCaseResult.message(attribute, Xml.text(reader));
                        } else {
                            Xml.text(reader);
                        }
                    }
                    default -> depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new TestCaseResult(name, className == null ? suite : className, suite, status, duration, message, rawDataPath);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
