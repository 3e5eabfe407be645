package dev.conveyor.providers.codebuild.buildspec;

import dev.conveyor.providers.codebuild.buildspec.Buildspec.ArtifactSpec;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.Env;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.OnFailure;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.Phase;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.PhaseSpec;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.ReportSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a buildspec. The YAML is composed into nodes (which keep their line), then walked by hand, so that every
 * error names the line and the path of what is wrong ({@code phases.build.commands[2]}), as CodeBuild's
 * YAML_FILE_ERROR does. Scalars follow YAML 1.1 where CodeBuild does ({@code discard-paths: yes}). Unknown keys
 * are refused where CodeBuild refuses them (phases, a phase's keys) and reported as warnings elsewhere.
 */
public final class BuildspecParser {
    /** Buildspecs larger than this are refused before parsing. */
    public static final int MAX_CHARS = 1024 * 1024;
    static final Set<String> FILE_FORMATS = Set.of("JUNITXML", "CUCUMBERJSON", "TESTNGXML", "VISUALSTUDIOTRX", "NUNITXML",
            "NUNIT3XML", "CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV");

    private final String file;
    private final Consumer<String> warnings;

    /**
     * @param file     how to name the buildspec in messages, e.g. {@code buildspec.yml} or {@code inline buildspec}
     * @param warnings where notes about ignored keys go (the build log)
     */
    public BuildspecParser(String file, Consumer<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    public Buildspec parse(String yaml) throws BuildspecException {
        if (yaml.length() > MAX_CHARS) {
            throw new BuildspecException(file, 0, "the buildspec is larger than " + MAX_CHARS + " characters");
        }
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(50).setCodePointLimit(MAX_CHARS * 2).build();
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            // Where the parser noticed is often the line after the mistake; the context (e.g. "while scanning a
            // simple key") points at the mistake itself, so it wins when there is one.
            int line = e.getContextMark().or(e::getProblemMark).map(m -> m.getLine() + 1).orElse(0);
            String context = e.getContext() == null ? "" : e.getContext() + ": ";
            throw new BuildspecException(file, line, "invalid YAML: " + context + e.getProblem());
        } catch (YamlEngineException e) {
            throw new BuildspecException(file, 0, "invalid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw new BuildspecException(file, 0, "the buildspec is empty");
        }
        MappingNode top = mapping(root.get(), "the buildspec");
        Map<String, Node> sections = entries(top, "");
        Node versionNode = sections.get("version");
        if (versionNode == null) {
            throw new BuildspecException(file, line(top), "'version' is missing (use version: 0.2)");
        }
        String version = scalar(versionNode, "version");
        if (!version.equals("0.2") && !version.equals("0.1")) {
            throw new BuildspecException(file, line(versionNode), "version must be 0.2, not '" + version + "'");
        }
        Env env = Env.EMPTY;
        Map<Phase, PhaseSpec> phases = new EnumMap<>(Phase.class);
        ArtifactSpec artifacts = null;
        Map<String, ArtifactSpec> secondary = new LinkedHashMap<>();
        Map<String, ReportSpec> reports = new LinkedHashMap<>();
        List<String> cache = List.of();
        for (Map.Entry<String, Node> section : sections.entrySet()) {
            Node node = section.getValue();
            switch (section.getKey()) {
                case "version" -> { }
                case "run-as" -> warnings.accept("run-as is ignored: commands run as the agent's user");
                case "env" -> env = isNull(node) ? Env.EMPTY : env(node);
                case "proxy", "batch" -> warnings.accept(section.getKey() + " is ignored by this server");
                case "phases" -> {
                    if (!isNull(node)) {
                        phases.putAll(phases(node));
                    }
                }
                case "artifacts" -> {
                    if (!isNull(node)) {
                        artifacts = artifact(node, "artifacts", secondary);
                    }
                }
                case "reports" -> {
                    if (!isNull(node)) {
                        reports.putAll(reports(node));
                    }
                }
                case "cache" -> cache = isNull(node) ? List.of() : cache(node);
                default -> throw new BuildspecException(file, keyLine(top, section.getKey()), "unknown section '" + section.getKey()
                        + "' (expected version, run-as, env, proxy, batch, phases, artifacts, reports or cache)");
            }
        }
        if (phases.isEmpty()) {
            throw new BuildspecException(file, line(top), "'phases' is missing: a buildspec needs at least one phase with commands");
        }
        return new Buildspec(version, env, phases, artifacts, secondary, reports, cache);
    }

    private Env env(Node node) throws BuildspecException {
        Map<String, Node> keys = entries(mapping(node, "env"), "env");
        String shell = null;
        Map<String, String> variables = Map.of();
        Map<String, String> parameterStore = Map.of();
        Map<String, String> secretsManager = Map.of();
        List<String> exported = List.of();
        for (Map.Entry<String, Node> e : keys.entrySet()) {
            String path = "env." + e.getKey();
            Node value = e.getValue();
            switch (e.getKey()) {
                case "shell" -> shell = scalar(value, path);
                case "variables" -> variables = stringMap(value, path);
                case "parameter-store" -> parameterStore = stringMap(value, path);
                case "secrets-manager" -> secretsManager = stringMap(value, path);
                case "exported-variables" -> exported = strings(value, path);
                case "git-credential-helper" -> bool(value, path);
                default -> throw new BuildspecException(file, line(value), "unknown key '" + path + "' (expected shell, variables, "
                        + "parameter-store, secrets-manager, exported-variables or git-credential-helper)");
            }
        }
        for (String section : List.of("variables", "parameter-store", "secrets-manager")) {
            if (keys.containsKey(section) && keys.get(section) instanceof MappingNode names) {
                checkVariableNames(names, "env." + section);
            }
        }
        return new Env(shell, variables, parameterStore, secretsManager, exported);
    }

    /** Names a build may set: shell-safe, and not CodeBuild's own. */
    private void checkVariableNames(MappingNode names, String path) throws BuildspecException {
        for (NodeTuple tuple : names.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                String name = key.getValue();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new BuildspecException(file, line(key), path + ": '" + name + "' is not a valid environment variable "
                            + "name (letters, digits and underscores, not starting with a digit)");
                }
                if (name.startsWith("CODEBUILD_")) {
                    throw new BuildspecException(file, line(key), path + ": '" + name + "' cannot be set: names starting with "
                            + "CODEBUILD_ are reserved");
                }
            }
        }
    }

    private Map<Phase, PhaseSpec> phases(Node node) throws BuildspecException {
        MappingNode map = mapping(node, "phases");
        Map<Phase, PhaseSpec> result = new EnumMap<>(Phase.class);
        for (Map.Entry<String, Node> e : entries(map, "phases").entrySet()) {
            Phase phase = null;
            for (Phase p : Phase.values()) {
                if (p.key().equals(e.getKey())) {
                    phase = p;
                }
            }
            if (phase == null) {
                throw new BuildspecException(file, keyLine(map, e.getKey()), "unknown phase '" + e.getKey()
                        + "' (expected install, pre_build, build or post_build)");
            }
            result.put(phase, isNull(e.getValue()) ? PhaseSpec.EMPTY : phase(e.getValue(), "phases." + e.getKey()));
        }
        return result;
    }

    private PhaseSpec phase(Node node, String path) throws BuildspecException {
        MappingNode map = mapping(node, path);
        List<String> commands = List.of();
        List<String> finallyCommands = List.of();
        OnFailure onFailure = OnFailure.ABORT;
        Map<String, String> runtimes = Map.of();
        String runAs = null;
        for (Map.Entry<String, Node> e : entries(map, path).entrySet()) {
            String key = path + "." + e.getKey();
            Node value = e.getValue();
            switch (e.getKey()) {
                case "commands" -> commands = commands(value, key);
                case "finally" -> finallyCommands = commands(value, key);
                case "on-failure" -> {
                    String text = scalar(value, key).toUpperCase(Locale.ROOT);
                    if (text.equals("ABORT") || text.equals("CONTINUE")) {
                        onFailure = OnFailure.valueOf(text);
                    } else if (text.startsWith("RETRY")) {
                        warnings.accept(key + ": " + text + " is run as ABORT (retries are not supported)");
                    } else {
                        throw new BuildspecException(file, line(value), key + " must be ABORT or CONTINUE, not '" + scalar(value, key) + "'");
                    }
                }
                case "runtime-versions" -> runtimes = stringMap(value, key);
                case "run-as" -> runAs = scalar(value, key);
                default -> throw new BuildspecException(file, keyLine(map, e.getKey()), "unknown key '" + key
                        + "' (expected commands, finally, on-failure, runtime-versions or run-as)");
            }
        }
        return new PhaseSpec(commands, finallyCommands, onFailure, runtimes, runAs);
    }

    /** A list of commands: each a string; a mapping here is almost always a command with an unquoted ': '. */
    private List<String> commands(Node node, String path) throws BuildspecException {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw new BuildspecException(file, line(node), path + " must be a list of commands");
        }
        List<String> result = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (item instanceof MappingNode) {
                throw new BuildspecException(file, line(item), path + "[" + i + "] is a mapping, not a command: quote the "
                        + "command, because YAML reads ': ' in it as a key and a value");
            }
            if (!(item instanceof ScalarNode scalar)) {
                throw new BuildspecException(file, line(item), path + "[" + i + "] must be a command (a string)");
            }
            result.add(scalar.getValue());
        }
        return List.copyOf(result);
    }

    private ArtifactSpec artifact(Node node, String path, Map<String, ArtifactSpec> secondary) throws BuildspecException {
        MappingNode map = mapping(node, path);
        List<String> files = null;
        String name = null;
        String base = null;
        boolean discard = false;
        List<String> exclude = List.of();
        for (Map.Entry<String, Node> e : entries(map, path).entrySet()) {
            String key = path + "." + e.getKey();
            Node value = e.getValue();
            switch (e.getKey()) {
                case "files" -> files = strings(value, key);
                case "name" -> name = scalar(value, key);
                case "base-directory" -> base = scalar(value, key);
                case "discard-paths" -> discard = bool(value, key);
                case "exclude-paths" -> exclude = strings(value, key);
                case "enable-symlinks", "s3-prefix" -> warnings.accept(key + " is ignored by this server");
                case "secondary-artifacts" -> {
                    if (secondary == null) {
                        throw new BuildspecException(file, keyLine(map, e.getKey()), key + " is only allowed under artifacts");
                    }
                    if (!isNull(value)) {
                        MappingNode ids = mapping(value, key);
                        for (Map.Entry<String, Node> s : entries(ids, key).entrySet()) {
                            secondary.put(s.getKey(), artifact(s.getValue(), key + "." + s.getKey(), null));
                        }
                    }
                }
                default -> throw new BuildspecException(file, keyLine(map, e.getKey()), "unknown key '" + key
                        + "' (expected files, name, base-directory, discard-paths, exclude-paths or secondary-artifacts)");
            }
        }
        if (files == null) {
            if (secondary != null && !secondary.isEmpty()) {
                return null; // only secondary artifacts
            }
            throw new BuildspecException(file, line(node), path + ".files is missing: list the files of the artifact");
        }
        return new ArtifactSpec(files, name, base, discard, exclude);
    }

    private Map<String, ReportSpec> reports(Node node) throws BuildspecException {
        MappingNode map = mapping(node, "reports");
        Map<String, ReportSpec> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> group : entries(map, "reports").entrySet()) {
            String path = "reports." + group.getKey();
            MappingNode spec = mapping(group.getValue(), path);
            List<String> files = null;
            String base = null;
            boolean discard = false;
            String format = "JUNITXML";
            for (Map.Entry<String, Node> e : entries(spec, path).entrySet()) {
                String key = path + "." + e.getKey();
                switch (e.getKey()) {
                    case "files" -> files = strings(e.getValue(), key);
                    case "base-directory" -> base = scalar(e.getValue(), key);
                    case "discard-paths" -> discard = bool(e.getValue(), key);
                    case "file-format" -> {
                        format = scalar(e.getValue(), key).toUpperCase(Locale.ROOT);
                        if (!FILE_FORMATS.contains(format)) {
                            throw new BuildspecException(file, line(e.getValue()), key + " '" + scalar(e.getValue(), key)
                                    + "' is not a report format (expected one of " + String.join(", ", FILE_FORMATS.stream().sorted().toList()) + ")");
                        }
                    }
                    default -> throw new BuildspecException(file, keyLine(spec, e.getKey()), "unknown key '" + key
                            + "' (expected files, base-directory, discard-paths or file-format)");
                }
            }
            if (files == null) {
                throw new BuildspecException(file, line(group.getValue()), path + ".files is missing: list the report files");
            }
            result.put(group.getKey(), new ReportSpec(files, base, discard, format));
        }
        return result;
    }

    private List<String> cache(Node node) throws BuildspecException {
        MappingNode map = mapping(node, "cache");
        List<String> paths = List.of();
        for (Map.Entry<String, Node> e : entries(map, "cache").entrySet()) {
            switch (e.getKey()) {
                case "paths" -> paths = strings(e.getValue(), "cache.paths");
                case "key", "fallback-keys", "action" -> warnings.accept("cache." + e.getKey() + " is ignored: the cache is kept per project");
                default -> throw new BuildspecException(file, keyLine(map, e.getKey()), "unknown key 'cache." + e.getKey()
                        + "' (expected paths)");
            }
        }
        return paths;
    }

    // ---- node helpers

    private MappingNode mapping(Node node, String path) throws BuildspecException {
        if (node instanceof MappingNode map) {
            return map;
        }
        throw new BuildspecException(file, line(node), (path.isEmpty() ? "the buildspec" : path) + " must be a mapping of keys to values");
    }

    /** A mapping's entries by key, in order; keys must be plain strings. */
    private Map<String, Node> entries(MappingNode map, String path) throws BuildspecException {
        Map<String, Node> result = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new BuildspecException(file, line(tuple.getKeyNode()), "keys " + (path.isEmpty() ? "" : "of " + path + " ")
                        + "must be strings");
            }
            if (result.put(key.getValue(), tuple.getValueNode()) != null) {
                throw new BuildspecException(file, line(key), "duplicate key '" + (path.isEmpty() ? "" : path + ".") + key.getValue() + "'");
            }
        }
        return result;
    }

    private String scalar(Node node, String path) throws BuildspecException {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw new BuildspecException(file, line(node), path + " must be a single value");
    }

    private List<String> strings(Node node, String path) throws BuildspecException {
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof ScalarNode scalar) {
            return List.of(scalar.getValue()); // CodeBuild accepts one value where a list is expected
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw new BuildspecException(file, line(node), path + " must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            result.add(scalar(items.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(result);
    }

    private Map<String, String> stringMap(Node node, String path) throws BuildspecException {
        if (isNull(node)) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : entries(mapping(node, path), path).entrySet()) {
            result.put(e.getKey(), isNull(e.getValue()) ? "" : scalar(e.getValue(), path + "." + e.getKey()));
        }
        return result;
    }

    private boolean bool(Node node, String path) throws BuildspecException {
        String value = scalar(node, path).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "yes", "true", "on", "y" -> true;
            case "no", "false", "off", "n" -> false;
            default -> throw new BuildspecException(file, line(node), path + " must be yes or no, not '" + value + "'");
        };
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().getValue().endsWith(":null");
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static int keyLine(MappingNode map, String key) {
        for (NodeTuple tuple : map.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return line(k);
            }
        }
        return line(map);
    }
}
