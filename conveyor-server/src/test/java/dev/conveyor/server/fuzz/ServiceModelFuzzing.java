package dev.conveyor.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Sends every built operation of every bundled service model {@value #VARIANTS} damaged requests of each
 * {@link Mutation} kind, and holds the server to AWS's contract: a client error is a 4xx whose {@code __type} the
 * operation models (or one of the protocol's own), never a 5xx, never a stack trace or a server path; a request
 * that is invalid whatever else it holds is refused; and nothing a refused request carried is stored.
 *
 * <p>The cases are enumerated exhaustively (operation × mutation × variant), each generated from its own random
 * seeded from {@link #SEED} and the case, so a failing case reproduces on its own. Set {@code -Dconveyor.fuzz.seed=N}
 * to explore other requests.
 */
abstract class ServiceModelFuzzing {
    static final long SEED = Long.getLong("conveyor.fuzz.seed", 20261206L);
    static final int VARIANTS = 2;
    /** {@code -Dconveyor.fuzz.keepGoing=true} prints every failing case instead of stopping at the first. */
    private static final boolean KEEP_GOING = Boolean.getBoolean("conveyor.fuzz.keepGoing");
    /** What any AWS JSON operation may answer besides its modelled errors. */
    private static final Set<String> PROTOCOL_ERRORS = Set.of("SerializationException", "ValidationException", "UnknownOperationException");
    /**
     * Errors a service documents as common to all its actions (its "Common Errors" page) rather than per operation in
     * its model: CloudWatch's parameter errors, which every CloudWatch action may answer.
     */
    private static final Map<String, Set<String>> COMMON_ERRORS = Map.of("GraniteServiceVersion20100801",
            Set.of("InvalidParameterCombinationException", "InvalidParameterValueException", "MissingRequiredParameterException"));
    /** Tokens are "fzq", the case number, "x": found in any casing, whatever follows them, by the state check. */
    private static final Pattern TOKEN = Pattern.compile("fzq([0-9]+)x", Pattern.CASE_INSENSITIVE);

    /** A request to send: an operation, the kind of damage, which variant of it. */
    record FuzzCase(int number, FuzzTarget.ServedOperation operation, Mutation mutation, int variant) {
        String token() {
            return "fzq" + number + "x";
        }

        @Override
        public String toString() {
            return "#" + number + " " + operation + " " + mutation + "/" + variant + " (seed " + SEED + ")";
        }
    }

    /** One server per property run (jqwik makes one instance of this class per property), started by the first use. */
    private FuzzTarget target;
    private final Set<String> acceptedTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectedTokens = ConcurrentHashMap.newKeySet();

    abstract String databaseKind();

    private FuzzTarget target() {
        if (target == null) {
            target = new FuzzTarget(databaseKind());
        }
        return target;
    }

    @Provide
    Arbitrary<FuzzCase> cases() {
        List<FuzzCase> cases = new ArrayList<>();
        for (FuzzTarget.ServedOperation operation : target().operations()) {
            for (Mutation mutation : Mutation.values()) {
                for (int variant = 0; variant < VARIANTS; variant++) {
                    cases.add(new FuzzCase(cases.size(), operation, mutation, variant));
                }
            }
        }
        return Arbitraries.of(cases);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 100_000, shrinking = ShrinkingMode.OFF,
            afterFailure = AfterFailureMode.RANDOM_SEED)
    void everyMalformedRequestIsAModelledClientError(@ForAll("cases") FuzzCase fuzzCase) {
        try {
            check(fuzzCase);
        } catch (AssertionError e) {
            if (!KEEP_GOING) {
                throw e;
            }
            System.err.println("FAIL " + e.getMessage().replace('\n', ' '));
        }
    }

    private void check(FuzzCase fuzzCase) {
        Random random = new Random(SEED * 31 + fuzzCase.number());
        var served = fuzzCase.operation();
        ObjectNode valid = new RequestGenerator(served.model(), random, fuzzCase.token()).input(served.operation());
        RequestMutator.Mutated request = new RequestMutator(served.model(), random, fuzzCase.token())
                .mutate(served.operation(), valid, fuzzCase.mutation());
        FuzzTarget.Answer answer = target().send(served, request.body(), request.contentType());

        String what = fuzzCase + ": " + request.description() + " answered " + answer.status() + " " + answer.body();
        assertThat(answer.status()).as(what).isLessThan(500);
        if (answer.status() < 300) {
            assertThat(request.mustBeRejected()).as("accepted an invalid request: " + what).isFalse();
            acceptedTokens.add(fuzzCase.token().toLowerCase(Locale.ROOT));
            return;
        }
        rejectedTokens.add(fuzzCase.token().toLowerCase(Locale.ROOT));
        assertThat(answer.status()).as(what).isBetween(400, 499);
        Set<String> allowed = new LinkedHashSet<>(PROTOCOL_ERRORS);
        allowed.addAll(served.operation().errors());
        allowed.addAll(COMMON_ERRORS.getOrDefault(served.model().targetPrefix(), Set.of()));
        assertThat(answer.errorType()).as(what).isIn(allowed);
        assertThat(answer.body()).as(what).doesNotContain("\tat ", "java.", "/tmp/", "/work/", "/home/");
    }

    /**
     * After every case has run, reads back everything the list operations show (those needing no input) and finds
     * the case tokens in it: each must belong to an accepted request. The check must also find at least one
     * accepted request's token, so a list that shows nothing cannot pass it by accident.
     */
    @AfterProperty
    void nothingARejectedRequestCarriedWasStored() {
        if (target == null) {
            return; // the server never started: the property's own failure says why
        }
        try (FuzzTarget server = target) {
            checkNothingRejectedWasStored();
        } finally {
            target = null;
        }
    }

    private void checkNothingRejectedWasStored() {
        Map<String, String> listed = new HashMap<>();
        for (FuzzTarget.ServedOperation operation : target().operations()) {
            String name = operation.operation().name();
            boolean lists = name.startsWith("List") || name.startsWith("Describe") || name.startsWith("Get");
            if (lists && !hasRequiredInput(operation)) {
                FuzzTarget.Answer answer = target().send(operation, "{}".getBytes(), RequestMutator.AWS_JSON);
                Matcher tokens = TOKEN.matcher(answer.body());
                while (tokens.find()) {
                    listed.put(tokens.group().toLowerCase(Locale.ROOT), operation.target());
                }
            }
        }
        Map<String, String> leftBehind = new HashMap<>(listed);
        leftBehind.keySet().removeAll(acceptedTokens);
        assertThat(leftBehind).as("tokens of rejected requests found in list results").isEmpty();
        assertThat(listed).as("the list operations show what accepted requests created").isNotEmpty();
        assertThat(rejectedTokens).isNotEmpty();
    }

    private static boolean hasRequiredInput(FuzzTarget.ServedOperation operation) {
        String input = operation.operation().inputShape();
        return input != null && !operation.model().shape(input).path("required").isEmpty();
    }
}
