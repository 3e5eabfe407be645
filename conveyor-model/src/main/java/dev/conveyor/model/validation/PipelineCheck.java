package dev.conveyor.model.validation;

import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.List;

/** One family of rules. A check adds every violation it finds and never stops at the first. */
interface PipelineCheck {
    void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out);
}
