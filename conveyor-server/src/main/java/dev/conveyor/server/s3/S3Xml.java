package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** S3's XML: a small writer for responses and a hardened parser (no DTDs, no entities) for request bodies. */
final class S3Xml {
    static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_BODY = 2 * 1024 * 1024;

    private final StringBuilder xml = new StringBuilder(256).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    /** Opens the document's root element in S3's namespace. */
    static S3Xml document(String root) {
        S3Xml doc = new S3Xml();
        doc.xml.append('<').append(root).append(" xmlns=\"").append(NAMESPACE).append("\">");
        return doc;
    }

    /** A document whose root has no namespace (errors). */
    static S3Xml plainDocument(String root) {
        S3Xml doc = new S3Xml();
        doc.xml.append('<').append(root).append('>');
        return doc;
    }

    S3Xml open(String name) {
        xml.append('<').append(name).append('>');
        return this;
    }

    S3Xml close(String name) {
        xml.append("</").append(name).append('>');
        return this;
    }

    S3Xml element(String name, Object value) {
        if (value == null) {
            return this;
        }
        xml.append('<').append(name).append('>');
        escape(value instanceof Instant i ? ISO.format(i) : value.toString());
        xml.append("</").append(name).append('>');
        return this;
    }

    /** Text content at the current position. */
    S3Xml text(String value) {
        escape(value);
        return this;
    }

    byte[] finish(String root) {
        close(root);
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '&' -> xml.append("&amp;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                case '\r' -> xml.append("&#13;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        xml.append("&#").append((int) c).append(';');
                    } else {
                        xml.append(c);
                    }
                }
            }
        }
    }

    /**
     * Parses a request body.
     *
     * @throws S3Exception MalformedXML when it is not well-formed XML
     */
    static Element parse(InputStream body, String resource) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided is too large", resource);
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document document = builder.parse(new ByteArrayInputStream(bytes));
            return document.getDocumentElement();
        } catch (SAXException | ParserConfigurationException e) {
            throw new S3Exception(S3ErrorCode.MalformedXML,
                    "The XML you provided was not well-formed or did not validate against our published schema", resource);
        }
    }

    /** The child elements of {@code parent} with this local name. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName() == null ? e.getTagName() : e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    /** The text of the first child element with this name, or null. */
    static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.getFirst().getTextContent();
    }
}
