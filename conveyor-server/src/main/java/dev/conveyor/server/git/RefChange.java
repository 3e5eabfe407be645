package dev.conveyor.server.git;

import org.eclipse.jgit.lib.ObjectId;

/**
 * One ref a push changed: {@code refs/heads/main} from {@code oldId} to {@code newId}; the zero id stands for a ref
 * that did not exist (created) or no longer exists (deleted).
 */
public record RefChange(String refName, String oldId, String newId) {
    public static final String ZERO = ObjectId.zeroId().name();

    public boolean isDelete() {
        return ZERO.equals(newId);
    }

    public boolean isCreate() {
        return ZERO.equals(oldId);
    }
}
