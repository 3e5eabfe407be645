package dev.conveyor.bench;

import com.github.benmanes.caffeine.cache.Cache;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which of a server's caches hold the heap the API benchmark's heap row measures (issue 20: 10,000 pipelines stored):
 * an in-process server on the embedded database is given the benchmark's {@code CreatePipeline} calls (the same
 * pipelines, eight connections), left to settle, and then each bounded cache found among its fields is emptied in turn,
 * the heap measured after a full collection before and after. What a cache frees is what it retained alone. A third
 * argument keeps the server up that many seconds afterwards, for {@code jcmd <pid> GC.class_histogram} on what no
 * cache holds. A diagnostic, not a benchmark row:
 * <pre>java -cp "conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*" dev.conveyor.bench.CacheHeapProbe [pipelines] [settle seconds] [wait seconds]</pre>
 */
public final class CacheHeapProbe {
    private CacheHeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int settleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (BenchServer bench = BenchServer.start(null)) {
            System.out.printf("heap in use before storing: %d MiB%n", used() >> 20);
            long started = System.nanoTime();
            store(bench.server().port(), count);
            System.out.printf("stored %,d pipelines in %.1f s; settling %d s%n", count, (System.nanoTime() - started) / 1e9, settleSeconds);
            Thread.sleep(settleSeconds * 1000L);
            System.out.printf("heap in use after storing: %d MiB%n", used() >> 20);
            Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
            Map<String, Map<?, ?>> maps = new LinkedHashMap<>();
            find(bench.server(), "server", Collections.newSetFromMap(new IdentityHashMap<>()), caches, maps, 0);
            for (Map.Entry<String, Cache<?, ?>> e : caches.entrySet()) {
                long before = used();
                long entries = e.getValue().estimatedSize();
                e.getValue().invalidateAll();
                e.getValue().cleanUp();
                System.out.printf("  cache %-50s %,7d entries, frees %5.1f MiB%n", e.getKey(), entries, (before - used()) / 1048576.0);
            }
            maps.forEach((path, map) -> {
                if (map.size() >= 1_000) {
                    System.out.printf("  map   %-50s %,7d entries (not emptied)%n", path, map.size());
                }
            });
            System.out.printf("heap in use with every cache emptied: %d MiB%n", used() >> 20);
            if (args.length > 2) { // time to run jcmd <pid> GC.class_histogram (or GC.heap_dump) on what remains
                System.out.printf("pid %d waiting %s s%n", ProcessHandle.current().pid(), args[2]);
                Thread.sleep(Integer.parseInt(args[2]) * 1000L);
            }
        }
    }

    /** The benchmark's CreatePipeline calls, pipelines 0..count-1 over eight connections. */
    private static void store(int port, int count) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (HttpConnection connection = new HttpConnection(new InetSocketAddress("127.0.0.1", port))) {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < count) {
                        if (connection.send(AwsJsonRequest.of(port, "CreatePipeline", PipelineFixture.createBody(i))).status() != 200) {
                            failure.compareAndSet(null, connection.lastBody());
                        }
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e.toString());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("CreatePipeline failed: " + failure.get());
        }
    }

    private static long used() {
        for (int i = 0; i < 3; i++) {
            System.gc(); // a full collection each (the default collector): what remains is live
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The caches (and the JDK maps) reachable from {@code o} through Conveyor's own objects, by owning class and field. */
    private static void find(Object o, String path, Set<Object> seen, Map<String, Cache<?, ?>> caches, Map<String, Map<?, ?>> maps,
                             int depth) {
        if (o == null || depth > 12 || !seen.add(o)) {
            return;
        }
        if (o instanceof Cache<?, ?> cache) {
            caches.put(path, cache);
        } else if (o instanceof Map<?, ?> map) {
            if (map.getClass().getName().startsWith("java.")) {
                maps.put(path, map);
            }
            for (Object value : List.copyOf(map.values())) {
                find(value, path + "[]", seen, caches, maps, depth + 1);
            }
        } else if (o instanceof Collection<?> collection) {
            for (Object value : List.copyOf(collection)) {
                find(value, path + "[]", seen, caches, maps, depth + 1);
            }
        } else if (o.getClass().getName().startsWith("dev.conveyor.")) {
            for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        find(f.get(o), k.getName().substring(k.getPackageName().length() + 1) + "." + f.getName(), seen, caches, maps,
                                depth + 1);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // a field this probe cannot open: not walked
                    }
                }
            }
        }
    }
}
