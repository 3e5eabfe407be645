package dev.conveyor.providers.codebuild.reports;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Cucumber's JSON report (CUCUMBERJSON): an array of features, each with scenarios ({@code elements}) made of steps.
 * A scenario fails when a step failed, is skipped when a step was skipped, pending or undefined, and its duration is
 * its steps' (nanoseconds). Features are read one at a time, so a large report needs little memory.
 */
final class CucumberJson implements ReportFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void read(InputStream in, String rawDataPath, Consumer<TestCaseResult> sink) throws IOException, ReportFileException {
        try (JsonParser parser = JSON.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new ReportFileException("not a Cucumber JSON report: it must be an array of features");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode feature = JSON.readTree(parser);
                for (JsonNode scenario : feature.path("elements")) {
                    if (!"background".equals(scenario.path("type").asText())) {
                        sink.accept(scenario(feature, scenario, rawDataPath));
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ReportFileException("not valid JSON at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        }
    }

    private static TestCaseResult scenario(JsonNode feature, JsonNode scenario, String rawDataPath) {
        boolean failed = false;
        boolean skipped = false;
        long duration = 0;
        String message = null;
        for (JsonNode step : scenario.path("steps")) {
            JsonNode result = step.path("result");
            duration += result.path("duration").asLong(0);
            switch (result.path("status").asText()) {
                case "failed" -> {
                    if (!failed) {
                        message = TestCaseResult.message(step.path("keyword").asText("").strip() + " " + step.path("name").asText(""),
                                result.path("error_message").asText(null));
                    }
                    failed = true;
                }
                case "skipped", "pending", "undefined" -> skipped = true;
                default -> { }
            }
        }
        String status = failed ? TestCaseResult.FAILED : skipped ? TestCaseResult.SKIPPED : TestCaseResult.SUCCEEDED;
        String featureName = feature.path("name").asText(null);
        return new TestCaseResult(scenario.path("name").asText(""), featureName, featureName, status, duration, message, rawDataPath);
    }
}
