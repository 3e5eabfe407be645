package dev.conveyor.server.git;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git's smart HTTP protocol for the hosted repositories, mounted at {@code /v1/repos/*} (the path of CodeCommit's
 * clone URLs): clone and fetch (upload-pack) of existing repositories, push (receive-pack) that creates a missing
 * repository, then reports the updated refs to the {@link PushListener} before the push completes. Besides git,
 * {@code GET /v1/repos/<name>/commit/<id>} describes a commit as JSON: it is the revision URL of hosted sources.
 */
public final class GitHttpServlet extends GitServlet {
    private static final Logger LOG = LoggerFactory.getLogger(GitHttpServlet.class);
    public static final String PATH = "/v1/repos";
    private static final Pattern COMMIT_VIEW = Pattern.compile("^/(.+)/commit/([0-9a-fA-F]{4,64})$");

    private final transient HostedRepositories repositories;
    /** The largest pack a push may send (0: no limit); JGit refuses a larger one while it streams in. */
    private volatile long maxPushBytes;

    public GitHttpServlet(HostedRepositories repositories, PushListener listener) {
        this.repositories = repositories;
        setRepositoryResolver((request, rawName) -> {
            String name = HostedRepositories.normalize(rawName).orElseThrow(() -> new RepositoryNotFoundException(rawName));
            return isPush(request) ? repositories.openOrCreate(name) : repositories.open(name);
        });
        setReceivePackFactory((request, db) -> {
            String name = nameOf(db);
            ReceivePack pack = new ReceivePack(db);
            pack.setAllowCreates(true);
            pack.setAllowDeletes(true);
            pack.setAllowNonFastForwards(true);
            pack.setRefLogIdent(new PersonIdent("conveyor", "conveyor@localhost"));
            if (maxPushBytes > 0) {
                pack.setMaxPackSizeLimit(maxPushBytes);
            }
            pack.setPostReceiveHook((rp, commands) -> afterPush(name, rp, commands, listener));
            return pack;
        });
    }

    /** Refuses pushes whose pack is larger than {@code maxBytes} (the server's largest artifact). */
    public void limitPushes(long maxBytes) {
        this.maxPushBytes = maxBytes;
    }

    private static boolean isPush(HttpServletRequest request) {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        return path.endsWith("/git-receive-pack") || "git-receive-pack".equals(request.getParameter("service"));
    }

    private String nameOf(Repository db) {
        if (db instanceof org.eclipse.jgit.internal.storage.dfs.DfsRepository stored) { // kept in the database (issue 19)
            return stored.getDescription().getRepositoryName();
        }
        String relative = repositories.root().toAbsolutePath().normalize()
                .relativize(db.getDirectory().toPath().toAbsolutePath().normalize()).toString().replace('\\', '/');
        return relative.endsWith(".git") ? relative.substring(0, relative.length() - 4) : relative;
    }

    private static void afterPush(String name, ReceivePack pack, java.util.Collection<ReceiveCommand> commands, PushListener listener) {
        List<RefChange> changes = new ArrayList<>();
        for (ReceiveCommand command : commands) {
            changes.add(new RefChange(command.getRefName(), command.getOldId().name(), command.getNewId().name()));
        }
        if (changes.isEmpty()) {
            return;
        }
        pointHeadAtFirstBranch(pack.getRepository(), changes);
        try {
            listener.pushed(name, changes, pack::sendMessage);
        } catch (RuntimeException e) {
            LOG.warn("push to {} was stored, but what it triggers failed: {}", name, e.toString(), e);
            pack.sendMessage("conveyor: the push was stored, but starting pipelines failed: " + e.getMessage());
        }
    }

    /** A new repository's HEAD names the first branch pushed to it, so that a clone checks that branch out. */
    private static void pointHeadAtFirstBranch(Repository repo, List<RefChange> changes) {
        try {
            Ref head = repo.exactRef(Constants.HEAD);
            if (head != null && head.isSymbolic() && head.getTarget().getObjectId() != null) {
                return;
            }
            Optional<RefChange> branch = changes.stream()
                    .filter(c -> c.refName().startsWith(Constants.R_HEADS) && !c.isDelete()).findFirst();
            if (branch.isPresent() && repo.exactRef(branch.get().refName()) != null) {
                RefUpdate update = repo.updateRef(Constants.HEAD);
                update.disableRefLog();
                update.link(branch.get().refName());
            }
        } catch (IOException e) {
            LOG.warn("could not point HEAD of {} at the pushed branch: {}", repo.getDirectory(), e.toString());
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = request.getPathInfo();
        Matcher commit = path == null ? null : COMMIT_VIEW.matcher(path);
        if (commit != null && commit.matches() && "GET".equals(request.getMethod())) {
            describeCommit(commit.group(1), commit.group(2), response);
            return;
        }
        super.service(request, response);
    }

    private void describeCommit(String rawName, String id, HttpServletResponse response) throws IOException {
        Optional<HostedRepositories.CommitInfo> found = HostedRepositories.normalize(rawName).flatMap(n -> repositories.commit(n, id));
        ObjectNode body = ConveyorJson.mapper().createObjectNode();
        if (found.isEmpty()) {
            body.put("message", "No commit " + id + " in repository " + rawName);
            write(response, 404, body);
            return;
        }
        HostedRepositories.CommitInfo c = found.get();
        body.put("repositoryName", HostedRepositories.normalize(rawName).orElseThrow());
        body.put("commitId", c.id());
        body.put("message", c.message());
        body.putObject("author").put("name", c.authorName()).put("email", c.authorEmail()).put("date", c.authorDate().toString());
        body.putObject("committer").put("name", c.committerName()).put("date", c.committerDate().toString());
        ArrayNode parents = body.putArray("parents");
        c.parents().forEach(parents::add);
        write(response, 200, body);
    }

    private static void write(HttpServletResponse response, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toPrettyString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
