package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.pipeline.ArtifactStore;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.List;
import java.util.Map;

/**
 * Where artifacts are kept and which actions may run in another region. A pipeline declares exactly one of
 * artifactStore (all actions in the pipeline's region) and artifactStores (one S3 bucket per region, including the
 * pipeline's own); an action with a region other than the pipeline's needs artifactStores with that region.
 * Source, third-party and custom actions cannot be cross-region (pipeline structure reference).
 *
 * <p>The pipeline's home region is the server's. When it is not known, any action {@code region} counts as
 * cross-region for the artifact store rule, and the source/third-party/custom rule is skipped because it cannot
 * tell a cross-region action from one that merely names its own region.
 *
 * <p>Error types: the artifact store layout is pipeline structure ({@code InvalidStructureException}); a
 * cross-region source or third-party action is wrong for that action alone ({@code InvalidActionDeclarationException}).
 */
final class ArtifactStoreCheck implements PipelineCheck {
    static final String S3 = "S3";

    private final String homeRegion;

    ArtifactStoreCheck(String homeRegion) {
        this.homeRegion = homeRegion;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        ArtifactStore store = pipeline.artifactStore();
        Map<String, ArtifactStore> stores = pipeline.artifactStores() == null ? Map.of() : pipeline.artifactStores();
        boolean single = store != null;
        boolean perRegion = !stores.isEmpty();
        if (single && perRegion) {
            out.add(new Violation(InvalidStructureException.class, PipelinePaths.pipeline("artifactStores"),
                    "A pipeline declares either artifactStore or artifactStores, not both."));
        } else if (!single && !perRegion) {
            out.add(new Violation(InvalidStructureException.class, PipelinePaths.pipeline("artifactStore"),
                    "A pipeline must declare artifactStore, or artifactStores for cross-region actions."));
        }
        if (single && store.type() != null && !S3.equals(store.type())) {
            out.add(new Violation(InvalidStructureException.class, PipelinePaths.pipeline("artifactStore.type"),
                    "Artifact store type must be S3, not '%s'.".formatted(store.type())));
        }
        stores.forEach((region, regional) -> {
            if (regional != null && regional.type() != null && !S3.equals(regional.type())) {
                out.add(new Violation(InvalidStructureException.class,
                        PipelinePaths.pipeline("artifactStores." + region + ".type"),
                        "Artifact store type must be S3, not '%s'.".formatted(regional.type())));
            }
        });
        if (perRegion && homeRegion != null && !stores.containsKey(homeRegion)) {
            out.add(new Violation(InvalidStructureException.class, PipelinePaths.pipeline("artifactStores"),
                    "artifactStores must include an artifact store for the pipeline's own region, %s."
                            .formatted(homeRegion)));
        }
        for (LocatedAction action : index.actions()) {
            checkActionRegion(action, single, perRegion, stores, out);
        }
    }

    private void checkActionRegion(LocatedAction action, boolean single, boolean perRegion,
            Map<String, ArtifactStore> stores, List<Violation> out) {
        String region = action.declaration().region();
        if (region == null) {
            return;
        }
        String path = action.path("region");
        boolean crossRegion = homeRegion == null || !homeRegion.equals(region);
        if (perRegion && !stores.containsKey(region)) {
            out.add(new Violation(InvalidStructureException.class, path,
                    "Action '%s' runs in region %s, for which artifactStores has no artifact store."
                            .formatted(action.name(), region)));
        } else if (single && !perRegion && crossRegion) {
            out.add(new Violation(InvalidStructureException.class, path,
                    ("Action '%s' runs in region %s, which needs artifactStores with an artifact store for %s "
                            + "instead of artifactStore.").formatted(action.name(), region, region)));
        }
        if (homeRegion != null && crossRegion && action.typeId() != null && cannotCrossRegions(action)) {
            out.add(new Violation(InvalidActionDeclarationException.class, path,
                    "Action '%s' cannot run in another region: source, third-party and custom actions run in the pipeline's region."
                            .formatted(action.name())));
        }
    }

    private static boolean cannotCrossRegions(LocatedAction action) {
        String owner = action.typeId().owner();
        return action.isSource()
                || ActionTypeDefinition.OWNER_THIRD_PARTY.equals(owner)
                || ActionTypeDefinition.OWNER_CUSTOM.equals(owner);
    }
}
