package dev.conveyor.cloudwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.servicemodel.ServiceModel;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AWS Query protocol, driven by the service model: form parameters ({@code AlarmNames.member.1=a},
 * {@code Dimensions.member.1.Name=…}, {@code entry.N.key/value} for maps) become the JSON input the JSON protocol
 * would carry, and an operation's JSON output becomes Query's XML ({@code <OpResponse><OpResult>…}). The AWS SDK for
 * Java v2 speaks Query to CloudWatch; the AWS CLI speaks JSON 1.0.
 */
public final class QueryProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceModel model;
    private final String namespace;

    public QueryProtocol(ServiceModel model, String xmlNamespace) {
        this.model = model;
        this.namespace = xmlNamespace;
    }

    /**
     * The JSON input of {@code operation} from its form parameters. Values are typed by their shapes; a value that does
     * not parse as its type is kept as text, for the model's validator to refuse with the member's name.
     */
    public ObjectNode input(ServiceModel.Operation operation, Map<String, String> parameters) {
        ObjectNode input = JSON.createObjectNode();
        if (operation.inputShape() == null) {
            return input;
        }
        TreeMap<String, String> sorted = new TreeMap<>(parameters);
        sorted.remove("Action");
        sorted.remove("Version");
        readStructure(model.shape(operation.inputShape()), "", sorted, input);
        return input;
    }

    private void readStructure(JsonNode shape, String prefix, TreeMap<String, String> params, ObjectNode into) {
        shape.path("members").properties().forEach(member -> {
            String name = member.getValue().path("locationName").asText(member.getKey());
            JsonNode value = read(member.getValue().path("shape").asText(), prefix + name, params);
            if (value != null) {
                into.set(member.getKey(), value);
            }
        });
    }

    private JsonNode read(String shapeName, String key, TreeMap<String, String> params) {
        JsonNode shape = model.shape(shapeName);
        switch (shape.path("type").asText()) {
            case "structure" -> {
                if (params.subMap(key + ".", key + "/").isEmpty()) {
                    return null;
                }
                ObjectNode object = JSON.createObjectNode();
                readStructure(shape, key + ".", params, object);
                return object;
            }
            case "list" -> {
                String memberKey = key + (shape.path("flattened").asBoolean() ? "" : ".member");
                if (params.containsKey(key) && params.get(key).isEmpty()) {
                    return JSON.createArrayNode(); // an empty list is sent as "Name="
                }
                ArrayNode list = JSON.createArrayNode();
                for (int i = 1; ; i++) {
                    JsonNode item = read(shape.path("member").path("shape").asText(), memberKey + "." + i, params);
                    if (item == null) {
                        return list.isEmpty() ? null : list;
                    }
                    list.add(item);
                }
            }
            case "map" -> {
                ObjectNode map = JSON.createObjectNode();
                String entryKey = key + (shape.path("flattened").asBoolean() ? "" : ".entry");
                for (int i = 1; ; i++) {
                    String k = params.get(entryKey + "." + i + ".key");
                    if (k == null) {
                        return map.isEmpty() ? null : map;
                    }
                    JsonNode v = read(shape.path("value").path("shape").asText(), entryKey + "." + i + ".value", params);
                    map.set(k, v);
                }
            }
            default -> {
                String text = params.get(key);
                return text == null ? null : scalar(shape.path("type").asText(), text);
            }
        }
    }

    private static JsonNode scalar(String type, String text) {
        try {
            return switch (type) {
                case "integer", "long" -> JSON.getNodeFactory().numberNode(Long.parseLong(text.strip()));
                case "double", "float" -> JSON.getNodeFactory().numberNode(new BigDecimal(text.strip()));
                case "boolean" -> "true".equals(text) ? JSON.getNodeFactory().booleanNode(true)
                        : "false".equals(text) ? JSON.getNodeFactory().booleanNode(false) : JSON.getNodeFactory().textNode(text);
                default -> JSON.getNodeFactory().textNode(text);
            };
        } catch (NumberFormatException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** The XML answer of {@code operation} for its JSON output (null when the operation has none). */
    public String output(ServiceModel.Operation operation, JsonNode output, String resultWrapper, String requestId) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(operation.name())
                .append("Response xmlns=\"").append(namespace).append("\">");
        if (operation.outputShape() != null && resultWrapper != null) {
            xml.append('<').append(resultWrapper).append('>');
            writeStructure(model.shape(operation.outputShape()), output == null ? JSON.createObjectNode() : output, xml);
            xml.append("</").append(resultWrapper).append('>');
        }
        xml.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata></")
                .append(operation.name()).append("Response>");
        return xml.toString();
    }

    private void writeStructure(JsonNode shape, JsonNode value, StringBuilder xml) {
        shape.path("members").properties().forEach(member -> {
            JsonNode v = value.get(member.getKey());
            if (v != null && !v.isNull()) {
                String name = member.getValue().path("locationName").asText(member.getKey());
                write(member.getValue().path("shape").asText(), name, v, xml);
            }
        });
    }

    private void write(String shapeName, String element, JsonNode value, StringBuilder xml) {
        JsonNode shape = model.shape(shapeName);
        xml.append('<').append(element).append('>');
        switch (shape.path("type").asText()) {
            case "structure" -> writeStructure(shape, value, xml);
            case "list" -> value.forEach(item -> write(shape.path("member").path("shape").asText(),
                    shape.path("member").path("locationName").asText("member"), item, xml));
            case "map" -> value.properties().forEach(e -> {
                xml.append("<entry><key>").append(escape(e.getKey())).append("</key>");
                write(shape.path("value").path("shape").asText(), "value", e.getValue(), xml);
                xml.append("</entry>");
            });
            case "timestamp" -> xml.append(DateTimeFormatter.ISO_INSTANT.format(
                    Instant.ofEpochMilli(value.decimalValue().movePointRight(3).longValue())));
            default -> xml.append(escape(value.asText()));
        }
        xml.append("</").append(element).append('>');
    }

    /** Query's error document. */
    public String error(String code, String message, boolean senderFault, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + namespace + "\"><Error><Type>"
                + (senderFault ? "Sender" : "Receiver") + "</Type><Code>" + escape(code) + "</Code><Message>" + escape(message)
                + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#xD;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
