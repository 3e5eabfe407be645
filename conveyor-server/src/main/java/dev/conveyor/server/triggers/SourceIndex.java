package dev.conveyor.server.triggers;

import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.GitConfiguration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineTriggerDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.changes.ChangeFeed;
import dev.conveyor.store.source.PipelineVersions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source actions of every pipeline's current version, kept in memory. The store's change feed tells of every
 * pipeline write, in this process or another replica: while it is reliable, a read with no write since the last one
 * answers from memory without a query. After a write, a gap in the feed, or always while the feed is not reliable
 * (H2 over TCP), a read first compares a fingerprint of the pipeline table (one aggregate query over it) and
 * re-reads only the pipelines that changed; a full re-read every {@code maxAge} covers what a fingerprint cannot
 * tell apart.
 */
public final class SourceIndex {
    private static final Logger LOG = LoggerFactory.getLogger(SourceIndex.class);

    private final PipelineVersions versions;
    private final PipelineRepository pipelines;
    private final Clock clock;
    private final Duration maxAge;
    /** Pipeline writes (and feed gaps) heard of so far; the index is current as of {@link #checkedAt} of them. */
    private final AtomicLong writesHeard = new AtomicLong();
    private long checkedAt = -1;
    private long fingerprintReads;
    private String fingerprint;
    private Instant refreshedAt = Instant.MIN;
    private Map<String, PipelineVersions.Version> known = Map.of();
    private Map<String, List<SourceAction>> byPipeline = Map.of();
    private List<SourceAction> all = List.of();

    public SourceIndex(PipelineVersions versions, PipelineRepository pipelines, Clock clock, Duration maxAge) {
        this.versions = versions;
        this.pipelines = pipelines;
        this.clock = clock;
        this.maxAge = maxAge;
        pipelines.subscribe(new ChangeFeed.Listener() {
            @Override
            public void changed(String name) {
                writesHeard.incrementAndGet();
            }

            @Override
            public void gap() {
                writesHeard.incrementAndGet();
            }
        });
    }

    /** Every source action of every pipeline, current as of this call. */
    public synchronized List<SourceAction> all() {
        Instant at = clock.instant();
        boolean expired = at.isAfter(refreshedAt.plus(maxAge));
        // Read before the fingerprint: a write heard while it is being read is checked again at the next call.
        long heard = writesHeard.get();
        if (!expired && heard == checkedAt && pipelines.changesReliable()) {
            return all;
        }
        String now = versions.fingerprint();
        fingerprintReads++;
        if (expired || !now.equals(fingerprint)) {
            refresh();
            fingerprint = now;
            refreshedAt = at;
        }
        checkedAt = heard;
        return all;
    }

    /** How many times a read had to query the pipeline table's fingerprint (for tests). */
    synchronized long fingerprintReads() {
        return fingerprintReads;
    }

    /** The source actions of one pipeline. */
    public List<SourceAction> of(String pipelineName) {
        all();
        synchronized (this) {
            return byPipeline.getOrDefault(pipelineName, List.of());
        }
    }

    private void refresh() {
        Map<String, PipelineVersions.Version> current = versions.current();
        Map<String, List<SourceAction>> next = new HashMap<>();
        for (Map.Entry<String, PipelineVersions.Version> e : current.entrySet()) {
            List<SourceAction> cached = byPipeline.get(e.getKey());
            if (cached != null && e.getValue().equals(known.get(e.getKey()))) {
                next.put(e.getKey(), cached);
                continue;
            }
            try {
                String json = pipelines.get(e.getKey(), e.getValue().version()).declarationJson();
                next.put(e.getKey(), sourcesOf(ConveyorJson.read(json, PipelineDeclaration.class), e.getValue().version()));
            } catch (RuntimeException ex) {
                LOG.debug("pipeline {} changed while it was indexed: {}", e.getKey(), ex.toString());
            }
        }
        known = current;
        byPipeline = next;
        List<SourceAction> flat = new ArrayList<>();
        next.values().forEach(flat::addAll);
        all = List.copyOf(flat);
    }

    static List<SourceAction> sourcesOf(PipelineDeclaration pipeline, int version) {
        if (pipeline.stagesOrEmpty().isEmpty()) {
            return List.of();
        }
        StageDeclaration first = pipeline.stagesOrEmpty().getFirst();
        List<SourceAction> sources = new ArrayList<>();
        for (ActionDeclaration action : first.actionsOrEmpty()) {
            if (action.actionTypeId() == null || !"Source".equals(action.actionTypeId().category())) {
                continue;
            }
            GitConfiguration trigger = null;
            for (PipelineTriggerDeclaration t : pipeline.triggersOrEmpty()) {
                if (t != null && t.gitConfiguration() != null && action.name().equals(t.gitConfiguration().sourceActionName())) {
                    trigger = t.gitConfiguration();
                }
            }
            sources.add(new SourceAction(pipeline.name(), version, action, trigger));
        }
        return List.copyOf(sources);
    }
}
