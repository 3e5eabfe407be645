package dev.conveyor.agent.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * An {@code appspec.yml} for the Server platform (version 0.0, os linux): files to copy, permissions to set, and the
 * hooks of each lifecycle event with their location, timeout (seconds, at most 3600) and runas user.
 */
public record AppSpec(List<FileMapping> files, List<Permission> permissions, Map<String, List<Hook>> hooks) {
    /** {@code files}: copy {@code source} (relative to the revision's root; a file or a directory, "/" for all) to {@code destination}. */
    public record FileMapping(String source, String destination) {
    }

    /** {@code permissions}: on files under {@code object} matching {@code pattern} (glob, "**" all), set owner, group and mode. */
    public record Permission(String object, String pattern, List<String> except, String owner, String group, String mode, List<String> type) {
    }

    /** One script of a lifecycle event. */
    public record Hook(String location, int timeoutSeconds, String runas) {
    }

    /** The appspec is not valid; the message names the offending part. */
    public static final class InvalidAppSpecException extends RuntimeException {
        InvalidAppSpecException(String message) {
            super(message);
        }
    }

    private static final List<String> EVENTS = List.of("ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart",
            "ValidateService", "BeforeBlockTraffic", "AfterBlockTraffic", "BeforeAllowTraffic", "AfterAllowTraffic");

    public static AppSpec parse(String yaml) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel("appspec.yml").build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new InvalidAppSpecException("appspec.yml is not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidAppSpecException("appspec.yml must be a mapping with version, os, files and hooks");
        }
        Object version = map.get("version");
        if (version == null || !("0.0".equals(version.toString()) || Double.valueOf(0.0).equals(version))) {
            throw new InvalidAppSpecException("appspec.yml: version must be 0.0, not " + version);
        }
        if (!"linux".equals(String.valueOf(map.get("os")))) {
            throw new InvalidAppSpecException("appspec.yml: os must be linux, not " + map.get("os"));
        }
        List<FileMapping> files = new ArrayList<>();
        for (Object f : list(map.get("files"), "files")) {
            Map<?, ?> m = mapping(f, "files[]");
            files.add(new FileMapping(required(m, "source", "files[].source"), required(m, "destination", "files[].destination")));
        }
        List<Permission> permissions = new ArrayList<>();
        for (Object p : list(map.get("permissions"), "permissions")) {
            Map<?, ?> m = mapping(p, "permissions[]");
            List<String> except = new ArrayList<>();
            list(m.get("except"), "permissions[].except").forEach(e -> except.add(e.toString()));
            List<String> type = new ArrayList<>();
            list(m.get("type"), "permissions[].type").forEach(t -> type.add(t.toString()));
            Object mode = m.get("mode");
            permissions.add(new Permission(required(m, "object", "permissions[].object"), m.get("pattern") == null ? "**" : m.get("pattern").toString(),
                    except, str(m.get("owner")), str(m.get("group")), mode == null ? null : mode.toString(), type));
        }
        Map<String, List<Hook>> hooks = new LinkedHashMap<>();
        Object hookSection = map.get("hooks");
        if (hookSection != null) {
            for (var e : mapping(hookSection, "hooks").entrySet()) {
                String event = e.getKey().toString();
                if (!EVENTS.contains(event)) {
                    throw new InvalidAppSpecException("appspec.yml: hooks." + event + " is not a lifecycle event with hooks (one of " + EVENTS + ")");
                }
                List<Hook> scripts = new ArrayList<>();
                for (Object h : list(e.getValue(), "hooks." + event)) {
                    Map<?, ?> m = mapping(h, "hooks." + event + "[]");
                    int timeout = 3600;
                    if (m.get("timeout") != null) {
                        try {
                            timeout = Integer.parseInt(m.get("timeout").toString());
                        } catch (NumberFormatException ex) {
                            throw new InvalidAppSpecException("appspec.yml: hooks." + event + "[].timeout must be a number of seconds");
                        }
                        if (timeout < 1 || timeout > 3600) {
                            throw new InvalidAppSpecException("appspec.yml: hooks." + event + "[].timeout must be 1 to 3600 seconds");
                        }
                    }
                    scripts.add(new Hook(required(m, "location", "hooks." + event + "[].location"), timeout, str(m.get("runas"))));
                }
                hooks.put(event, scripts);
            }
        }
        return new AppSpec(files, permissions, hooks);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static String required(Map<?, ?> m, String key, String path) {
        Object value = m.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new InvalidAppSpecException("appspec.yml: " + path + " is required");
        }
        return value.toString();
    }

    private static List<?> list(Object o, String path) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new InvalidAppSpecException("appspec.yml: " + path + " must be a list");
        }
        return l;
    }

    private static Map<?, ?> mapping(Object o, String path) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new InvalidAppSpecException("appspec.yml: " + path + " must be a mapping");
        }
        return m;
    }
}
