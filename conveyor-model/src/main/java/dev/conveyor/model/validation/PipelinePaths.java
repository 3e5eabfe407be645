package dev.conveyor.model.validation;

/** Builds member paths in the form ShapeValidator uses, rooted at {@code pipeline} with zero-based indices. */
final class PipelinePaths {
    static final String PIPELINE = "pipeline";

    private PipelinePaths() {
    }

    static String pipeline(String member) {
        return PIPELINE + "." + member;
    }

    static String stage(int stage) {
        return PIPELINE + ".stages[" + stage + "]";
    }

    static String stage(int stage, String member) {
        return stage(stage) + "." + member;
    }

    static String action(int stage, int action) {
        return stage(stage) + ".actions[" + action + "]";
    }

    static String action(int stage, int action, String member) {
        return action(stage, action) + "." + member;
    }

    static String trigger(int trigger, String member) {
        return PIPELINE + ".triggers[" + trigger + "]." + member;
    }
}
