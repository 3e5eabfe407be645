package dev.conveyor.deploy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.errors.DeploymentGroupDoesNotExistException;
import dev.conveyor.deploy.errors.InvalidBlueGreenDeploymentConfigurationException;
import dev.conveyor.deploy.errors.InvalidLoadBalancerInfoException;
import dev.conveyor.deploy.errors.InvalidRevisionException;
import dev.conveyor.deploy.errors.InvalidTargetInstancesException;
import dev.conveyor.deploy.errors.RevisionRequiredException;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeployRepository.DeploymentRow;
import dev.conveyor.deploy.store.DeployRepository.GroupRow;
import dev.conveyor.deploy.store.DeployRepository.InstanceRow;
import dev.conveyor.deploy.store.DeployRepository.TargetRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Making deployments: which instances a group targets, the revision pinned, the plan decided, all stored in one
 * transaction before anything runs. Used by CreateDeployment and by automatic rollbacks.
 */
public final class Deployments {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final DeployRepository repo;
    private final RevisionStore revisions;
    private final Clock clock;
    private final DeploySettings settings;

    public Deployments(DeployRepository repo, RevisionStore revisions, Clock clock, DeploySettings settings) {
        this.repo = repo;
        this.revisions = revisions;
        this.clock = clock;
        this.settings = settings;
    }

    public DeployRepository repository() {
        return repo;
    }

    public RevisionStore revisions() {
        return revisions;
    }

