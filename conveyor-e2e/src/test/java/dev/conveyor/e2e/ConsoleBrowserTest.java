package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The web console in a real browser: one packaged {@code conveyor server} with the demo pipeline, one Debian Chromium driven by
 * playwright-core, and the scenarios of {@code conveyor-console/e2e/console.test.mjs} run in order by node's test
 * runner (sign in; the demo goes green live, through the event stream; polling only while the stream is refused; a
 * failing action's log; approve; retry a failed stage; a CodeDeploy action's targets and lifecycle events, with a
 * {@code conveyor agent} as the on-premises host; edit, save and run the demo in the visual editor; drag actions
 * between stages and runOrder groups, and move them with the keyboard; a server validation error on its node; the
 * 50-stage and many-pipeline measurements). Each scenario is reported here as a test of its own, from the runner's TAP
 * output. {@code e2e/firefox.test.mjs} runs the same kinds of page and interaction in Debian's Firefox ESR.
 *
 * <p>System properties: {@code console.benchPipelines} (how many pipelines the list measurement creates, default
 * 1000; docs/benchmarks.md's figures use 10000), {@code console.screenshots} (a directory: 1440×900 screenshots of
 * the main views are written there, as docs/console/ holds them), {@code console.chromium} and {@code console.firefox}
 * (the browsers' executables). Measurements go to {@code target/console-benchmarks.json}.
 */
@Isolated("real browsers whose scenarios wait on the page with timeouts and measure first paint; beside other classes a "
        + "dialog once took over 60 s to open in CI")
class ConsoleBrowserTest {
    private static final Pattern TAP_RESULT = Pattern.compile("^\\s*(ok|not ok) \\d+ - (.*?)(?: # .*)?$");

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> consoleScenariosPassInChromium() throws Exception {
        Path chromium = Paths.get(System.getProperty("console.chromium", "/usr/bin/chromium"));
        assertThat(chromium).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        return scenarios("chromium", chromium);
    }

    /**
     * The scenarios of {@code conveyor-console/e2e/firefox.test.mjs} (sign in; the demo green live through the event
     * stream; its execution and a log; the editor: a stage wired to an artifact, keyboard moves, saved as a new version;
     * a server validation error on its node; no console error) in Debian's Firefox ESR, driven by puppeteer-core over
     * WebDriver BiDi (Playwright's BiDi needs commands the ESR lacks, and its patched Firefox is not a package).
     * Skipped only where Firefox is not installed; .ci/run installs firefox-esr, so CI runs it.
     */
    @TestFactory
    Stream<DynamicTest> consoleScenariosPassInFirefox() throws Exception {
        Path firefox = Paths.get(System.getProperty("console.firefox", "/usr/bin/firefox-esr"));
        Assumptions.assumeTrue(Files.isExecutable(firefox), "Debian's firefox-esr is not installed (apt-get install firefox-esr)");
        return scenarios("firefox", firefox);
    }

    private Stream<DynamicTest> scenarios(String browser, Path executable) throws Exception {
        ConveyorProcess.requireCommand("node");
        boolean chromium = browser.equals("chromium");
        Path console = Paths.get("..", "conveyor-console").toAbsolutePath().normalize();
        assertThat(console.resolve(chromium ? "node_modules/playwright-core" : "node_modules/puppeteer-core"))
                .as("the console's npm dependencies (the Maven build runs npm ci)").isDirectory();
        Path work = Files.createDirectories(this.work.resolve(browser));

        List<String> output = new ArrayList<>();
        int exit;
        // Jobs run sandboxed (docs/security.md): the demo's deploy target and the scenarios' shared files (flags a job
        // waits on, what it deployed) are the host directories they may write.
        Path deployments = Files.createDirectories(work.resolve("data").resolve("demo-deployments"));
        Path shared = Files.createDirectories(work.resolve("shared"));
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"),
                "--job-writable-dir", deployments.toString(), "--job-writable-dir", shared.toString())) {
            installDemo(server.endpoint(), work.resolve("data"));
            installDeployBundle(server.endpoint(), work.resolve("console-deploy.zip"));
            ProcessBuilder node = new ProcessBuilder("node", "--test-reporter=tap", chromium ? "e2e/console.test.mjs" : "e2e/firefox.test.mjs")
                    .directory(console.toFile()).redirectErrorStream(true);
            Map<String, String> env = node.environment();
            env.put("CONVEYOR_ENDPOINT", server.endpoint());
            env.put("CONVEYOR_SHARED_DIR", shared.toString());
            env.put("CONVEYOR_TEST_ACCESS_KEY_ID", TestCredentials.ACCESS_KEY_ID);
            env.put("CONVEYOR_TEST_SECRET_ACCESS_KEY", TestCredentials.SECRET_ACCESS_KEY);
            env.put(chromium ? "CONVEYOR_CHROMIUM" : "CONVEYOR_FIREFOX", executable.toString());
            // The deployments scenario starts this agent as its host (an on-premises instance tagged app=console) and stops it.
            env.put("CONVEYOR_DEPLOY_AGENT", new ObjectMapper().writeValueAsString(PackagedCli.command(
                    List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "agent", "--server", server.endpoint(),
                    "--name", "console-host", "--work-dir", work.resolve("deploy-agent").toString(), "--capacity", "1",
                    "--deploy-instance-name", "console-host", "--deploy-tag", "app=console",
                    "--job-writable-dir", deployments.toString(), "--job-writable-dir", shared.toString())));
            env.put("CONVEYOR_DEPLOY_BUNDLE_KEY", DEPLOY_BUNDLE_KEY);
            env.put("CONVEYOR_BENCH_PIPELINES", System.getProperty("console.benchPipelines", "1000"));
            if (chromium) { // the measurements are Chromium's (docs/benchmarks.md)
                env.put("CONVEYOR_BENCH_OUT", Paths.get("target", "console-benchmarks.json").toAbsolutePath().toString());
            }
            String screenshots = System.getProperty("console.screenshots");
            if (chromium && screenshots != null && !screenshots.isBlank()) {
                env.put("CONVEYOR_SCREENSHOTS", Paths.get(screenshots).toAbsolutePath().toString());
            }
            Process process = node.start();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    output.add(line);
                    System.out.println(line);
                }
            }
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the browser tests did not finish within 30 minutes:\n" + String.join("\n", output));
            }
            exit = process.exitValue();
        }
        Files.writeString(Paths.get("target", chromium ? "console-browser-tests.tap" : "console-browser-tests-" + browser + ".tap"), String.join("\n", output));

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < output.size(); i++) {
            Matcher m = TAP_RESULT.matcher(output.get(i));
            if (!m.matches() || m.group(2).equals("console")) {
                continue; // the suite's own line sums up its scenarios
            }
            boolean ok = m.group(1).equals("ok");
            String details = details(output, i + 1);
            tests.add(DynamicTest.dynamicTest(browser + ": " + m.group(2), () -> assertThat(ok).as(details).isTrue()));
        }
        String all = String.join("\n", output);
        tests.add(DynamicTest.dynamicTest(browser + ": the browser test run completed", () -> {
            assertThat(tests).as(all).hasSizeGreaterThan(5);
            assertThat(exit).as(all).isZero();
        }));
        return tests.stream();
    }

    /**
     * The demo pipeline of {@code conveyor server --demo} (the same sample app and declaration, from the packaged CLI's
     * resources), installed through the signed S3 and CodePipeline APIs: with authentication enforced, {@code --demo}
     * itself cannot create it yet (its calls are unsigned).
     */
    private static void installDemo(String endpoint, Path dataDir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (String name : List.of("README.md", "VERSION", "greet.sh", "test.sh")) {
                try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/demo/sample-app/" + name)) {
                    assertThat(in).as("the packaged CLI's demo resource " + name).isNotNull();
                    out.putNextEntry(new ZipEntry(name));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        ObjectNode pipeline;
        try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/demo/pipeline.json")) {
            pipeline = (ObjectNode) json.readTree(in);
        }
        for (JsonNode variable : pipeline.path("variables")) {
            if ("DEPLOY_ROOT".equals(variable.path("name").asText())) {
                ((ObjectNode) variable).put("defaultValue", dataDir.resolve("demo-deployments").toAbsolutePath().toString());
            }
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            String bucket = endpoint + "/conveyor-demo-sources";
            send(http, TestSigner.request("PUT", URI.create(bucket), Map.of(), new byte[0], "s3"));
            send(http, TestSigner.request("PUT", URI.create(bucket + "?versioning"), Map.of(),
                    "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>".getBytes(StandardCharsets.UTF_8), "s3"));
            send(http, TestSigner.request("PUT", URI.create(bucket + "/sample-app.zip"), Map.of("Content-Type", "application/zip"),
                    zip.toByteArray(), "s3"));
            send(http, TestSigner.json(URI.create(endpoint + "/"), "CodePipeline_20150709.CreatePipeline",
                    json.writeValueAsString(json.createObjectNode().set("pipeline", pipeline))));
        }
    }

    private static final String DEPLOY_BUNDLE_KEY = "console-deploy.zip";

    /** A CodeDeploy revision whose hooks only say what they are, in the demo's sources bucket for the deployments scenario. */
    private static void installDeployBundle(String endpoint, Path zip) throws Exception {
        String hook = "#!/bin/sh\necho \"$LIFECYCLE_EVENT of deployment $DEPLOYMENT_ID\"\n";
        DeployHosts.zip(zip, Map.of("appspec.yml", """
                version: 0.0
                os: linux
                hooks:
                  BeforeInstall:
                    - location: scripts/hook.sh
                  AfterInstall:
                    - location: scripts/hook.sh
                  ApplicationStart:
                    - location: scripts/hook.sh
                  ValidateService:
                    - location: scripts/hook.sh
                """, "scripts/hook.sh", hook));
        try (HttpClient http = HttpClient.newHttpClient()) {
            send(http, TestSigner.request("PUT", URI.create(endpoint + "/conveyor-demo-sources/" + DEPLOY_BUNDLE_KEY),
                    Map.of("Content-Type", "application/zip"), Files.readAllBytes(zip), "s3"));
        }
    }

    private static void send(HttpClient http, java.net.http.HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The YAML block node's TAP reporter writes under a result (the failure, its location). */
    private static String details(List<String> output, int from) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < output.size() && !TAP_RESULT.matcher(output.get(i)).matches(); i++) {
            out.append(output.get(i)).append('\n');
        }
        return out.toString();
    }
}
