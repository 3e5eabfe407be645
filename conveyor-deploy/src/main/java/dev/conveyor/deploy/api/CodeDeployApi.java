package dev.conveyor.deploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.engine.DeploymentConfigs;
import dev.conveyor.deploy.engine.DeploymentRunner;
import dev.conveyor.deploy.engine.Deployments;
import dev.conveyor.deploy.errors.*;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeployRepository.ApplicationRow;
import dev.conveyor.deploy.store.DeployRepository.DeploymentRow;
import dev.conveyor.deploy.store.DeployRepository.GroupRow;
import dev.conveyor.deploy.store.DeployRepository.InstanceRow;
import dev.conveyor.deploy.store.DeployRepository.TargetRow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The CodeDeploy API subset ({@code CodeDeploy_20141006}): each operation takes the request already checked against
 * botocore's input shape and returns the output object. Errors are the model's exception types, naming the member.
 */
public final class CodeDeployApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 100;

    private final DeployRepository repo;
    private final Deployments deployments;
    private final DeploymentRunner runner;
    private final Clock clock;
    private final String region;
    private final String accountId;

    public CodeDeployApi(Deployments deployments, DeploymentRunner runner, Clock clock, String region, String accountId) {
        this.repo = deployments.repository();
        this.deployments = deployments;
        this.runner = runner;
        this.clock = clock;
        this.region = region;
        this.accountId = accountId;
    }

    /** Every operation by its name in the model. */
    public Map<String, Function<JsonNode, JsonNode>> operations() {
        Map<String, Function<JsonNode, JsonNode>> ops = new LinkedHashMap<>();
        ops.put("CreateApplication", this::createApplication);
        ops.put("GetApplication", this::getApplication);
        ops.put("ListApplications", this::listApplications);
        ops.put("BatchGetApplications", this::batchGetApplications);
        ops.put("DeleteApplication", this::deleteApplication);
        ops.put("CreateDeploymentGroup", this::createDeploymentGroup);
        ops.put("GetDeploymentGroup", this::getDeploymentGroup);
        ops.put("UpdateDeploymentGroup", this::updateDeploymentGroup);
        ops.put("ListDeploymentGroups", this::listDeploymentGroups);
        ops.put("BatchGetDeploymentGroups", this::batchGetDeploymentGroups);
        ops.put("DeleteDeploymentGroup", this::deleteDeploymentGroup);
        ops.put("CreateDeploymentConfig", this::createDeploymentConfig);
        ops.put("GetDeploymentConfig", this::getDeploymentConfig);
        ops.put("ListDeploymentConfigs", this::listDeploymentConfigs);
        ops.put("DeleteDeploymentConfig", this::deleteDeploymentConfig);
        ops.put("CreateDeployment", this::createDeployment);
        ops.put("GetDeployment", this::getDeployment);
        ops.put("BatchGetDeployments", this::batchGetDeployments);
        ops.put("ListDeployments", this::listDeployments);
        ops.put("StopDeployment", this::stopDeployment);
        ops.put("ContinueDeployment", this::continueDeployment);
        ops.put("ListDeploymentTargets", this::listDeploymentTargets);
        ops.put("BatchGetDeploymentTargets", this::batchGetDeploymentTargets);
        ops.put("GetDeploymentTarget", this::getDeploymentTarget);
        ops.put("ListDeploymentInstances", this::listDeploymentInstances);
        ops.put("BatchGetDeploymentInstances", this::batchGetDeploymentInstances);
        ops.put("GetDeploymentInstance", this::getDeploymentInstance);
        ops.put("RegisterOnPremisesInstance", this::registerOnPremisesInstance);
        ops.put("DeregisterOnPremisesInstance", this::deregisterOnPremisesInstance);
        ops.put("ListOnPremisesInstances", this::listOnPremisesInstances);
        ops.put("BatchGetOnPremisesInstances", this::batchGetOnPremisesInstances);
        ops.put("GetOnPremisesInstance", this::getOnPremisesInstance);
        ops.put("AddTagsToOnPremisesInstances", this::addTags);
        ops.put("RemoveTagsFromOnPremisesInstances", this::removeTags);
        return ops;
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    private static String text(JsonNode input, String member) {
        JsonNode value = input.get(member);
        return value == null || value.isNull() ? null : value.asText();
    }

    // ---- applications

    private JsonNode createApplication(JsonNode input) {
        String name = text(input, "applicationName");
        String platform = Optional.ofNullable(text(input, "computePlatform")).orElse("Server");
        if (!"Server".equals(platform)) {
            throw new InvalidComputePlatformException("Conveyor deploys to servers only: computePlatform must be Server, not "
                    + platform, "computePlatform");
        }
        ApplicationRow row = new ApplicationRow(name, UUID.randomUUID().toString(), platform, clock.millis());
        if (!repo.insertApplication(row)) {
            throw new ApplicationAlreadyExistsException("The application " + name + " already exists", "applicationName");
        }
        return JSON.createObjectNode().put("applicationId", row.id());
    }

    private ApplicationRow application(String name) {
        return repo.application(name).orElseThrow(() -> new ApplicationDoesNotExistException(
                "No application found for name: " + name, "applicationName"));
    }

    private static ObjectNode applicationInfo(ApplicationRow a) {
        return JSON.createObjectNode().put("applicationId", a.id()).put("applicationName", a.name()).put("createTime", a.created() / 1000.0)
                .put("linkedToGitHub", false).put("computePlatform", a.computePlatform());
    }

    private JsonNode getApplication(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        out.set("application", applicationInfo(application(text(input, "applicationName"))));
        return out;
    }

    private JsonNode listApplications(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        List<String> names = repo.applications().stream().map(ApplicationRow::name).toList();
        page(out, "applications", names, text(input, "nextToken"));
        return out;
    }

    private JsonNode batchGetApplications(JsonNode input) {
        return batchGet(input, "applicationNames", 100, "applicationsInfo", repo::application, CodeDeployApi::applicationInfo, (out, missing) -> {
            throw new ApplicationDoesNotExistException("No application found for name: " + missing.getFirst(), "applicationNames");
        });
    }

    private JsonNode deleteApplication(JsonNode input) {
        repo.deleteApplication(text(input, "applicationName"));
        return null;
    }

    // ---- deployment groups

    private JsonNode createDeploymentGroup(JsonNode input) {
        ApplicationRow app = application(text(input, "applicationName"));
        String name = text(input, "deploymentGroupName");
        ObjectNode doc = groupDocument(app, name, UUID.randomUUID().toString(), (ObjectNode) input, null);
        if (!repo.insertGroup(new GroupRow(app.name(), name, doc.path("deploymentGroupId").asText(), doc, null))) {
            throw new DeploymentGroupAlreadyExistsException("A deployment group named " + name + " already exists for " + app.name(),
                    "deploymentGroupName");
        }
        return JSON.createObjectNode().put("deploymentGroupId", doc.path("deploymentGroupId").asText());
    }

    /** Validates a group's settings and builds its stored document (from a create, or an update over {@code base}). */
    private ObjectNode groupDocument(ApplicationRow app, String name, String id, ObjectNode input, ObjectNode base) {
        ObjectNode doc = base == null ? JSON.createObjectNode() : base.deepCopy();
        doc.put("applicationName", app.name());
        doc.put("deploymentGroupId", id);
        doc.put("deploymentGroupName", name);
        doc.put("computePlatform", "Server");
        for (String member : List.of("serviceRoleArn", "deploymentConfigName", "onPremisesInstanceTagFilters", "onPremisesTagSet",
                "alarmConfiguration", "autoRollbackConfiguration", "deploymentStyle", "blueGreenDeploymentConfiguration", "loadBalancerInfo",
                "triggerConfigurations", "outdatedInstancesStrategy")) {
            if (input.has(member)) {
                doc.set(member, input.get(member).deepCopy());
            }
        }
        if (!doc.has("deploymentConfigName")) {
            doc.put("deploymentConfigName", "CodeDeployDefault.OneAtATime");
        }
        config(doc.path("deploymentConfigName").asText(), "deploymentConfigName");
        if (!doc.has("deploymentStyle")) {
            doc.putObject("deploymentStyle").put("deploymentType", "IN_PLACE").put("deploymentOption", "WITHOUT_TRAFFIC_CONTROL");
        }
        ObjectNode style = (ObjectNode) doc.get("deploymentStyle");
        if (!style.has("deploymentType")) {
            style.put("deploymentType", "IN_PLACE");
        }
        if (!style.has("deploymentOption")) {
            style.put("deploymentOption", "WITHOUT_TRAFFIC_CONTROL");
        }
        boolean traffic = "WITH_TRAFFIC_CONTROL".equals(style.path("deploymentOption").asText());
        if (traffic && Deployments.backend(doc) == null) {
            throw new InvalidLoadBalancerInfoException("deploymentOption WITH_TRAFFIC_CONTROL needs loadBalancerInfo.targetGroupInfoList[0].name: "
                    + "the HAProxy backend of the group's instances", "loadBalancerInfo.targetGroupInfoList");
        }
        if ("BLUE_GREEN".equals(style.path("deploymentType").asText())) {
            if (!traffic) {
                throw new InvalidDeploymentStyleException("A blue/green deployment group moves traffic: deploymentOption must be "
                        + "WITH_TRAFFIC_CONTROL", "deploymentStyle.deploymentOption");
            }
            String action = doc.at("/blueGreenDeploymentConfiguration/greenFleetProvisioningOption/action").asText("DISCOVER_EXISTING");
            if (!"DISCOVER_EXISTING".equals(action)) {
                throw new InvalidBlueGreenDeploymentConfigurationException("On-premises replacement instances are discovered, not provisioned: "
                        + "greenFleetProvisioningOption.action must be DISCOVER_EXISTING", "blueGreenDeploymentConfiguration.greenFleetProvisioningOption.action");
            }
        }
        JsonNode rollback = doc.path("autoRollbackConfiguration");
        if (rollback.path("enabled").asBoolean(false) && rollback.path("events").isEmpty()) {
            throw new InvalidAutoRollbackConfigException("autoRollbackConfiguration is enabled but names no events", "autoRollbackConfiguration.events");
        }
        JsonNode alarms = doc.path("alarmConfiguration");
        if (alarms.path("enabled").asBoolean(false) && alarms.path("alarms").isEmpty()) {
            throw new InvalidAlarmConfigException("alarmConfiguration is enabled but names no alarms", "alarmConfiguration.alarms");
        }
        return doc;
    }

    private GroupRow group(JsonNode input, String member) {
        application(text(input, "applicationName"));
        return deployments.group(text(input, "applicationName"), text(input, member));
    }

    private ObjectNode groupInfo(GroupRow g) {
        ObjectNode info = g.document().deepCopy();
        List<DeploymentRow> history = repo.deployments(g.application(), g.name(), null);
        if (!history.isEmpty()) {
            info.set("lastAttemptedDeployment", lastDeployment(history.get(0)));
        }
        if (g.lastSuccess() != null) {
            repo.deployment(g.lastSuccess()).ifPresent(d -> info.set("lastSuccessfulDeployment", lastDeployment(d)));
        }
        return info;
    }

    private static ObjectNode lastDeployment(DeploymentRow d) {
        ObjectNode last = JSON.createObjectNode().put("deploymentId", d.id()).put("status", d.status()).put("createTime", d.created() / 1000.0);
        if (d.document().has("completeTime")) {
            last.set("endTime", d.document().get("completeTime"));
        }
        return last;
    }

    private JsonNode getDeploymentGroup(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        out.set("deploymentGroupInfo", groupInfo(group(input, "deploymentGroupName")));
        return out;
    }

    private JsonNode updateDeploymentGroup(JsonNode input) {
        ApplicationRow app = application(text(input, "applicationName"));
        GroupRow current = group(input, "currentDeploymentGroupName");
        String newName = Optional.ofNullable(text(input, "newDeploymentGroupName")).orElse(current.name());
        ObjectNode doc = groupDocument(app, newName, current.id(), (ObjectNode) input, current.document());
        switch (repo.replaceGroup(app.name(), current.name(), newName, doc)) {
            case NAME_TAKEN -> throw new DeploymentGroupAlreadyExistsException("A deployment group named " + newName + " already exists",
                    "newDeploymentGroupName");
            case GONE -> throw new DeploymentGroupDoesNotExistException("The deployment group " + current.name() + " was deleted",
                    "currentDeploymentGroupName");
            default -> { }
        }
        return JSON.createObjectNode().set("hooksNotCleanedUp", JSON.createArrayNode());
    }

    private JsonNode listDeploymentGroups(JsonNode input) {
        ApplicationRow app = application(text(input, "applicationName"));
        ObjectNode out = JSON.createObjectNode().put("applicationName", app.name());
        page(out, "deploymentGroups", repo.groups(app.name()).stream().map(GroupRow::name).toList(), text(input, "nextToken"));
        return out;
    }

    private JsonNode batchGetDeploymentGroups(JsonNode input) {
        ApplicationRow app = application(text(input, "applicationName"));
        return batchGet(input, "deploymentGroupNames", 100, "deploymentGroupsInfo", name -> repo.group(app.name(), name), this::groupInfo,
                (out, missing) -> out.put("errorMessage", "Deployment groups not found: " + String.join(", ", missing)));
    }

    private JsonNode deleteDeploymentGroup(JsonNode input) {
        // As CodeDeploy's model says (no ApplicationDoesNotExist, no DeploymentGroupDoesNotExist): deleting what is not there succeeds.
        repo.deleteGroup(text(input, "applicationName"), text(input, "deploymentGroupName"));
        return JSON.createObjectNode().set("hooksNotCleanedUp", JSON.createArrayNode());
    }

    // ---- deployment configs

    private ObjectNode config(String name, String member) {
        ObjectNode predefined = DeploymentConfigs.PREDEFINED.get(name);
        if (predefined != null) {
            return predefined.deepCopy();
        }
        return repo.config(name).map(DeployRepository.ConfigRow::document)
                .orElseThrow(() -> new DeploymentConfigDoesNotExistException("No deployment configuration found for name: " + name, member));
    }

    private JsonNode createDeploymentConfig(JsonNode input) {
        String name = text(input, "deploymentConfigName");
        if (name.startsWith("CodeDeployDefault.")) {
            throw new InvalidDeploymentConfigNameException("Names starting with CodeDeployDefault. are reserved", "deploymentConfigName");
        }
        String platform = Optional.ofNullable(text(input, "computePlatform")).orElse("Server");
        if (!"Server".equals(platform)) {
            throw new InvalidComputePlatformException("Conveyor deploys to servers only: computePlatform must be Server", "computePlatform");
        }
        ObjectNode doc = JSON.createObjectNode();
        String id = UUID.randomUUID().toString();
        doc.put("deploymentConfigId", id).put("deploymentConfigName", name).put("createTime", now()).put("computePlatform", platform);
        JsonNode healthy = input.get("minimumHealthyHosts");
        JsonNode routing = input.get("trafficRoutingConfig");
        if (healthy == null && routing == null) {
            throw new InvalidMinimumHealthyHostValueException("A Server deployment configuration needs minimumHealthyHosts", "minimumHealthyHosts");
        }
        if (healthy != null) {
            String type = healthy.path("type").asText("");
            int value = healthy.path("value").asInt(-1);
            if (!List.of("HOST_COUNT", "FLEET_PERCENT").contains(type)) {
                throw new InvalidMinimumHealthyHostValueException("minimumHealthyHosts.type must be HOST_COUNT or FLEET_PERCENT", "minimumHealthyHosts.type");
            }
            if (value < 0 || ("FLEET_PERCENT".equals(type) && value > 99)) {
                throw new InvalidMinimumHealthyHostValueException("minimumHealthyHosts.value " + value + " is out of range ("
                        + ("FLEET_PERCENT".equals(type) ? "0 to 99" : "0 or more") + ")", "minimumHealthyHosts.value");
            }
            doc.set("minimumHealthyHosts", healthy.deepCopy());
        } else {
            doc.putObject("minimumHealthyHosts").put("type", "HOST_COUNT").put("value", 0);
        }
        if (routing != null) {
            validateRouting(routing);
            doc.set("trafficRoutingConfig", routing.deepCopy());
        }
        if (!repo.insertConfig(new DeployRepository.ConfigRow(name, id, doc, clock.millis()))) {
            throw new DeploymentConfigAlreadyExistsException("A deployment configuration named " + name + " already exists", "deploymentConfigName");
        }
        return JSON.createObjectNode().put("deploymentConfigId", id);
    }

    private static void validateRouting(JsonNode routing) {
        String type = routing.path("type").asText("");
        switch (type) {
            case "AllAtOnce" -> { }
            case "TimeBasedCanary" -> {
                JsonNode canary = routing.path("timeBasedCanary");
                int percent = canary.path("canaryPercentage").asInt(0);
                if (percent < 1 || percent > 99 || canary.path("canaryInterval").asInt(-1) < 0) {
                    throw new InvalidTrafficRoutingConfigurationException("timeBasedCanary needs canaryPercentage 1 to 99 and a canaryInterval "
                            + "in minutes", "trafficRoutingConfig.timeBasedCanary");
                }
            }
            case "TimeBasedLinear" -> {
                JsonNode linear = routing.path("timeBasedLinear");
                int percent = linear.path("linearPercentage").asInt(0);
                if (percent < 1 || percent > 99 || linear.path("linearInterval").asInt(-1) < 0) {
                    throw new InvalidTrafficRoutingConfigurationException("timeBasedLinear needs linearPercentage 1 to 99 and a linearInterval "
                            + "in minutes", "trafficRoutingConfig.timeBasedLinear");
                }
            }
            default -> throw new InvalidTrafficRoutingConfigurationException("trafficRoutingConfig.type must be AllAtOnce, TimeBasedCanary "
                    + "or TimeBasedLinear", "trafficRoutingConfig.type");
        }
    }

    private JsonNode getDeploymentConfig(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        out.set("deploymentConfigInfo", config(text(input, "deploymentConfigName"), "deploymentConfigName"));
        return out;
    }

    private JsonNode listDeploymentConfigs(JsonNode input) {
        List<String> names = new ArrayList<>(DeploymentConfigs.PREDEFINED.keySet());
        repo.configs().forEach(c -> names.add(c.name()));
        names.sort(null);
        ObjectNode out = JSON.createObjectNode();
        page(out, "deploymentConfigsList", names, text(input, "nextToken"));
        return out;
    }

    private JsonNode deleteDeploymentConfig(JsonNode input) {
        String name = text(input, "deploymentConfigName");
        if (DeploymentConfigs.PREDEFINED.containsKey(name)) {
            throw new InvalidOperationException("The predefined configuration " + name + " cannot be deleted", "deploymentConfigName");
        }
        for (ApplicationRow app : repo.applications()) {
            for (GroupRow g : repo.groups(app.name())) {
                if (name.equals(g.document().path("deploymentConfigName").asText())) {
                    throw new DeploymentConfigInUseException("The deployment group " + g.name() + " uses " + name, "deploymentConfigName");
                }
            }
        }
        repo.deleteConfig(name);
        return null;
    }

    // ---- deployments

    private JsonNode createDeployment(JsonNode input) {
        ApplicationRow app = application(text(input, "applicationName"));
        if (text(input, "deploymentGroupName") == null) {
            throw new DeploymentGroupNameRequiredException("deploymentGroupName is required", "deploymentGroupName");
        }
        GroupRow group = deployments.group(app.name(), text(input, "deploymentGroupName"));
        String configName = Optional.ofNullable(text(input, "deploymentConfigName")).orElse(group.document().path("deploymentConfigName").asText());
        ObjectNode config = config(configName, "deploymentConfigName");
        if (input.path("updateOutdatedInstancesOnly").asBoolean(false)) {
            throw new UnsupportedActionForDeploymentTypeException("updateOutdatedInstancesOnly is not supported", "updateOutdatedInstancesOnly");
        }
        JsonNode rollback = input.get("autoRollbackConfiguration");
        if (rollback != null && rollback.path("enabled").asBoolean(false) && rollback.path("events").isEmpty()) {
            throw new InvalidAutoRollbackConfigException("autoRollbackConfiguration is enabled but names no events", "autoRollbackConfiguration.events");
        }
        String fileExists = text(input, "fileExistsBehavior");
        DeploymentRow d = deployments.create(group, new Deployments.Request((ObjectNode) input.get("revision"), configName, config,
                text(input, "description"), "user", input.path("ignoreApplicationStopFailures").asBoolean(false), fileExists,
                input.get("targetInstances"), rollback, null, false));
        runner.start(d.id());
        return JSON.createObjectNode().put("deploymentId", d.id());
    }

    private DeploymentRow deployment(String id) {
        if (id == null || id.isEmpty()) {
            throw new DeploymentIdRequiredException("deploymentId is required", "deploymentId");
        }
        return repo.deployment(id).orElseThrow(() -> new DeploymentDoesNotExistException("The deployment " + id + " could not be found",
                "deploymentId"));
    }

    /** DeploymentInfo as the API shows it: the stored document without Conveyor's internal part, with its overview. */
    public ObjectNode deploymentInfo(DeploymentRow d) {
        ObjectNode info = d.document().deepCopy();
        info.remove("_");
        info.put("status", d.status());
        Map<String, Integer> overview = new LinkedHashMap<>();
        for (String s : List.of("Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready")) {
            overview.put(s, 0);
        }
        for (TargetRow t : repo.targets(d.id())) {
            overview.merge(t.status(), 1, Integer::sum);
        }
        ObjectNode o = info.putObject("deploymentOverview");
        overview.forEach((k, v) -> {
            if (List.of("Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready").contains(k)) {
                o.put(k, v);
            }
        });
        return info;
    }

    private JsonNode getDeployment(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        out.set("deploymentInfo", deploymentInfo(deployment(text(input, "deploymentId"))));
        return out;
    }

    private JsonNode batchGetDeployments(JsonNode input) {
        return batchGet(input, "deploymentIds", 25, "deploymentsInfo", repo::deployment, this::deploymentInfo, IGNORE_MISSING);
    }

    private JsonNode listDeployments(JsonNode input) {
        String app = text(input, "applicationName");
        String group = text(input, "deploymentGroupName");
        if (group != null && app == null) {
            throw new ApplicationNameRequiredException("applicationName is required with deploymentGroupName", "applicationName");
        }
        if (app != null) {
            application(app);
            if (group != null) {
                deployments.group(app, group);
            }
        }
        List<String> statuses = new ArrayList<>();
        input.path("includeOnlyStatuses").forEach(s -> statuses.add(s.asText()));
        ObjectNode out = JSON.createObjectNode();
        page(out, "deployments", repo.deployments(app, group, statuses).stream().map(DeploymentRow::id).toList(), text(input, "nextToken"));
        return out;
    }

    private JsonNode stopDeployment(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        if (!DeploymentRunner.ACTIVE.contains(d.status())) {
            throw new DeploymentAlreadyCompletedException("The deployment " + d.id() + " is already " + d.status(), "deploymentId");
        }
        boolean rollback;
        if (input.has("autoRollbackEnabled")) {
            rollback = input.path("autoRollbackEnabled").asBoolean();
        } else {
            rollback = false;
            JsonNode config = d.document().path("autoRollbackConfiguration");
            if (config.path("enabled").asBoolean(false)) {
                for (JsonNode e : config.path("events")) {
                    rollback |= "DEPLOYMENT_STOP_ON_REQUEST".equals(e.asText());
                }
            }
        }
        repo.requestStop(d.id(), (rollback ? "rollback:" : "stop:") + "The deployment was stopped by a StopDeployment request");
        runner.start(d.id());
        return JSON.createObjectNode().put("status", "Pending").put("statusMessage", "Stopping deployment " + d.id()
                + (rollback ? "; it will be rolled back" : ""));
    }

    private JsonNode continueDeployment(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        String wait = Optional.ofNullable(text(input, "deploymentWaitType")).orElse("READY_WAIT");
        if (!"READY_WAIT".equals(wait)) {
            throw new InvalidDeploymentWaitTypeException("Only READY_WAIT is supported", "deploymentWaitType");
        }
        if (!"Ready".equals(d.status())) {
            throw new DeploymentIsNotInReadyStateException("The deployment " + d.id() + " is " + d.status() + ", not Ready", "deploymentId");
        }
        repo.requestContinue(d.id());
        return null;
    }

    // ---- targets

    private String instanceArn(String name) {
        return "arn:aws:codedeploy:" + region + ":" + accountId + ":instance/" + name;
    }

    private ObjectNode target(TargetRow t) {
        ObjectNode target = JSON.createObjectNode().put("deploymentTargetType", "InstanceTarget");
        ObjectNode instance = target.putObject("instanceTarget");
        instance.put("deploymentId", t.deploymentId()).put("targetId", t.instance()).put("targetArn", instanceArn(t.instance()))
                .put("status", t.status()).put("lastUpdatedAt", t.updated() / 1000.0);
        instance.set("lifecycleEvents", t.events());
        if (!"InPlace".equals(t.role())) {
            instance.put("instanceLabel", t.role());
        }
        return target;
    }

    private JsonNode listDeploymentTargets(JsonNode input) {
        return listTargets(input, input.path("targetFilters").path("TargetStatus"), "targetIds");
    }

    /** ListDeploymentTargets and ListDeploymentInstances: a deployment's target names, of the given statuses (all when none). */
    private JsonNode listTargets(JsonNode input, JsonNode statusFilter, String member) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        List<String> statuses = new ArrayList<>();
        statusFilter.forEach(s -> statuses.add(s.asText()));
        ObjectNode out = JSON.createObjectNode();
        page(out, member, repo.targets(d.id()).stream().filter(t -> statuses.isEmpty() || statuses.contains(t.status()))
                .map(TargetRow::instance).toList(), text(input, "nextToken"));
        return out;
    }

    private JsonNode batchGetDeploymentTargets(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        if (input.path("targetIds").size() > 25) {
            throw new DeploymentTargetListSizeExceededException("At most 25 deployment targets may be asked for at once", "targetIds");
        }
        return batchGet(input, "targetIds", 25, "deploymentTargets", name -> repo.target(d.id(), name), this::target, (out, missing) -> {
            throw new DeploymentTargetDoesNotExistException("The deployment " + d.id() + " has no target " + missing.getFirst(), "targetIds");
        });
    }

    private JsonNode getDeploymentTarget(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        String name = text(input, "targetId");
        TargetRow t = repo.target(d.id(), name).orElseThrow(() -> new DeploymentTargetDoesNotExistException(
                "The deployment " + d.id() + " has no target " + name, "targetId"));
        ObjectNode out = JSON.createObjectNode();
        out.set("deploymentTarget", target(t));
        return out;
    }

    private ObjectNode instanceSummary(TargetRow t) {
        ObjectNode s = JSON.createObjectNode().put("deploymentId", t.deploymentId()).put("instanceId", t.instance()).put("status", t.status())
                .put("lastUpdatedAt", t.updated() / 1000.0);
        s.set("lifecycleEvents", t.events());
        if (!"InPlace".equals(t.role())) {
            s.put("instanceType", "Blue".equals(t.role()) ? "Blue" : "Green");
        }
        return s;
    }

    private JsonNode listDeploymentInstances(JsonNode input) {
        return listTargets(input, input.path("instanceStatusFilter"), "instancesList");
    }

    private JsonNode batchGetDeploymentInstances(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        return batchGet(input, "instanceIds", 25, "instancesSummary", name -> repo.target(d.id(), name), this::instanceSummary, IGNORE_MISSING);
    }

    private JsonNode getDeploymentInstance(JsonNode input) {
        DeploymentRow d = deployment(text(input, "deploymentId"));
        String name = text(input, "instanceId");
        TargetRow t = repo.target(d.id(), name).orElseThrow(() -> new InstanceDoesNotExistException(
                "The deployment " + d.id() + " has no instance " + name, "instanceId"));
        ObjectNode out = JSON.createObjectNode();
        out.set("instanceSummary", instanceSummary(t));
        return out;
    }

    // ---- on-premises instances

    private JsonNode registerOnPremisesInstance(JsonNode input) {
        String name = text(input, "instanceName");
        String session = text(input, "iamSessionArn");
        String user = text(input, "iamUserArn");
        if (session != null && user != null) {
            throw new MultipleIamArnsProvidedException("Give iamSessionArn or iamUserArn, not both", "iamSessionArn");
        }
        if (session == null && user == null) {
            throw new IamArnRequiredException("iamSessionArn or iamUserArn is required", "iamSessionArn");
        }
        ObjectNode doc = JSON.createObjectNode().put("instanceName", name).put("instanceArn", instanceArn(name)).put("registerTime", now());
        doc.put(session != null ? "iamSessionArn" : "iamUserArn", session != null ? session : user);
        if (!repo.insertInstance(name, doc, clock.millis())) {
            InstanceRow existing = repo.instance(name).orElseThrow();
            if (!existing.document().hasNonNull("deregisterTime")) {
                throw new InstanceNameAlreadyRegisteredException("The on-premises instance name " + name + " is already registered", "instanceName");
            }
            repo.replaceInstance(name, doc); // a deregistered name may be registered again
        }
        return null;
    }

    private InstanceRow instance(String name, String member) {
        return repo.instance(name).orElseThrow(() -> new InstanceNotRegisteredException(
                "The on-premises instance " + name + " is not registered", member));
    }

    private ObjectNode instanceInfo(InstanceRow i) {
        ObjectNode info = i.document().deepCopy();
        ArrayNode tags = info.putArray("tags");
        i.tags().forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        return info;
    }

    private JsonNode deregisterOnPremisesInstance(JsonNode input) {
        String name = text(input, "instanceName");
        // The model's error for a name that names no instance (InstanceNotRegisteredException is not among its errors).
        InstanceRow i = repo.instance(name).orElseThrow(() -> new InvalidInstanceNameException(
                "The on-premises instance " + name + " is not registered", "instanceName"));
        ObjectNode doc = i.document();
        doc.put("deregisterTime", now());
        repo.replaceInstance(i.name(), doc);
        return null;
    }

    private JsonNode listOnPremisesInstances(JsonNode input) {
        String status = text(input, "registrationStatus");
        JsonNode filters = input.get("tagFilters");
        List<String> names = new ArrayList<>();
        for (InstanceRow i : repo.instances()) {
            boolean deregistered = i.document().hasNonNull("deregisterTime");
            if (status != null && ("Registered".equals(status) == deregistered)) {
                continue;
            }
            if (filters != null && !filters.isEmpty() && !Deployments.matches(i.tags(), filters)) {
                continue;
            }
            names.add(i.name());
        }
        ObjectNode out = JSON.createObjectNode();
        page(out, "instanceNames", names, text(input, "nextToken"));
        return out;
    }

    private JsonNode batchGetOnPremisesInstances(JsonNode input) {
        return batchGet(input, "instanceNames", 25, "instanceInfos", repo::instance, this::instanceInfo, IGNORE_MISSING);
    }

    private JsonNode getOnPremisesInstance(JsonNode input) {
        ObjectNode out = JSON.createObjectNode();
        out.set("instanceInfo", instanceInfo(instance(text(input, "instanceName"), "instanceName")));
        return out;
    }

    private static Map<String, String> tags(JsonNode list, boolean valueRequired) {
        Map<String, String> tags = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode tag : list) {
            String key = tag.path("Key").asText(null);
            if (key == null || key.isEmpty()) {
                throw new InvalidTagException("tags[" + index + "].Key is required", "tags[" + index + "].Key");
            }
            String value = tag.path("Value").asText(null);
            if (valueRequired && value == null) {
                value = "";
            }
            tags.put(key, value);
            index++;
        }
        return tags;
    }

    private JsonNode addTags(JsonNode input) {
        Map<String, String> tags = tags(input.path("tags"), true);
        if (tags.isEmpty()) {
            throw new dev.conveyor.deploy.errors.InvalidTagsToAddException("tags must name at least one tag", "tags");
        }
        List<InstanceRow> instances = new ArrayList<>();
        for (JsonNode name : input.path("instanceNames")) {
            instances.add(instance(name.asText(), "instanceNames"));
        }
        instances.forEach(i -> repo.putTags(i.name(), tags));
        return null;
    }

    private JsonNode removeTags(JsonNode input) {
        Map<String, String> tags = tags(input.path("tags"), false);
        List<InstanceRow> instances = new ArrayList<>();
        for (JsonNode name : input.path("instanceNames")) {
            instances.add(instance(name.asText(), "instanceNames"));
        }
        instances.forEach(i -> repo.removeTags(i.name(), tags));
        return null;
    }

    // ---- plumbing

    /** What a BatchGet* operation does with the names it found nothing for: answers with what it found. */
    private static final java.util.function.BiConsumer<ObjectNode, List<String>> IGNORE_MISSING = (out, missing) -> { };

    /**
     * Every BatchGet* operation: at most {@code limit} names in {@code namesMember} (else BatchLimitExceededException),
     * each looked up with {@code find} and answered as {@code info} in the list {@code listMember}, in the order asked;
     * the names found nothing for (if any) go to {@code missing}, which may throw, note them in the answer or ignore them.
     */
    private static <T> ObjectNode batchGet(JsonNode input, String namesMember, int limit, String listMember,
                                           Function<String, Optional<T>> find, Function<T, ObjectNode> info,
                                           java.util.function.BiConsumer<ObjectNode, List<String>> missing) {
        JsonNode names = input.path(namesMember);
        if (names.size() > limit) {
            throw new BatchLimitExceededException("At most " + limit + " items may be asked for at once", namesMember);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray(listMember);
        List<String> notFound = new ArrayList<>();
        for (JsonNode name : names) {
            find.apply(name.asText()).ifPresentOrElse(found -> list.add(info.apply(found)), () -> notFound.add(name.asText()));
        }
        if (!notFound.isEmpty()) {
            missing.accept(out, notFound);
        }
        return out;
    }

    /** Lists {@code PAGE} names at a time; the token is the offset, as a string. */
    private static void page(ObjectNode out, String member, List<String> names, String token) {
        int from = 0;
        if (token != null) {
            try {
                from = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new InvalidNextTokenException("The next token " + token + " is not valid", "nextToken");
            }
            if (from < 0 || from > names.size()) {
                throw new InvalidNextTokenException("The next token " + token + " is not valid", "nextToken");
            }
        }
        ArrayNode list = out.putArray(member);
        names.subList(from, Math.min(names.size(), from + PAGE)).forEach(list::add);
        if (from + PAGE < names.size()) {
            out.put("nextToken", Integer.toString(from + PAGE));
        }
    }
}
