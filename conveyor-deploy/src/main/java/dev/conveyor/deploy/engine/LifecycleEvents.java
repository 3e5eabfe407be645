package dev.conveyor.deploy.engine;

import java.util.List;

/**
 * CodeDeploy's lifecycle events for the Server platform, in the order it runs them. {@code BlockTraffic} and
 * {@code AllowTraffic} are the load balancer's (the server does them); {@code DownloadBundle} and {@code Install} are
 * the agent's own work (no hooks); every other event runs the appspec's hooks of that name.
 */
public final class LifecycleEvents {
    public static final String BLOCK_TRAFFIC = "BlockTraffic";
    public static final String ALLOW_TRAFFIC = "AllowTraffic";
    public static final List<String> INSTALL = List.of("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService");

    private LifecycleEvents() {
    }

    /** In-place with a load balancer: block, install, validate, allow. */
    public static final List<String> IN_PLACE_WITH_TRAFFIC = List.of("BeforeBlockTraffic", BLOCK_TRAFFIC, "AfterBlockTraffic",
            "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall", "ApplicationStart", "ValidateService",
            "BeforeAllowTraffic", ALLOW_TRAFFIC, "AfterAllowTraffic");

    /** A blue/green replacement instance: install, validate, then receive traffic. */
    public static final List<String> REPLACEMENT = List.of("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService", "BeforeAllowTraffic", ALLOW_TRAFFIC, "AfterAllowTraffic");

    /** A blue/green original instance: traffic taken away (then, with TERMINATE, its application stopped). */
    public static final List<String> ORIGINAL = List.of("BeforeBlockTraffic", BLOCK_TRAFFIC, "AfterBlockTraffic");

    /** The events an agent runs hooks or work for (not the load balancer's). */
    public static boolean onHost(String event) {
        return !BLOCK_TRAFFIC.equals(event) && !ALLOW_TRAFFIC.equals(event);
    }
}
