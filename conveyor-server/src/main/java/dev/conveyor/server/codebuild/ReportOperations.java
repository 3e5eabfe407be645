package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.Page;
import dev.conveyor.store.codebuild.ReportRepository;
import dev.conveyor.store.codebuild.ReportRow;
import dev.conveyor.store.codebuild.TestCaseRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test reports: ListReportGroups, BatchGetReportGroups, ListReports, ListReportsForReportGroup, BatchGetReports and
 * DescribeTestCases. Report groups are created by the builds whose buildspecs name them; reports never expire.
 */
final class ReportOperations {
    private final ReportRepository reports;

    ReportOperations(ReportRepository reports) {
        this.reports = reports;
    }

    Map<String, JsonOperation> operations() {
        return Map.of(
                "ListReportGroups", this::listGroups,
                "BatchGetReportGroups", this::batchGetGroups,
                "ListReports", this::list,
                "ListReportsForReportGroup", this::listForGroup,
                "BatchGetReports", this::batchGet,
                "DescribeTestCases", this::describeTestCases);
    }

    JsonNode listGroups(JsonNode input, RequestContext context) {
        ReportRepository.GroupSortBy sortBy = ReportRepository.GroupSortBy.valueOf(input.path("sortBy").asText("NAME"));
        String listing = "report-groups:" + sortBy + ":" + input.path("sortOrder").asText("");
        Page<String> page = reports.groupArns(sortBy, Paging.ascending(input.path("sortOrder").asText(null), true), pageSize(input),
                Paging.key(listing, input.path("nextToken").asText(null)));
        return page(page, "reportGroups", listing);
    }

    JsonNode batchGetGroups(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        ArrayNode found = out.putArray("reportGroups");
        ArrayNode missing = out.putArray("reportGroupsNotFound");
        for (JsonNode arn : input.get("reportGroupArns")) {
            reports.group(arn.asText()).ifPresentOrElse(group -> {
                ObjectNode node = found.addObject().put("arn", group.arn()).put("name", group.name()).put("type", group.type())
                        .put("status", "ACTIVE");
                node.putObject("exportConfig").put("exportConfigType", "NO_EXPORT");
                node.set("created", Timestamps.epochSeconds(group.createdAt()));
                node.set("lastModified", Timestamps.epochSeconds(group.updatedAt()));
                node.putArray("tags");
            }, () -> missing.add(arn.asText()));
        }
        return out;
    }

    JsonNode list(JsonNode input, RequestContext context) {
        return reportArns(null, input);
    }

    JsonNode listForGroup(JsonNode input, RequestContext context) {
        String group = input.get("reportGroupArn").asText();
        reports.group(group).orElseThrow(() -> new ResourceNotFoundException("Report group not found: " + group));
        return reportArns(group, input);
    }

    private JsonNode reportArns(String group, JsonNode input) {
        String status = input.path("filter").path("status").asText(null);
        String listing = "reports:" + (group == null ? "" : group) + ":" + status + ":" + input.path("sortOrder").asText("");
        Page<String> page = reports.reportArns(group, status, Paging.ascending(input.path("sortOrder").asText(null), false),
                pageSize(input), Paging.key(listing, input.path("nextToken").asText(null)));
        return page(page, "reports", listing);
    }

    JsonNode batchGet(JsonNode input, RequestContext context) {
        List<String> arns = new ArrayList<>();
        input.get("reportArns").forEach(a -> arns.add(a.asText()));
        List<ReportRow> found = reports.reports(arns);
        ObjectNode out = object();
        ArrayNode list = out.putArray("reports");
        ArrayNode missing = out.putArray("reportsNotFound");
        for (ReportRow row : found) {
            list.add(report(row));
        }
        arns.stream().filter(a -> found.stream().noneMatch(r -> r.arn().equals(a))).forEach(missing::add);
        return out;
    }

    JsonNode describeTestCases(JsonNode input, RequestContext context) {
        String arn = input.get("reportArn").asText();
        if (reports.reports(List.of(arn)).isEmpty()) {
            throw new ResourceNotFoundException("Report not found: " + arn);
        }
        JsonNode filter = input.path("filter");
        String listing = "test-cases:" + arn + ":" + filter.path("status").asText("") + ":" + filter.path("keyword").asText("");
        Page<TestCaseRow> page = reports.testCases(arn, filter.path("status").asText(null), filter.path("keyword").asText(null),
                pageSize(input), Paging.key(listing, input.path("nextToken").asText(null)));
        ObjectNode out = object();
        ArrayNode cases = out.putArray("testCases");
        for (TestCaseRow c : page.items()) {
            ObjectNode node = cases.addObject().put("reportArn", c.reportArn()).put("name", c.name()).put("status", c.status())
                    .put("durationInNanoSeconds", c.durationNanos());
            putIfPresent(node, "prefix", c.prefix());
            putIfPresent(node, "testSuiteName", c.testSuiteName());
            putIfPresent(node, "message", c.message());
            putIfPresent(node, "testRawDataPath", c.testRawDataPath());
        }
        if (page.nextKey() != null) {
            out.put("nextToken", Paging.token(listing, page.nextKey()));
        }
        return out;
    }

    private static ObjectNode report(ReportRow row) {
        ObjectNode node = object().put("arn", row.arn()).put("type", row.type()).put("name", row.name())
                .put("reportGroupArn", row.reportGroupArn()).put("executionId", row.executionId()).put("status", row.status())
                .put("truncated", row.truncated());
        node.set("created", Timestamps.epochSeconds(row.createdAt()));
        node.putObject("exportConfig").put("exportConfigType", "NO_EXPORT");
        ObjectNode summary = node.putObject("testSummary").put("total", row.total()).put("durationInNanoSeconds", row.durationNanos());
        ObjectNode counts = summary.putObject("statusCounts");
        counts.put("SUCCEEDED", row.succeeded()).put("FAILED", row.failed()).put("SKIPPED", row.skipped()).put("ERROR", row.errored())
                .put("UNKNOWN", row.unknown());
        return node;
    }

    private static ObjectNode page(Page<String> page, String field, String listing) {
        ObjectNode out = object();
        page.items().forEach(out.putArray(field)::add);
        if (page.nextKey() != null) {
            out.put("nextToken", Paging.token(listing, page.nextKey()));
        }
        return out;
    }

    private static int pageSize(JsonNode input) {
        return input.path("maxResults").asInt(Paging.DEFAULT_PAGE);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static ObjectNode object() {
        return ConveyorJson.mapper().createObjectNode();
    }
}
