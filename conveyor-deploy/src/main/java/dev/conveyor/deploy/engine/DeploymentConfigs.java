package dev.conveyor.deploy.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CodeDeploy's predefined deployment configurations for the Server platform, and how a configuration sizes batches.
 * Custom ones are stored by the API; Conveyor also accepts a {@code trafficRoutingConfig} on a Server configuration
 * (beyond CodeDeploy), which blue/green deployments follow to shift weights in canary or linear steps.
 */
public final class DeploymentConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Map<String, ObjectNode> PREDEFINED = predefined();

    private DeploymentConfigs() {
    }

    private static Map<String, ObjectNode> predefined() {
        Map<String, ObjectNode> configs = new LinkedHashMap<>();
        configs.put("CodeDeployDefault.AllAtOnce", server("CodeDeployDefault.AllAtOnce", "HOST_COUNT", 0));
        configs.put("CodeDeployDefault.HalfAtATime", server("CodeDeployDefault.HalfAtATime", "FLEET_PERCENT", 50));
        configs.put("CodeDeployDefault.OneAtATime", server("CodeDeployDefault.OneAtATime", "MOST_CONCURRENCY", 1));
        return Map.copyOf(configs);
    }

    private static ObjectNode server(String name, String type, int value) {
        ObjectNode config = JSON.createObjectNode();
        config.put("deploymentConfigId", java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        config.put("deploymentConfigName", name);
        config.putObject("minimumHealthyHosts").put("type", type).put("value", value);
        config.put("createTime", 0);
        config.put("computePlatform", "Server");
        return config;
    }

    /** The fewest instances that must stay healthy among {@code total}, per the configuration's minimumHealthyHosts. */
    public static int minimumHealthy(ObjectNode config, int total) {
        String type = config.at("/minimumHealthyHosts/type").asText("HOST_COUNT");
        int value = config.at("/minimumHealthyHosts/value").asInt(0);
        return switch (type) {
            case "FLEET_PERCENT" -> (int) Math.ceil(total * value / 100.0);
            case "MOST_CONCURRENCY" -> Math.max(0, total - value);
            default -> value;
        };
    }

    /** How many instances are deployed to at once: all that minimumHealthyHosts lets go, at least one. */
    public static int batchSize(ObjectNode config, int total) {
        return Math.max(1, total - minimumHealthy(config, total));
    }
}
