package dev.conveyor.bench;

import java.util.List;
import java.util.stream.IntStream;

/**
 * One kind of request the driver repeats: a CodePipeline operation and the request bodies it draws from at random
 * (one body per stored pipeline for GetPipeline, a single body for a listing).
 *
 * @param id           the name used on the command line and in the report, e.g. {@code GetPipeline}
 * @param operation    the CodePipeline operation in {@code X-Amz-Target}
 * @param bodies       the request bodies; each request picks one uniformly at random
 * @param conveyorOnly true when the workload is not run against moto (it would measure nothing new there)
 */
record Workload(String id, String operation, List<String> bodies, boolean conveyorOnly) {
    static final String GET_PIPELINE = "GetPipeline";
    static final String LIST_PIPELINES = "ListPipelines";
    static final String LIST_PIPELINES_100 = "ListPipelines-max100";
    static final String GET_PIPELINE_STATE = "GetPipelineState";
    static final List<String> ALL_IDS = List.of(GET_PIPELINE, LIST_PIPELINES, LIST_PIPELINES_100, GET_PIPELINE_STATE);

    /** The workload called {@code id}, over {@code pipelines} stored pipelines. */
    static Workload named(String id, int pipelines) {
        return switch (id) {
            case GET_PIPELINE -> new Workload(id, "GetPipeline",
                    IntStream.range(0, pipelines).mapToObj(PipelineFixture::getBody).toList(), false);
            // Default page size: Conveyor returns its first page (100, as CodePipeline); moto ignores paging and
            // returns every pipeline, so its figure is for a much larger response (the report says so).
            case LIST_PIPELINES -> new Workload(id, "ListPipelines", List.of("{}"), false);
            // moto ignores maxResults, so on moto this would repeat the previous row.
            case LIST_PIPELINES_100 -> new Workload(id, "ListPipelines", List.of("{\"maxResults\":100}"), true);
            // moto does not implement GetPipelineState (it answers an error), so there is no peer to compare with.
            case GET_PIPELINE_STATE -> new Workload(id, "GetPipelineState",
                    IntStream.range(0, pipelines).mapToObj(PipelineFixture::getBody).toList(), true);
            default -> throw new IllegalArgumentException("unknown workload " + id + " (known: " + ALL_IDS + ")");
        };
    }

    /** Every request of this workload, serialized for a server on {@code port}. */
    byte[][] requests(int port) {
        return bodies.stream().map(body -> AwsJsonRequest.of(port, operation, body)).toArray(byte[][]::new);
    }

    /** What the request body looks like, for the report. */
    String exampleBody() {
        return bodies.get(0);
    }
}
