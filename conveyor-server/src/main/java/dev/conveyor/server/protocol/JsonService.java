package dev.conveyor.server.protocol;

import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.servicemodel.ShapeNormalizer;
import dev.conveyor.model.servicemodel.ShapeValidator;
import java.util.Map;

/**
 * An AWS JSON service as served: its model (for target prefix and input shapes), the validator and normalizer every
 * request passes before its operation runs, and the operations built so far.
 * Operations the model has but the map lacks answer UnknownOperationException.
 */
public record JsonService(ServiceModel model, ShapeValidator validator, ShapeNormalizer normalizer,
                          Map<String, JsonOperation> operations) {
    public JsonService(ServiceModel model, Map<String, JsonOperation> operations) {
        this(model, new ShapeValidator(model), new ShapeNormalizer(model), Map.copyOf(operations));
    }

    public String targetPrefix() {
        return model.targetPrefix();
    }
}
