package dev.conveyor.model.servicemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Reading the service models: once per process, whoever asks first, and a clear failure for a model not shipped. */
class ServiceModelTest {
    @Test
    void threadsAskingTogetherGetTheOneModelReadOnce() {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<ServiceModel>> asks = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return ServiceModel.load("codebuild-2016-10-06.json");
                }))
                .toList();
        go.countDown();

        ServiceModel first = asks.getFirst().join();
        assertThat(asks).allSatisfy(ask -> assertThat(ask.join()).isSameAs(first));
        assertThat(ServiceModel.codeBuild()).isSameAs(first);
        assertThat(first.targetPrefix()).isEqualTo("CodeBuild_20161006");
        assertThat(first.operation("StartBuild")).isPresent();
    }

    @Test
    void aModelNotShippedFailsEachTimeItIsAskedFor() {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> ServiceModel.load("no-such-service-2020-01-01.json"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/dev/conveyor/model/servicemodel/no-such-service-2020-01-01.json");
        }
    }
}
