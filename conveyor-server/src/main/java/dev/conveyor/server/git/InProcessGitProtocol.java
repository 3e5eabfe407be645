package dev.conveyor.server.git;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportProtocol;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The hosted repositories kept in the database as JGit remotes, {@code conveyor-hosted://<store>/<name>}: a fetch
 * (a source's, a build's clone) is served in this process by an upload-pack reading the database repository itself,
 * over pipes, as JGit's own local transport serves a directory. So a read costs no copy on disk and no push before it
 * (issue 19). {@code <store>} is the database's repository store ({@code DatabaseGitRepositories.storeId}), the same
 * on every replica: a job queued by one replica and run by another reads the same repository, and two servers on
 * different databases in one JVM (tests) never read each other's. Registered with JGit while the server runs;
 * fetch only (pushes come over git's smart HTTP).
 */
final class InProcessGitProtocol extends TransportProtocol implements AutoCloseable {
    static final String SCHEME = "conveyor-hosted";

    private final String store;
    private final HostedRepositories repositories;

    private InProcessGitProtocol(String store, HostedRepositories repositories) {
        this.store = store;
        this.repositories = repositories;
    }

    /** Registers the protocol with JGit (which keeps it only weakly: the caller holds it) until {@link #close}. */
    static InProcessGitProtocol register(String store, HostedRepositories repositories) {
        InProcessGitProtocol protocol = new InProcessGitProtocol(store, repositories);
        Transport.register(protocol);
        return protocol;
    }

    /** The URL a fetch of repository {@code name} uses. */
    String url(String name) {
        return SCHEME + "://" + store + "/" + name;
    }

    @Override
    public String getName() {
        return "Conveyor hosted repository";
    }

    @Override
    public Set<String> getSchemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Set<URIishField> getRequiredFields() {
        return EnumSet.of(URIishField.HOST, URIishField.PATH);
    }

    @Override
    public Set<URIishField> getOptionalFields() {
        return Collections.emptySet();
    }

    @Override
    public boolean canHandle(URIish uri, Repository local, String remoteName) {
        return super.canHandle(uri, local, remoteName) && store.equals(uri.getHost());
    }

    @Override
    public Transport open(URIish uri, Repository local, String remoteName) throws NotSupportedException {
        String name = HostedRepositories.normalize(uri.getPath())
                .orElseThrow(() -> new NotSupportedException(uri + " names no hosted repository"));
        return new InProcessTransport(local, uri, name);
    }

    @Override
    public void close() {
        Transport.unregister(this);
    }

    private final class InProcessTransport extends Transport implements PackTransport {
        private final String name;

        InProcessTransport(Repository local, URIish uri, String name) {
            super(local, uri);
            this.name = name;
        }

        @Override
        public FetchConnection openFetch() throws TransportException {
            Repository remote;
            try {
                remote = repositories.open(name);
            } catch (RepositoryNotFoundException e) {
                throw new NoRemoteRepositoryException(uri, "repository " + name + " not found");
            }
            return new UploadPackConnection(this, remote);
        }

        @Override
        public PushConnection openPush() throws NotSupportedException {
            throw new NotSupportedException("hosted repositories are pushed to over HTTP, not " + uri);
        }

        @Override
        public void close() {
            // each connection holds (and closes) its own repository
        }
    }

    /** A fetch from {@code remote}: an upload-pack on a virtual thread, talking to this client over two pipes. */
    private static final class UploadPackConnection extends BasePackFetchConnection {
        private final Thread uploader;

        UploadPackConnection(InProcessTransport transport, Repository remote) throws TransportException {
            super(transport);
            PipedInputStream fromServer = new PipedInputStream();
            // the client may write a large burst of wants and haves before it reads: the server's side must hold it
            PipedInputStream toServer = new PipedInputStream(MIN_CLIENT_BUFFER);
            PipedOutputStream serverOut;
            PipedOutputStream clientOut;
            try {
                serverOut = new PipedOutputStream(fromServer);
                clientOut = new PipedOutputStream(toServer);
            } catch (IOException e) {
                remote.close();
                throw new TransportException(uri, "cannot connect the upload-pack's pipes", e);
            }
            uploader = Thread.ofVirtual().name("upload-pack " + uri).start(() -> {
                try (remote) {
                    new UploadPack(remote).upload(toServer, serverOut, null);
                } catch (IOException | RuntimeException e) {
                    // the client sees its pipe closed and reports the failure
                } finally {
                    closeQuietly(toServer);
                    closeQuietly(serverOut);
                }
            });
            init(fromServer, clientOut);
            try {
                readAdvertisedRefs();
            } catch (TransportException | RuntimeException e) {
                close(); // the upload-pack sees the end of its input and stops
                throw e;
            }
        }

        @Override
        public void close() {
            super.close();
            try {
                uploader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void closeQuietly(java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // closing a pipe end only fails when it is broken already
            }
        }
    }
}
