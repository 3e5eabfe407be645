package dev.conveyor.artifacts;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.store.ArtifactRepository;
import dev.conveyor.store.ArtifactRow;
import dev.conveyor.store.ExecutionArtifactsRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the artifacts of old executions according to a {@link RetentionPolicy}, never those the
 * {@link RetentionGuard} protects (running and latest-successful executions). Removing an artifact deletes its
 * object version for good and forgets its audit trail.
 */
public final class ArtifactRetention {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactRetention.class);

    private final ObjectStore objects;
    private final ArtifactRepository artifacts;
    private final RetentionGuard guard;
    private final RetentionPolicy policy;
    private final Clock clock;

    public ArtifactRetention(ObjectStore objects, ArtifactRepository artifacts, RetentionGuard guard, RetentionPolicy policy, Clock clock) {
        this.objects = objects;
        this.artifacts = artifacts;
        this.guard = guard;
        this.policy = policy;
        this.clock = clock;
    }

    /** What one run removed. */
    public record Report(List<String> removedExecutions, int removedArtifacts) {
    }

    /** Applies the policy to every pipeline once. */
    public Report run() {
        if (policy.keepsAll()) {
            return new Report(List.of(), 0);
        }
        Instant now = clock.instant();
        List<String> removedExecutions = new ArrayList<>();
        int removedArtifacts = 0;
        for (String pipeline : artifacts.pipelines()) {
            Set<String> protectedIds = guard.protectedExecutions(pipeline);
            List<ExecutionArtifactsRow> executions = artifacts.executions(pipeline);
            for (int i = 0; i < executions.size(); i++) {
                ExecutionArtifactsRow execution = executions.get(i);
                boolean recentEnough = policy.keepExecutions() > 0 && i < policy.keepExecutions();
                boolean youngEnough = policy.maxAge() != null && execution.lastStored().isAfter(now.minus(policy.maxAge()));
                if (recentEnough || youngEnough || protectedIds.contains(execution.pipelineExecutionId())) {
                    continue;
                }
                for (ArtifactRow artifact : artifacts.producedBy(execution.pipelineExecutionId())) {
                    try {
                        objects.deleteObject(artifact.bucket(), artifact.key(), artifact.versionId());
                    } catch (S3Exception e) {
                        LOG.debug("artifact object {}/{} already gone: {}", artifact.bucket(), artifact.key(), e.getMessage());
                    }
                    artifacts.delete(artifact.id());
                    removedArtifacts++;
                }
                removedExecutions.add(execution.pipelineExecutionId());
            }
        }
        if (!removedExecutions.isEmpty()) {
            LOG.info("artifact retention removed {} artifacts of {} executions", removedArtifacts, removedExecutions.size());
        }
        return new Report(removedExecutions, removedArtifacts);
    }
}
