package dev.conveyor.server.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.servicemodel.ServiceModel;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** Applies one {@link Mutation} to a generated request, at a place in it chosen at random among those it fits. */
final class RequestMutator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Escapes every non-ASCII character, so a lone surrogate reaches the server as the JSON escape a client would send. */
    private static final ObjectWriter WRITER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build().writer();
    static final String AWS_JSON = "application/x-amz-json-1.1";

    /** A structure member or list element of the request (map values are walked into, not targeted), with the shape it has in the model. */
    private record Location(JsonNode parent, String member, int index, String shapeName, JsonNode shape, boolean required) {
        JsonNode value() {
            return member != null ? parent.get(member) : parent.get(index);
        }

        void replace(JsonNode value) {
            if (member != null) {
                ((ObjectNode) parent).set(member, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        String type() {
            return shape.path("type").asText();
        }
    }

    /** The request to send: body bytes, Content-Type (null for none), what was done, and whether it must fail. */
    record Mutated(byte[] body, String contentType, String description, boolean mustBeRejected) {
    }

    private final ServiceModel model;
    private final Random random;
    private final String token;

    RequestMutator(ServiceModel model, Random random, String token) {
        this.model = model;
        this.random = random;
        this.token = token;
    }

    Mutated mutate(ServiceModel.Operation operation, ObjectNode request, Mutation mutation) {
        List<Location> locations = new ArrayList<>();
        if (operation.inputShape() != null) {
            collect(request, operation.inputShape(), locations);
        }
        return switch (mutation) {
            case NONE -> json(request, mutation, "unchanged", false);
            case WRONG_TYPE -> at(request, mutation, locations, l -> true, l -> l.replace(wrongType(l)));
            case NULL_IN_LIST -> at(request, mutation, locations, l -> l.type().equals("list"),
                    l -> ((ArrayNode) l.value()).insertNull(random.nextInt(l.value().size() + 1)));
            // A long poll's wait stays (at 0): without it the server waits its default, 10 seconds, and answers the same.
            case NULL_MEMBER -> at(request, mutation, locations, l -> l.member() != null && !l.shapeName().contains("Wait"),
                    l -> l.replace(NODES.nullNode()));
            case MISSING_REQUIRED -> at(request, mutation, locations, Location::required, l -> ((ObjectNode) l.parent()).remove(l.member()));
            case HUGE_STRING -> at(request, mutation, locations, l -> l.type().equals("string"),
                    l -> l.replace(NODES.textNode(token + "x".repeat(100_000))));
            case NUL_STRING -> at(request, mutation, locations, l -> l.type().equals("string"),
                    l -> l.replace(NODES.textNode(l.value().asText() + "\u0000" + token)));
            case UNICODE_STRING -> at(request, mutation, locations, l -> l.type().equals("string"),
                    l -> l.replace(NODES.textNode(token + "名前😀\u202eé\ud800")));
            case WRONG_ENUM -> at(request, mutation, locations, l -> l.shape().has("enum"),
                    l -> l.replace(NODES.textNode("NOT_AN_ENUM_VALUE_" + token)));
            case BAD_NUMBER -> at(request, mutation, locations, l -> l.type().equals("integer") || l.type().equals("long"),
                    l -> l.replace(switch (random.nextInt(3)) {
                        case 0 -> NODES.numberNode(new BigInteger("1" + "0".repeat(30)));
                        case 1 -> NODES.numberNode(l.type().equals("integer") ? BigInteger.valueOf(3_000_000_000L) : new BigInteger("-9223372036854775809"));
                        default -> NODES.numberNode(1.5);
                    }));
            case BAD_TIMESTAMP -> at(request, mutation, locations, l -> l.type().equals("timestamp"),
                    l -> l.replace(switch (random.nextInt(3)) {
                        case 0 -> NODES.textNode("yesterday " + token);
                        case 1 -> NODES.numberNode(new java.math.BigDecimal("1e99"));
                        default -> NODES.textNode("-99999999999999");
                    }));
            case EXTRA_FIELDS -> {
                request.put("fuzzExtra" + token, token);
                locations.stream().filter(l -> l.type().equals("structure")).findAny()
                        .ifPresent(l -> ((ObjectNode) l.value()).put("fuzzExtra", token));
                yield json(request, mutation, "extra members", false);
            }
            case NESTED -> at(request, mutation, locations, l -> !l.type().equals("list"), l -> l.replace(nested(40)));
            case MALFORMED_JSON -> malformed(request);
            case WRONG_CONTENT_TYPE -> {
                String[] types = {null, "text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"};
                String type = types[random.nextInt(types.length)];
                yield new Mutated(bytes(request), type, "Content-Type " + type, false);
            }
        };
    }

    private Mutated at(ObjectNode request, Mutation mutation, List<Location> locations, Predicate<Location> fits,
                       java.util.function.Consumer<Location> change) {
        List<Location> candidates = locations.stream().filter(fits).toList();
        if (candidates.isEmpty()) {
            return json(request, mutation, "nowhere to apply " + mutation + ", sent unchanged", false);
        }
        Location location = candidates.get(random.nextInt(candidates.size()));
        change.accept(location);
        return json(request, mutation, mutation + " at " + (location.member() != null ? location.member() : "[" + location.index() + "]")
                + " (" + location.shapeName() + ")", mutation.mustBeRejected());
    }

    private Mutated json(ObjectNode request, Mutation mutation, String description, boolean mustBeRejected) {
        return new Mutated(bytes(request), AWS_JSON, description, mustBeRejected);
    }

    private Mutated malformed(ObjectNode request) {
        byte[] valid = bytes(request);
        byte[] body = switch (random.nextInt(6)) {
            case 0 -> Arrays.copyOf(valid, Math.max(1, valid.length - 1 - random.nextInt(Math.max(1, valid.length - 1))));
            case 1 -> "[1, 2]".getBytes(StandardCharsets.UTF_8);
            case 2 -> "null".getBytes(StandardCharsets.UTF_8);
            case 3 -> ("\"" + token + "\"").getBytes(StandardCharsets.UTF_8);
            case 4 -> (new String(valid, StandardCharsets.UTF_8) + " trailing " + token).getBytes(StandardCharsets.UTF_8);
            default -> {
                byte[] invalidUtf8 = Arrays.copyOf("{\"a\": \"".getBytes(StandardCharsets.UTF_8), 11);
                invalidUtf8[7] = (byte) 0xff;
                invalidUtf8[8] = (byte) 0xfe;
                invalidUtf8[9] = '"';
                invalidUtf8[10] = '}';
                yield invalidUtf8;
            }
        };
        return new Mutated(body, AWS_JSON, "malformed body: " + new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8), true);
    }

    private JsonNode wrongType(Location location) {
        return switch (location.type()) {
            case "string", "blob" -> random.nextBoolean() ? NODES.numberNode(42) : NODES.objectNode().put("s", token);
            case "integer", "long", "float", "double" -> NODES.textNode("42" + token);
            case "boolean" -> NODES.textNode("true");
            case "timestamp" -> NODES.booleanNode(true);
            case "list" -> NODES.objectNode().put("member", token);
            default -> random.nextBoolean() ? NODES.arrayNode().add(token) : NODES.textNode(token);
        };
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode current = root;
        for (int i = 1; i < depth; i++) {
            current = current.addArray();
        }
        return root;
    }

    private void collect(JsonNode value, String shapeName, List<Location> out) {
        JsonNode shape = model.shape(shapeName);
        switch (shape.path("type").asText()) {
            case "structure" -> {
                List<String> required = new ArrayList<>();
                shape.path("required").forEach(r -> required.add(r.asText()));
                shape.path("members").properties().forEach(member -> {
                    JsonNode child = value.get(member.getKey());
                    String childShape = member.getValue().path("shape").asText();
                    if (child != null) {
                        out.add(new Location(value, member.getKey(), -1, childShape, model.shape(childShape), required.contains(member.getKey())));
                        collect(child, childShape, out);
                    }
                });
            }
            case "list" -> {
                String member = shape.path("member").path("shape").asText();
                for (int i = 0; i < value.size(); i++) {
                    out.add(new Location(value, null, i, member, model.shape(member), false));
                    collect(value.get(i), member, out);
                }
            }
            case "map" -> {
                String valueShape = shape.path("value").path("shape").asText();
                value.properties().forEach(entry -> collect(entry.getValue(), valueShape, out));
            }
            default -> {
            }
        }
    }

    static byte[] bytes(JsonNode request) {
        try {
            return WRITER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
