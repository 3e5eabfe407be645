package dev.conveyor.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conveyor events dead-letters|redrive}: notification deliveries that kept failing (docs/notifications.md), and
 * putting one back in its lane once its receiver works again.
 */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Dead-lettered notification deliveries, and redriving them.",
        subcommands = {EventsCommand.DeadLetters.class, EventsCommand.Redrive.class})
public final class EventsCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static JsonNode answer(HttpResponse<String> response, String what) throws IOException {
        JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new CommandFailure(body.path("__type").asText("HTTP " + response.statusCode()) + ": "
                    + body.path("message").asText("cannot " + what));
        }
        return body;
    }

    /** {@code conveyor events dead-letters}: a table of dead-lettered deliveries, newest first. */
    @Command(name = "dead-letters", mixinStandardHelpOptions = true, description = "List deliveries that were given up on.")
    static final class DeadLetters extends ClientCommand {
        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode body = answer(client.conveyorRequest("GET", "/conveyor/v1/events/dead-letters"), "list dead letters");
            PrintWriter out = spec.commandLine().getOut();
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode d : body.path("DeadLetters")) {
                rows.add(List.of(d.path("Id").asText(), d.path("Kind").asText(), d.path("Endpoint").asText(), d.path("Attempts").asText(),
                        d.path("LastError").asText()));
            }
            if (rows.isEmpty()) {
                out.println("No dead letters.");
            } else {
                for (List<String> row : rows) {
                    out.println(String.join("  ", row));
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code conveyor events redrive ID}: delivers a dead letter again. */
    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "Deliver a dead-lettered delivery again.")
    static final class Redrive extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter's id (from conveyor events dead-letters).")
        String id;

        @Override
        public Integer call() throws IOException, InterruptedException {
            answer(client.conveyorRequest("POST", "/conveyor/v1/events/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + "/redrive"), "redrive " + id);
            spec.commandLine().getOut().println("Delivery " + id + " is queued again.");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
