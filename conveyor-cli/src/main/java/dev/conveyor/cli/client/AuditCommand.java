package dev.conveyor.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.json.ConveyorJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;

/**
 * {@code conveyor audit [--user U] [--event-name E] [--since 1h]}: the server's audit trail, newest first, through
 * CloudTrail's LookupEvents (so {@code aws cloudtrail lookup-events} shows the same): when, who, what, on which
 * resources, from where, and how it ended.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit trail: who changed what, and every refused or failed call (newest first).")
public final class AuditCommand extends ClientCommand {
    @Option(names = "--user", paramLabel = "NAME", description = "Only calls by this user (an IAM user's name, a role session's, or root).")
    String user;

    @Option(names = "--event-name", paramLabel = "NAME", description = "Only this operation, e.g. CreatePipeline or PutObject.")
    String eventName;

    @Option(names = "--resource", paramLabel = "NAME", description = "Only calls naming this resource, e.g. a pipeline's name.")
    String resource;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only calls since then: a duration back from now (30m, 12h, 7d) "
            + "or a time (2026-01-31T12:00:00Z). Default: everything kept (90 days).")
    String since;

    @Option(names = "--max", defaultValue = "100", description = "Show at most this many events (default: ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
        if (max < 1) {
            throw new CommandFailure("--max must be at least 1, not " + max);
        }
        List<LookupAttribute> attributes = new ArrayList<>();
        add(attributes, LookupAttributeKey.USERNAME, user);
        add(attributes, LookupAttributeKey.EVENT_NAME, eventName);
        add(attributes, LookupAttributeKey.RESOURCE_NAME, resource);
        LookupEventsRequest.Builder request = LookupEventsRequest.builder().lookupAttributes(attributes).maxResults(Math.min(50, max));
        if (since != null) {
            request.startTime(since(since, Instant.now()));
        }
        TextTable table = new TextTable("TIME", "USER", "EVENT", "SOURCE", "RESOURCES", "FROM", "RESULT");
        int shown = 0;
        try (CloudTrailClient cloudTrail = client.cloudTrail()) {
            for (var page : cloudTrail.lookupEventsPaginator(request.build())) {
                for (Event event : page.events()) {
                    if (shown++ == max) {
                        break;
                    }
                    JsonNode record = ConveyorJson.read(event.cloudTrailEvent(), JsonNode.class);
                    String source = event.eventSource().replace(".amazonaws.com", "");
                    String resources = event.resources().stream().map(r -> r.resourceName()).distinct().collect(Collectors.joining(", "));
                    String result = record.hasNonNull("errorCode") ? record.get("errorCode").asText() : "ok";
                    table.row(Times.local(event.eventTime()), event.username(), event.eventName(), source, resources,
                            record.path("sourceIPAddress").asText(null), result);
                }
                if (shown > max) {
                    break;
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        table.lines().forEach(out::println);
        out.flush();
        return 0;
    }

    private static void add(List<LookupAttribute> attributes, LookupAttributeKey key, String value) {
        if (value != null) {
            attributes.add(LookupAttribute.builder().attributeKey(key).attributeValue(value).build());
        }
    }

    /** {@code 30m}, {@code 12h}, {@code 7d} back from {@code now}, or an ISO 8601 instant. */
    static Instant since(String value, Instant now) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.matches("[0-9]+[smhd]")) {
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            Duration unit = switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(1);
                case 'm' -> Duration.ofMinutes(1);
                case 'h' -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new CommandFailure("--since must be a duration like 30m, 12h or 7d, or a time like 2026-01-31T12:00:00Z, not '"
                    + value + "'");
        }
    }
}