    public static String newDeploymentId() {
        StringBuilder id = new StringBuilder("d-");
        for (int i = 0; i < 9; i++) {
            id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    /** Whether an instance's tags match a list of tag filters (any of them), as CodeDeploy's KEY_ONLY, VALUE_ONLY, KEY_AND_VALUE. */
    public static boolean matches(Map<String, String> tags, JsonNode filters) {
        if (filters == null || !filters.isArray() || filters.isEmpty()) {
            return false;
        }
        for (JsonNode filter : filters) {
            String key = filter.path("Key").asText(null);
            String value = filter.path("Value").asText(null);
            String type = filter.path("Type").asText(value == null ? "KEY_ONLY" : key == null ? "VALUE_ONLY" : "KEY_AND_VALUE");
            boolean hit = switch (type) {
                case "KEY_ONLY" -> key != null && tags.containsKey(key);
                case "VALUE_ONLY" -> value != null && tags.containsValue(value);
                default -> key != null && value != null && value.equals(tags.get(key));
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /** The registered (not deregistered) on-premises instances a group's tag filters or tag set select, by name. */
    public List<InstanceRow> groupInstances(ObjectNode group) {
        List<InstanceRow> selected = new ArrayList<>();
        for (InstanceRow instance : repo.instances()) {
            if (instance.document().hasNonNull("deregisterTime")) {
                continue;
            }
            boolean hit = matches(instance.tags(), group.get("onPremisesInstanceTagFilters"));
            JsonNode set = group.path("onPremisesTagSet").path("onPremisesTagSetList");
            if (!hit && set.isArray() && !set.isEmpty()) {
                hit = true;
                for (JsonNode filters : set) {
                    hit &= matches(instance.tags(), filters);
                }
            }
            if (hit) {
                selected.add(instance);
            }
        }
        return selected;
    }

    /** The HAProxy backend a group's traffic goes through (its first target group's name), or null without one. */
    public static String backend(ObjectNode group) {
        JsonNode info = group.path("loadBalancerInfo");
        for (String list : List.of("targetGroupInfoList", "elbInfoList")) {
            JsonNode first = info.path(list).path(0).path("name");
            if (first.isTextual() && !first.asText().isEmpty()) {
                return first.asText();
            }
        }
        return null;
    }

    /** What CreateDeployment (or a rollback) asks for beyond group and revision. */
    public record Request(ObjectNode revision, String configName, ObjectNode config, String description, String creator,
                          boolean ignoreApplicationStopFailures, String fileExistsBehavior, JsonNode targetInstances,
                          JsonNode autoRollbackOverride, String rollbackTriggeringDeploymentId, boolean trafficOnlyRollback) {
    }

    /** Checks the revision, decides targets and plan, and stores the deployment (status Created) with its targets. */
    public DeploymentRow create(GroupRow groupRow, Request request) {
        return createWithId(groupRow, request, newDeploymentId());
    }

    /** As {@link #create}, with an id decided before (a rollback's, committed with the deployment it rolls back). */
    public DeploymentRow createWithId(GroupRow groupRow, Request request, String id) {
        ObjectNode group = groupRow.document();
        ObjectNode revision = pinRevision(request.revision());
        String style = group.path("deploymentStyle").path("deploymentType").asText("IN_PLACE");
        boolean traffic = "WITH_TRAFFIC_CONTROL".equals(group.path("deploymentStyle").path("deploymentOption").asText("WITHOUT_TRAFFIC_CONTROL"));
        String backend = backend(group);
        if (traffic && backend == null) {
            throw new InvalidLoadBalancerInfoException("deploymentStyle WITH_TRAFFIC_CONTROL needs loadBalancerInfo.targetGroupInfoList with "
                    + "the name of the HAProxy backend", "loadBalancerInfo");
        }
        List<String> instances = groupInstances(group).stream().map(InstanceRow::name).toList();
        long now = clock.millis();
        ArrayNode plan;
        Map<String, String> roles = new java.util.LinkedHashMap<>();
        Map<String, List<String>> events = new java.util.LinkedHashMap<>();
        ObjectNode internal = JSON.createObjectNode();
        if ("BLUE_GREEN".equals(style)) {
            if (!traffic) {
                throw new InvalidBlueGreenDeploymentConfigurationException("a blue/green deployment moves traffic: the group's deploymentStyle "
                        + "must be WITH_TRAFFIC_CONTROL", "deploymentStyle.deploymentOption");
            }
            JsonNode bg = group.path("blueGreenDeploymentConfiguration");
            String provisioning = bg.path("greenFleetProvisioningOption").path("action").asText("DISCOVER_EXISTING");
            if (!"DISCOVER_EXISTING".equals(provisioning)) {
                throw new InvalidBlueGreenDeploymentConfigurationException("on-premises instances cannot be provisioned: use "
                        + "greenFleetProvisioningOption DISCOVER_EXISTING", "blueGreenDeploymentConfiguration.greenFleetProvisioningOption.action");
            }
            JsonNode filters = request.targetInstances() == null ? null : request.targetInstances().get("tagFilters");
            if (request.trafficOnlyRollback()) {
                filters = null;
            } else if (filters == null || filters.isEmpty()) {
                throw new InvalidTargetInstancesException("a blue/green deployment to on-premises instances names its replacement fleet with "
                        + "targetInstances.tagFilters", "targetInstances.tagFilters");
            }
            Set<String> green = new java.util.LinkedHashSet<>();
            if (filters != null) {
                for (InstanceRow instance : repo.instances()) {
                    if (!instance.document().hasNonNull("deregisterTime") && matches(instance.tags(), filters)) {
                        green.add(instance.name());
                    }
                }
            }
            List<String> blue = instances.stream().filter(i -> !green.contains(i)).toList();
            if (request.trafficOnlyRollback()) {
                // A blue/green rollback: the original fleet still runs the last good revision; traffic goes back to it.
                JsonNode replacement = request.targetInstances() == null ? JSON.createArrayNode() : request.targetInstances().path("replacement");
                List<String> failedGreen = new ArrayList<>();
                replacement.forEach(n -> failedGreen.add(n.asText()));
                blue = instances.stream().filter(i -> !failedGreen.contains(i)).toList();
                plan = JSON.createArrayNode();
                ObjectNode allow = plan.addObject().put("type", "ALLOW");
                blue.forEach(allow.putArray("targets")::add);
                ObjectNode block = plan.addObject().put("type", "BLOCK");
                failedGreen.forEach(block.putArray("targets")::add);
                blue.forEach(b -> {
                    roles.put(b, "Blue");
                    events.put(b, List.of(LifecycleEvents.ALLOW_TRAFFIC));
                });
                failedGreen.forEach(g -> {
                    roles.put(g, "Green");
                    events.put(g, List.of(LifecycleEvents.BLOCK_TRAFFIC));
                });
            } else {
                if (green.isEmpty()) {
                    throw new InvalidTargetInstancesException("no registered on-premises instance matches targetInstances.tagFilters",
                            "targetInstances.tagFilters");
                }
                JsonNode ready = bg.path("deploymentReadyOption");
                Integer readyWait = "STOP_DEPLOYMENT".equals(ready.path("actionOnTimeout").asText("CONTINUE_DEPLOYMENT"))
                        ? ready.path("waitTimeInMinutes").asInt(0) * settings.secondsPerMinute() : null;
                JsonNode termination = bg.path("terminateBlueInstancesOnDeploymentSuccess");
                Integer terminationWait = "TERMINATE".equals(termination.path("action").asText("KEEP_ALIVE"))
                        ? termination.path("terminationWaitTimeInMinutes").asInt(0) * settings.secondsPerMinute() : null;
                plan = DeploymentPlan.blueGreen(List.copyOf(green), blue, readyWait,
                        DeploymentPlan.shifts(request.config().get("trafficRoutingConfig"), settings.secondsPerMinute()), terminationWait);
                green.forEach(g -> {
                    roles.put(g, "Green");
                    events.put(g, LifecycleEvents.REPLACEMENT);
                });
                for (String b : blue) {
                    roles.put(b, "Blue");
                    List<String> original = new ArrayList<>(LifecycleEvents.ORIGINAL);
                    if (terminationWait != null) {
                        original.add("ApplicationStop");
                    }
                    events.put(b, original);
                }
            }
        } else {
            if (instances.isEmpty()) {
                throw new InvalidTargetInstancesException("the deployment group " + groupRow.name() + " matches no registered on-premises "
                        + "instance (onPremisesInstanceTagFilters)", "deploymentGroupName");
            }
            int batch = DeploymentConfigs.batchSize(request.config(), instances.size());
            plan = DeploymentPlan.inPlace(instances, batch, traffic);
            instances.forEach(i -> {
                roles.put(i, "InPlace");
                events.put(i, traffic ? LifecycleEvents.IN_PLACE_WITH_TRAFFIC : LifecycleEvents.INSTALL);
            });
        }
        internal.put("groupId", groupRow.id());
        internal.put("backend", backend);
        internal.put("minimumHealthy", DeploymentConfigs.minimumHealthy(request.config(), instances.size()));
        internal.put("mostConcurrency", "MOST_CONCURRENCY".equals(request.config().at("/minimumHealthyHosts/type").asText()));
        internal.put("cleanup", "none");

        ObjectNode doc = JSON.createObjectNode();
        doc.put("applicationName", groupRow.application());
        doc.put("deploymentGroupName", groupRow.name());
        doc.put("deploymentConfigName", request.configName());
        doc.put("deploymentId", id);
        doc.set("revision", revision);
        doc.put("status", "Created");
        doc.put("createTime", now / 1000.0);
        doc.put("creator", request.creator());
        if (request.description() != null) {
            doc.put("description", request.description());
        }
        doc.put("ignoreApplicationStopFailures", request.ignoreApplicationStopFailures());
        doc.put("fileExistsBehavior", request.fileExistsBehavior() == null ? "DISALLOW" : request.fileExistsBehavior());
        doc.set("deploymentStyle", group.path("deploymentStyle").isMissingNode()
                ? JSON.createObjectNode().put("deploymentType", "IN_PLACE").put("deploymentOption", "WITHOUT_TRAFFIC_CONTROL")
                : group.get("deploymentStyle").deepCopy());
        if (group.has("loadBalancerInfo")) {
            doc.set("loadBalancerInfo", group.get("loadBalancerInfo").deepCopy());
        }
        if (group.has("blueGreenDeploymentConfiguration")) {
            doc.set("blueGreenDeploymentConfiguration", group.get("blueGreenDeploymentConfiguration").deepCopy());
        }
        JsonNode rollback = request.autoRollbackOverride() != null ? request.autoRollbackOverride() : group.get("autoRollbackConfiguration");
        if (rollback != null) {
            doc.set("autoRollbackConfiguration", rollback.deepCopy());
        }
        if (request.targetInstances() != null && request.targetInstances().has("tagFilters")) {
            doc.putObject("targetInstances").set("tagFilters", request.targetInstances().get("tagFilters").deepCopy());
        }
        // A rollback is not watched by the alarms: the alarm that stopped a deployment is most likely still firing.
        if (group.has("alarmConfiguration") && !"codeDeployRollback".equals(request.creator())) {
            internal.set("alarmConfiguration", group.get("alarmConfiguration").deepCopy());
        }
        doc.put("computePlatform", "Server");
        Optional.ofNullable(groupRow.lastSuccess()).flatMap(repo::deployment)
                .ifPresent(previous -> doc.set("previousRevision", previous.document().get("revision").deepCopy()));
        if (request.rollbackTriggeringDeploymentId() != null) {
            doc.putObject("rollbackInfo").put("rollbackTriggeringDeploymentId", request.rollbackTriggeringDeploymentId());
        }
        doc.set("_", internal);
        List<TargetRow> targets = new ArrayList<>();
        for (var e : events.entrySet()) {
            ArrayNode lifecycle = JSON.createArrayNode();
            e.getValue().forEach(event -> lifecycle.addObject().put("lifecycleEventName", event).put("status", "Pending"));
            targets.add(new TargetRow(id, e.getKey(), "Pending", roles.get(e.getKey()), lifecycle, now));
        }
        DeploymentRow row = new DeploymentRow(id, groupRow.application(), groupRow.name(), "Created", now, doc, plan, 0, null, false, null);
        repo.insertDeployment(row, targets);
        return row;
    }

    /** Checks an S3 revision exists and pins its version and ETag (so every target installs the same bytes). */
    ObjectNode pinRevision(ObjectNode revision) {
        if (revision == null) {
            throw new RevisionRequiredException("revision is required", "revision");
        }
        String type = revision.path("revisionType").asText("");
        if (!"S3".equals(type)) {
            throw new InvalidRevisionException("only S3 revisions are supported (revisionType S3 with s3Location), not " + type,
                    "revision.revisionType");
        }
        JsonNode s3 = revision.path("s3Location");
        String bucket = s3.path("bucket").asText(null);
        String key = s3.path("key").asText(null);
        if (bucket == null || key == null) {
            throw new InvalidRevisionException("revision.s3Location needs bucket and key", "revision.s3Location");
        }
        String bundleType = s3.path("bundleType").asText("zip");
        if (!List.of("zip", "tar", "tgz").contains(bundleType)) {
            throw new InvalidRevisionException("bundleType must be zip, tar or tgz, not " + bundleType, "revision.s3Location.bundleType");
        }
        String version = s3.path("version").asText(null);
        RevisionStore.Head head = revisions.head(bucket, key, version)
                .orElseThrow(() -> new InvalidRevisionException("the revision s3://" + bucket + "/" + key
                        + (version == null ? "" : " (version " + version + ")") + " does not exist", "revision.s3Location"));
        String eTag = s3.path("eTag").asText(null);
        String stripped = head.eTag() == null ? null : head.eTag().replace("\"", "");
        if (eTag != null && stripped != null && !eTag.replace("\"", "").equals(stripped)) {
            throw new InvalidRevisionException("the revision's eTag " + eTag + " does not match the object's (" + stripped + ")",
                    "revision.s3Location.eTag");
        }
        ObjectNode pinned = JSON.createObjectNode().put("revisionType", "S3");
        ObjectNode location = pinned.putObject("s3Location").put("bucket", bucket).put("key", key).put("bundleType", bundleType);
        if (head.versionId() != null && !"null".equals(head.versionId())) {
            location.put("version", head.versionId());
        }
        if (stripped != null) {
            location.put("eTag", stripped);
        }
        return pinned;
    }

    /** The group a deployment names, or DeploymentGroupDoesNotExistException. */
    public GroupRow group(String application, String name) {
        return repo.group(application, name).orElseThrow(() -> new DeploymentGroupDoesNotExistException(
                "No deployment group named " + name + " for application " + application, "deploymentGroupName"));
    }
}
