package dev.conveyor.server.git;

import java.util.List;
import java.util.function.Consumer;

/**
 * Told of every push to a hosted repository after its refs are updated and before the pusher's {@code git push}
 * returns, so that what it starts is recorded by the time the push completes. It must be quick: the pusher waits.
 */
@FunctionalInterface
public interface PushListener {
    /**
     * @param repository the repository's name, e.g. {@code app} or {@code team/app}
     * @param changes    the refs the push updated
     * @param feedback   sends a line to the pusher (shown by git as {@code remote: …})
     */
    void pushed(String repository, List<RefChange> changes, Consumer<String> feedback);
}
