package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.providers.codebuild.BuildFailure;
import dev.conveyor.providers.codebuild.BuildSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Fetches the source of a build the server runs itself, as its project says: nothing (NO_SOURCE), a zip in a bucket
 * of this server (S3, {@code bucket/key}, at {@code sourceVersion} when it names an object version), or a git
 * repository (CODECOMMIT, GITHUB, GITLAB, BITBUCKET…), cloned and checked out at {@code sourceVersion} (a branch, a
 * tag or a commit). CodeCommit clone URLs are taken to mean this server's hosted repository of the same name.
 */
final class SourceDownloads {
    private final ObjectStore objects;
    private final Function<String, String> gitUrl;

    /** @param gitUrl maps a project's git location to the URL to clone (CodeCommit URLs to this server's hosting) */
    SourceDownloads(ObjectStore objects, Function<String, String> gitUrl) {
        this.objects = objects;
        this.gitUrl = gitUrl;
    }

    BuildSources fetch(JsonNode project, Path workspace, Consumer<String> log) throws BuildFailure, IOException {
        JsonNode source = project.path("source");
        String type = source.path("type").asText();
        String location = source.path("location").asText("");
        String version = project.path("sourceVersion").asText(null);
        Path dir = Files.createDirectories(workspace.resolve("src"));
        switch (type) {
            case "NO_SOURCE" -> {
                log.accept("[Container] No source (NO_SOURCE)");
                return new BuildSources(dir, Map.of(), null, null, null);
            }
            case "S3" -> {
                return s3(location, version, dir, workspace, log);
            }
            case "CODEPIPELINE" -> throw new BuildFailure("CLIENT_ERROR", "a CODEPIPELINE source is only given by a pipeline");
            default -> {
                return git(gitUrl.apply(location), version, dir, log);
            }
        }
    }

    private BuildSources s3(String location, String version, Path dir, Path workspace, Consumer<String> log) throws BuildFailure, IOException {
        int slash = location.indexOf('/');
        String bucket = location.substring(0, slash);
        String key = location.substring(slash + 1);
        Path zip = workspace.resolve("source.zip");
        String versionId;
        try (ObjectContent content = objects.getObject(bucket, key, version, null); InputStream in = content.stream()) {
            Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
            versionId = content.version().versionId();
        } catch (S3Exception e) {
            throw new BuildFailure("CLIENT_ERROR", "the source s3://" + location + " cannot be read: " + e.getMessage());
        }
        ZipArchives.unzip(zip, dir);
        Files.delete(zip);
        log.accept("[Container] Source s3://" + location + (versionId == null ? "" : " (version " + versionId + ")") + " unpacked in " + dir);
        return new BuildSources(dir, Map.of(), "arn:aws:s3:::" + location, versionId, null);
    }

    private static BuildSources git(String url, String version, Path dir, Consumer<String> log) throws BuildFailure {
        try (Git git = Git.cloneRepository().setURI(url).setDirectory(dir.toFile()).setCloneAllBranches(true).call()) {
            if (version != null && !version.isBlank()) {
                String ref = version.startsWith("refs/heads/") ? "origin/" + version.substring("refs/heads/".length()) : version;
                ObjectId commit = git.getRepository().resolve(ref) != null ? git.getRepository().resolve(ref)
                        : git.getRepository().resolve("origin/" + version);
                if (commit == null) {
                    throw new BuildFailure("CLIENT_ERROR", "source version " + version + " is not in " + url);
                }
                git.checkout().setName(commit.name()).call();
            }
            String head = git.getRepository().resolve("HEAD").name();
            log.accept("[Container] Source " + url + " cloned at " + head);
            return new BuildSources(dir, Map.of(), version, head, url);
        } catch (GitAPIException | IOException e) {
            throw new BuildFailure("CLIENT_ERROR", "the source " + url + " cannot be cloned: " + e.getMessage());
        }
    }
}
