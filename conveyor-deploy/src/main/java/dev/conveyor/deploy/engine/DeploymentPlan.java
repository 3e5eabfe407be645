package dev.conveyor.deploy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of one deployment, decided when it is created and stored with it: the state machine carries them out
 * one at a time, committing each step's end before it starts the next.
 * <ul>
 *   <li>{@code RUN targets events}: the agents of those targets run those lifecycle events;</li>
 *   <li>{@code BLOCK targets} / {@code ALLOW targets}: the load balancer drains and disables, or enables, them;</li>
 *   <li>{@code SHIFT percent}: blue/green weights, {@code percent} of new requests to the replacement instances;</li>
 *   <li>{@code WAIT seconds}: a canary's or linear step's interval, or the wait before stopping the original fleet;</li>
 *   <li>{@code READY seconds}: wait for ContinueDeployment (deploymentReadyOption STOP_DEPLOYMENT).</li>
 * </ul>
 */
public final class DeploymentPlan {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeploymentPlan() {
    }

    /** In-place: batches sized by minimumHealthyHosts, each blocked, installed, validated and allowed when there is a load balancer. */
    public static ArrayNode inPlace(List<String> instances, int batchSize, boolean traffic) {
        ArrayNode plan = JSON.createArrayNode();
        for (int from = 0; from < instances.size(); from += batchSize) {
            List<String> batch = instances.subList(from, Math.min(instances.size(), from + batchSize));
            if (traffic) {
                run(plan, batch, List.of("BeforeBlockTraffic"));
                targets(plan, "BLOCK", batch);
                run(plan, batch, List.of("AfterBlockTraffic", "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
                        "ApplicationStart", "ValidateService", "BeforeAllowTraffic"));
                targets(plan, "ALLOW", batch);
                run(plan, batch, List.of("AfterAllowTraffic"));
            } else {
                run(plan, batch, LifecycleEvents.INSTALL);
            }
            ((ObjectNode) plan.get(plan.size() - 1)).put("batchEnd", true);
        }
        return plan;
    }

    /**
     * Blue/green: the replacement fleet is taken out of rotation, installed and validated while the original serves;
     * then (after ContinueDeployment when asked) traffic moves by the given percentages with waits between; then the
     * original fleet is drained and, unless kept alive, its application stopped after the termination wait.
     */
    public static ArrayNode blueGreen(List<String> green, List<String> blue, Integer readyWaitSeconds, List<int[]> shifts,
                                      Integer terminationWaitSeconds) {
        ArrayNode plan = JSON.createArrayNode();
        targets(plan, "BLOCK", green);
        run(plan, green, List.of("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall", "ApplicationStart",
                "ValidateService", "BeforeAllowTraffic"));
        if (readyWaitSeconds != null) {
            plan.addObject().put("type", "READY").put("seconds", readyWaitSeconds);
        }
        for (int[] shift : shifts) { // {percent, seconds to wait after}
            plan.addObject().put("type", "SHIFT").put("percent", shift[0]);
            if (shift[1] > 0) {
                plan.addObject().put("type", "WAIT").put("seconds", shift[1]);
            }
        }
        run(plan, green, List.of("AfterAllowTraffic"));
        run(plan, blue, List.of("BeforeBlockTraffic"));
        targets(plan, "BLOCK", blue);
        run(plan, blue, List.of("AfterBlockTraffic"));
        if (terminationWaitSeconds != null) {
            plan.addObject().put("type", "WAIT").put("seconds", terminationWaitSeconds);
            run(plan, blue, List.of("ApplicationStop"));
        }
        return plan;
    }

    /**
     * The percentages and waits a trafficRoutingConfig asks for (AllAtOnce when absent): {percent, seconds after}.
     * Intervals are in minutes, as CodeDeploy's; {@code secondsPerMinute} is 60 except in tests.
     */
    public static List<int[]> shifts(JsonNode trafficRoutingConfig, int secondsPerMinute) {
        String type = trafficRoutingConfig == null ? "AllAtOnce" : trafficRoutingConfig.path("type").asText("AllAtOnce");
        List<int[]> shifts = new ArrayList<>();
        switch (type) {
            case "TimeBasedCanary" -> {
                JsonNode canary = trafficRoutingConfig.path("timeBasedCanary");
                shifts.add(new int[] {canary.path("canaryPercentage").asInt(), canary.path("canaryInterval").asInt() * secondsPerMinute});
                shifts.add(new int[] {100, 0});
            }
            case "TimeBasedLinear" -> {
                JsonNode linear = trafficRoutingConfig.path("timeBasedLinear");
                int step = Math.max(1, linear.path("linearPercentage").asInt());
                int seconds = linear.path("linearInterval").asInt() * secondsPerMinute;
                for (int percent = step; percent < 100; percent += step) {
                    shifts.add(new int[] {percent, seconds});
                }
                shifts.add(new int[] {100, 0});
            }
            default -> shifts.add(new int[] {100, 0});
        }
        return shifts;
    }

    private static void run(ArrayNode plan, List<String> targets, List<String> events) {
        ObjectNode step = plan.addObject().put("type", "RUN");
        targets.forEach(step.putArray("targets")::add);
        events.forEach(step.putArray("events")::add);
    }

    private static void targets(ArrayNode plan, String type, List<String> targets) {
        ObjectNode step = plan.addObject().put("type", type);
        targets.forEach(step.putArray("targets")::add);
    }
}
