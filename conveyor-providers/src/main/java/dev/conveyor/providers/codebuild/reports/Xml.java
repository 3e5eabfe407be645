package dev.conveyor.providers.codebuild.reports;

import java.io.InputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The JDK's streaming XML parser, locked down: no DTD processing and no external entities, so a report file can
 * name neither a URL nor a local file to read, and entity expansion cannot blow up. Reading is streamed, so a
 * report of any size needs little memory.
 */
final class Xml {
    private static final XMLInputFactory FACTORY = factory();

    private Xml() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    static XMLStreamReader open(InputStream in) throws XMLStreamException {
        return FACTORY.createXMLStreamReader(in);
    }

    /** The attribute's value by local name, or null. */
    static String attribute(XMLStreamReader reader, String name) {
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            if (name.equals(reader.getAttributeLocalName(i))) {
                return reader.getAttributeValue(i);
            }
        }
        return null;
    }

    /** The text inside the current element, including its descendants' text; leaves the reader at its end tag. */
    static String text(XMLStreamReader reader) throws XMLStreamException {
        StringBuilder text = new StringBuilder();
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (text.length() < TestCaseResult.MAX_MESSAGE * 2) {
                        text.append(reader.getText());
                    }
                }
                default -> { }
            }
        }
        return text.toString();
    }

    /** What a format does with an element inside the one being read. */
    interface Descendant {
        /**
         * The reader is at {@code element}'s start tag. Returns true when it read the element to its end tag, false
         * to have the walk go on into the element's own children.
         */
        boolean read(XMLStreamReader reader, String element) throws XMLStreamException;
    }

    /** Hands each element inside the current one to {@code descendant}; leaves the reader at the current one's end tag. */
    static void descendants(XMLStreamReader reader, Descendant descendant) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                if (!descendant.read(reader, reader.getLocalName())) {
                    depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** Seconds as a decimal ("0.125", "1,5") to nanoseconds; 0 when absent or not a number. */
    static long secondsToNanos(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 0;
        }
        try {
            return (long) (Double.parseDouble(seconds.strip().replace(",", "")) * 1_000_000_000L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String location(XMLStreamException e) {
        return e.getLocation() == null ? e.getMessage() : "line " + e.getLocation().getLineNumber() + ": "
                + e.getMessage().replaceFirst("^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", "");
    }
}
