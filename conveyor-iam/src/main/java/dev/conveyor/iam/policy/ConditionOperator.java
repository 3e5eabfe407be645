package dev.conveyor.iam.policy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The condition operators Conveyor evaluates, named as in IAM. Each compares one request value with one policy
 * value; {@link #negated} ones hold when no policy value matches (and when the key is absent from the request).
 */
public enum ConditionOperator {
    StringEquals(false, String::equals),
    StringNotEquals(true, String::equals),
    StringEqualsIgnoreCase(false, String::equalsIgnoreCase),
    StringNotEqualsIgnoreCase(true, String::equalsIgnoreCase),
    StringLike(false, (request, policy) -> Wildcards.matches(policy, request, false)),
    StringNotLike(true, (request, policy) -> Wildcards.matches(policy, request, false)),
    ArnEquals(false, String::equals),
    ArnNotEquals(true, String::equals),
    ArnLike(false, (request, policy) -> Wildcards.matchesArn(policy, request)),
    ArnNotLike(true, (request, policy) -> Wildcards.matchesArn(policy, request)),
    Bool(false, String::equalsIgnoreCase),
    IpAddress(false, ConditionOperator::inCidr),
    NotIpAddress(true, ConditionOperator::inCidr),
    /** {@code "Null": {"key": "true"}} holds when the key is absent, {@code "false"} when present; see {@link Condition}. */
    Null(false, (request, policy) -> {
        throw new UnsupportedOperationException("Null tests presence, not values");
    });

    private final boolean negated;
    /** Whether one request value matches one policy value (before negation): a Not… operator shares its twin's. */
    private final BiPredicate<String, String> matcher;

    ConditionOperator(boolean negated, BiPredicate<String, String> matcher) {
        this.negated = negated;
        this.matcher = matcher;
    }

    /** True for the Not… operators: the condition holds when no policy value matches. */
    public boolean negated() {
        return negated;
    }

    /** True for the operators whose policy values are patterns with {@code *} and {@code ?}. */
    boolean matchesPatterns() {
        return this == StringLike || this == StringNotLike || this == ArnLike || this == ArnNotLike;
    }

    /** Whether one request value matches one policy value (before negation). */
    boolean test(String requestValue, String policyValue) {
        return matcher.test(requestValue, policyValue);
    }

    /** The operator a condition block names, without its IfExists suffix or set prefix; empty when unknown. */
    static Optional<ConditionOperator> named(String name) {
        for (ConditionOperator o : values()) {
            if (o.name().equals(name)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Whether a policy value is well-formed for this operator (checked when the policy is parsed). */
    boolean accepts(String policyValue) {
        return switch (this) {
            case IpAddress, NotIpAddress -> parseCidr(policyValue).isPresent();
            case Bool, Null -> "true".equalsIgnoreCase(policyValue) || "false".equalsIgnoreCase(policyValue);
            default -> true;
        };
    }

    private record Cidr(byte[] network, int prefixLength) {
    }

    private static Optional<Cidr> parseCidr(String value) {
        String[] parts = value.trim().split("/", 2);
        // Only literal addresses: InetAddress would otherwise resolve host names, a lookup a policy must not cause.
        if (!parts[0].matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return Optional.empty();
        }
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int bits = address.length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                return Optional.empty();
            }
            return Optional.of(new Cidr(address, prefix));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean inCidr(String address, String cidr) {
        Optional<Cidr> range = parseCidr(cidr);
        Optional<Cidr> ip = parseCidr(address.toLowerCase(Locale.ROOT));
        if (range.isEmpty() || ip.isEmpty() || range.get().network().length != ip.get().network().length) {
            return false;
        }
        int bits = ip.get().network().length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - range.get().prefixLength()).subtract(BigInteger.ONE));
        return new BigInteger(1, ip.get().network()).and(mask).equals(new BigInteger(1, range.get().network()).and(mask));
    }
}
