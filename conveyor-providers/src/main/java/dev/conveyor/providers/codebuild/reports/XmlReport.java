package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import java.util.List;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The walk every XML report format shares: stream the document, insist that its root is one the format names (so a
 * file declared in the wrong format is reported as such rather than read as a report without tests), and hand each
 * element to the format, which picks out its suites and test cases. Malformed XML becomes a
 * {@link ReportFileException} that names the line.
 */
final class XmlReport {
    /** What a format does with the elements of its document. */
    interface Elements {
        /** The reader is at {@code element}'s start tag; it may be read on, e.g. to the element's end. */
        void start(XMLStreamReader reader, String element) throws XMLStreamException;

        /** The end tag of an element that was not read to its end in {@link #start}. */
        default void end(String element) {
        }
    }

    private final String kind;
    private final List<String> roots;

    /**
     * @param kind  the format as an error message names it, with its article, e.g. "a JUnit XML report"
     * @param roots the root elements the format allows
     */
    XmlReport(String kind, String... roots) {
        this.kind = kind;
        this.roots = List.of(roots);
    }

    void read(InputStream in, Elements elements) throws ReportFileException {
        try {
            XMLStreamReader reader = Xml.open(in);
            boolean sawRoot = false;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String element = reader.getLocalName();
                    if (!sawRoot && !roots.contains(element)) {
                        throw new ReportFileException("not " + kind + ": the root element is <" + element + ">, not <"
                                + String.join("> or <", roots) + ">");
                    }
                    sawRoot = true;
                    elements.start(reader, element);
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    elements.end(reader.getLocalName());
                }
            }
            if (!sawRoot) {
                throw new ReportFileException("not " + kind + ": no root element");
            }
        } catch (XMLStreamException e) {
            throw new ReportFileException("not well-formed XML at " + Xml.location(e));
        }
    }
}
