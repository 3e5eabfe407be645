package dev.conveyor.store.changes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of each topic, for the feeds to deliver to. */
final class Subscribers {
    private final Map<String, List<ChangeFeed.Listener>> byTopic = new ConcurrentHashMap<>();

    void add(String topic, ChangeFeed.Listener listener) {
        byTopic.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    }

    void changed(String topic, String key) {
        for (ChangeFeed.Listener listener : byTopic.getOrDefault(topic, List.of())) {
            listener.changed(key);
        }
    }

    void gap() {
        byTopic.values().forEach(listeners -> listeners.forEach(ChangeFeed.Listener::gap));
    }
}
