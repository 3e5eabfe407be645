package dev.conveyor.providers.codebuild.reports;

import java.util.HashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A test case's failure message and stack trace, for the formats (NUnit, TestNG, TRX) that keep them in two
 * elements somewhere inside the test case; where an element appears more than once, the last one counts.
 */
record FailureText(String message, String trace) {
    /** Reads the test case the reader is at to its end tag, keeping the text of the two elements. */
    static FailureText read(XMLStreamReader reader, String messageElement, String traceElement) throws XMLStreamException {
        Map<String, String> texts = new HashMap<>();
        Xml.descendants(reader, (at, element) -> {
            if (!element.equals(messageElement) && !element.equals(traceElement)) {
                return false;
            }
            texts.put(element, Xml.text(at));
            return true;
        });
        return new FailureText(texts.get(messageElement), texts.get(traceElement));
    }

    /** What the case reports as its message: none for a test that passed, however much text it had. */
    String messageFor(String status) {
        return status.equals(TestCaseResult.SUCCEEDED) ? null : TestCaseResult.message(message, trace);
    }
}
