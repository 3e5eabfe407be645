package dev.conveyor.providers.codebuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files under a base directory that a list of patterns selects, less the excluded ones, as relative paths in
 * a stable order; and which patterns selected nothing (so a build can name them). A pattern that names a directory
 * exactly selects every file under it. Symbolic links are not followed out of the base directory.
 */
public record FileSelection(List<String> files, List<String> unmatched) {

    public static FileSelection of(Path base, List<String> includes, List<String> excludes) {
        List<PathGlob> include = includes.stream().map(PathGlob::of).toList();
        List<PathGlob> exclude = excludes.stream().map(PathGlob::of).toList();
        Map<String, Boolean> matched = new LinkedHashMap<>();
        includes.forEach(p -> matched.put(p, false));
        List<String> files = new ArrayList<>();
        if (Files.isDirectory(base)) {
            try (Stream<Path> walk = Files.walk(base)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                    String relative = relative(base, file);
                    boolean selected = false;
                    for (PathGlob glob : include) {
                        if (glob.matches(relative) || underDirectory(glob, relative)) {
                            matched.put(glob.pattern(), true);
                            selected = true;
                        }
                    }
                    if (selected && exclude.stream().noneMatch(g -> g.matches(relative))) {
                        files.add(relative);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + base, e);
            }
        }
        List<String> unmatched = matched.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        return new FileSelection(List.copyOf(files), unmatched);
    }

    private static boolean underDirectory(PathGlob glob, String relative) {
        if (!glob.literal()) {
            return false;
        }
        String dir = glob.pattern().strip();
        while (dir.startsWith("./")) {
            dir = dir.substring(2);
        }
        if (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        return !dir.isEmpty() && relative.startsWith(dir + "/");
    }

    static String relative(Path base, Path file) {
        return base.relativize(file).toString().replace('\\', '/');
    }
}
