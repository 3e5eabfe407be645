package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * NUnit's result files, version 2 ({@code test-results}, NUNITXML) and version 3 ({@code test-run}, NUNIT3XML):
 * {@code test-case} elements inside {@code test-suite}s, with a result and an optional {@code failure} message.
 * Either version is read whichever of the two formats was declared.
 */
final class NUnitXml implements ReportFormat {
    private static final XmlReport REPORT = new XmlReport("an NUnit report", "test-results", "test-run");

    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws ReportFileException {
        // A suite without a name has always been called "null" here (String.valueOf); kept so reports do not change.
        REPORT.read(in, new NestedSuites("test-suite", "null", "test-case",
                (reader, suite) -> testCase(reader, suite, rawDataPath), sink));
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
        FailureText failure = FailureText.read(reader, "message", "stack-trace");
        return new TestCaseResult(name == null ? "" : name, className, suite, status, duration, failure.messageFor(status),
                rawDataPath);
    }
}
