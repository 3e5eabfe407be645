package dev.conveyor.iam.api;

import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A Query protocol response document: {@code <ActionResponse xmlns=…><ActionResult>…</ActionResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>}, written with the JDK's
 * streaming XML writer (which escapes text). Operations add elements to the result.
 */
final class Xml {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newInstance();

    private final StringWriter out = new StringWriter();
    private final XMLStreamWriter writer;
    private final String action;
    private boolean resultOpen;

    private Xml(String action, String namespace, boolean withResult) {
        this.action = action;
        try {
            writer = FACTORY.createXMLStreamWriter(out);
            writer.writeStartDocument("UTF-8", "1.0");
            writer.writeStartElement(action + "Response");
            writer.writeDefaultNamespace(namespace);
            if (withResult) {
                writer.writeStartElement(action + "Result");
                resultOpen = true;
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    static Xml response(String action, String namespace, boolean withResult) {
        return new Xml(action, namespace, withResult);
    }

    /** The error document: {@code <ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…}. */
    static String error(String namespace, boolean sender, String code, String message, String requestId) {
        try {
            StringWriter out = new StringWriter();
            XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(namespace);
            w.writeStartElement("Error");
            text(w, "Type", sender ? "Sender" : "Receiver");
            text(w, "Code", code);
            text(w, "Message", message);
            w.writeEndElement();
            text(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
            return out.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    Xml start(String name) {
        try {
            writer.writeStartElement(name);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    Xml end() {
        try {
            writer.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** A text element; nothing when {@code value} is null (absent members are left out, as AWS does). */
    Xml element(String name, Object value) {
        if (value != null) {
            try {
                text(writer, name, value instanceof Instant i ? timestamp(i) : value.toString());
            } catch (XMLStreamException e) {
                throw new IllegalStateException(e);
            }
        }
        return this;
    }

    /** A policy document as IAM returns it: URL-encoded (RFC 3986, so spaces are %20), which the AWS CLI decodes. */
    Xml document(String name, String document) {
        return element(name, URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    String finish(String requestId) {
        try {
            if (resultOpen) {
                writer.writeEndElement();
            }
            writer.writeStartElement("ResponseMetadata");
            text(writer, "RequestId", requestId);
            writer.writeEndElement();
            writer.writeEndElement();
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot finish " + action + "Response", e);
        }
        return out.toString();
    }

    private static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    /** ISO 8601 to the second, as IAM and STS write timestamps. */
    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
