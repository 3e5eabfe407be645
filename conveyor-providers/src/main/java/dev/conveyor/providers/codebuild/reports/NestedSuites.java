package dev.conveyor.providers.codebuild.reports;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The elements of a format whose suites nest (JUnit, NUnit): each test case is read in the innermost suite open
 * around it, or in none when it stands outside every suite. One instance serves one file.
 */
final class NestedSuites implements XmlReport.Elements {
    /** Reads the test case the reader is at, to its end tag. */
    interface TestCaseReader {
        TestCaseResult read(XMLStreamReader reader, String suite) throws XMLStreamException;
    }

    private final String suiteElement;
    private final String unnamedSuite;
    private final String caseElement;
    private final TestCaseReader testCase;
    private final Consumer<TestCaseResult> sink;
    private final Deque<String> open = new ArrayDeque<>();

    /** @param unnamedSuite what a suite without a {@code name} attribute is called */
    NestedSuites(String suiteElement, String unnamedSuite, String caseElement, TestCaseReader testCase,
                 Consumer<TestCaseResult> sink) {
        this.suiteElement = suiteElement;
        this.unnamedSuite = unnamedSuite;
        this.caseElement = caseElement;
        this.testCase = testCase;
        this.sink = sink;
    }

    @Override
    public void start(XMLStreamReader reader, String element) throws XMLStreamException {
        if (element.equals(suiteElement)) {
            String name = Xml.attribute(reader, "name");
            open.push(name == null ? unnamedSuite : name);
        } else if (element.equals(caseElement)) {
            sink.accept(testCase.read(reader, open.peek()));
        }
    }

    @Override
    public void end(String element) {
        if (element.equals(suiteElement)) {
            open.pop();
        }
    }
}
