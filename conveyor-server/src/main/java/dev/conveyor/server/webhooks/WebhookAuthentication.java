package dev.conveyor.server.webhooks;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a delivery against its webhook's authentication. GITHUB_HMAC: the body's HMAC with the SecretToken, as
 * GitHub signs it ({@code X-Hub-Signature-256: sha256=<hex>}, or the older {@code X-Hub-Signature: sha1=<hex>}),
 * as Gitea does ({@code X-Gitea-Signature: <hex>}), or GitLab's {@code X-Gitlab-Token} equal to the secret;
 * compared in constant time. IP: the sender's address is in AllowedIPRange (a CIDR block or one address).
 * UNAUTHENTICATED: anything.
 */
public final class WebhookAuthentication {
    private WebhookAuthentication() {
    }

    /** Null when the delivery is authentic, else why it is refused. */
    public static String refusal(String type, String secretToken, String allowedIpRange, UnaryOperator<String> header, byte[] body,
                                 String remoteAddress) {
        return switch (type) {
            case "UNAUTHENTICATED" -> null;
            case "IP" -> inRange(allowedIpRange, remoteAddress) ? null
                    : "the sender's address " + remoteAddress + " is not in the allowed range " + allowedIpRange;
            case "GITHUB_HMAC" -> hmacRefusal(secretToken, header, body);
            default -> "unknown authentication type " + type;
        };
    }

    private static String hmacRefusal(String secret, UnaryOperator<String> header, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            return "the webhook has no SecretToken";
        }
        String sha256 = header.apply("X-Hub-Signature-256");
        if (sha256 != null) {
            return matches(sha256, "sha256=" + hmac("HmacSHA256", secret, body)) ? null : "the X-Hub-Signature-256 signature does not match";
        }
        String gitea = header.apply("X-Gitea-Signature");
        if (gitea != null) {
            return matches(gitea, hmac("HmacSHA256", secret, body)) ? null : "the X-Gitea-Signature signature does not match";
        }
        String sha1 = header.apply("X-Hub-Signature");
        if (sha1 != null) {
            return matches(sha1, "sha1=" + hmac("HmacSHA1", secret, body)) ? null : "the X-Hub-Signature signature does not match";
        }
        String gitlab = header.apply("X-Gitlab-Token");
        if (gitlab != null) {
            return matches(gitlab, secret) ? null : "the X-Gitlab-Token does not match";
        }
        return "the delivery is not signed (no X-Hub-Signature-256, X-Gitea-Signature, X-Hub-Signature or X-Gitlab-Token)";
    }

    static String hmac(String algorithm, String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                expected.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the range is a valid CIDR block (or single address). */
    public static boolean validRange(String range) {
        try {
            parse(range);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean inRange(String range, String address) {
        if (range == null || address == null) {
            return false;
        }
        try {
            Block block = parse(range);
            byte[] bytes = InetAddress.getByName(address.replace("[", "").replace("]", "")).getAddress();
            if (bytes.length != block.address().length) {
                return false;
            }
            BigInteger mask = BigInteger.ONE.shiftLeft(bytes.length * 8).subtract(BigInteger.ONE)
                    .shiftRight(block.prefix()).xor(BigInteger.ONE.shiftLeft(bytes.length * 8).subtract(BigInteger.ONE));
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, block.address()).and(mask));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    private record Block(byte[] address, int prefix) {
    }

    private static Block parse(String range) {
        String[] parts = range.strip().split("/", 2);
        if (!parts[0].matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address: " + parts[0]); // never a DNS lookup
        }
        byte[] address;
        try {
            address = InetAddress.getByName(parts[0]).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("prefix out of range: " + prefix);
        }
        return new Block(address, prefix);
    }
}
