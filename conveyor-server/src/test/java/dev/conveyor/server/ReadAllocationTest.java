package dev.conveyor.server;

import static dev.conveyor.server.SamplePipelines.cliExample;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;

/**
 * What the server allocates per signed read (issue 20: allocation per request is what fills the young generation, and
 * young pauses make GetPipeline's tail at a fixed offered load). Measured in this JVM as every thread's allocated bytes
 * less the calling (client) thread's, over batches of requests once warm; the least of the batches is kept, so that a
 * background thread of the server (the engine finishing the pipelines' first executions, the change feed) counts
 * only if it allocates in every batch. Allocation does not depend on timing, so the bounds are not timed assertions:
 * about 1.3 times what the path allocates now, and catch a path that starts building trees, regexes or copies
 * per request again (before the issue 20 work GetPipeline allocated about 41 KB per request, 21 KB after its first
 * round, 15–17 KB since the canonical request is hashed as written and Jetty's header cache is off).
 */
class ReadAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static ServerFixture server;

    @BeforeAll
    static void startServer() {
        server = new ServerFixture("h2");
        server.client().createPipeline(r -> r.pipeline(cliExample("allocation")));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void getPipelineAllocatesLittlePerRequest() {
        long perRequest = serverBytesPerRequest(c -> c.getPipeline(r -> r.name("allocation")));
        System.out.println("GetPipeline: server allocated " + perRequest + " bytes per request");
        assertThat(perRequest).isLessThan(22 * 1024);
    }

    @Test
    void getPipelineStateAllocatesLittlePerRequest() {
        long perRequest = serverBytesPerRequest(c -> c.getPipelineState(r -> r.name("allocation")));
        System.out.println("GetPipelineState: server allocated " + perRequest + " bytes per request");
        assertThat(perRequest).isLessThan(68 * 1024);
    }

    private static long serverBytesPerRequest(Consumer<CodePipelineClient> request) {
        CodePipelineClient client = server.client();
        for (int i = 0; i < 3_000; i++) {
            request.accept(client);
        }
        int batch = 500;
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long allBefore = THREADS.getTotalThreadAllocatedBytes();
            long mineBefore = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < batch; i++) {
                request.accept(client);
            }
            long mine = THREADS.getCurrentThreadAllocatedBytes() - mineBefore;
            long all = THREADS.getTotalThreadAllocatedBytes() - allBefore;
            least = Math.min(least, (all - mine) / batch);
        }
        return least;
    }
}
