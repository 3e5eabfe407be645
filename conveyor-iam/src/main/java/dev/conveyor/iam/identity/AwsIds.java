package dev.conveyor.iam.identity;

import java.security.SecureRandom;

/**
 * Ids shaped as AWS makes them, from a secure random source: access key ids {@code AKIA…} (long-term) and
 * {@code ASIA…} (temporary), 20 characters of upper-case base32; unique ids {@code AIDA…} (users), {@code AROA…}
 * (roles), {@code ANPA…} (policies), 21 characters; secret access keys of 40 base64 characters.
 */
public final class AwsIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String UNIQUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private AwsIds() {
    }

    public static String accessKeyId() {
        return "AKIA" + random(BASE32, 16);
    }

    public static String temporaryAccessKeyId() {
        return "ASIA" + random(BASE32, 16);
    }

    public static String userId() {
        return "AIDA" + random(UNIQUE, 17);
    }

    public static String roleId() {
        return "AROA" + random(UNIQUE, 17);
    }

    public static String policyId() {
        return "ANPA" + random(UNIQUE, 17);
    }

    public static String secretAccessKey() {
        return random(SECRET, 40);
    }

    /** A session token: 256 random bits, base64 without padding, behind a marker so it is recognisably Conveyor's. */
    public static String sessionToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "Cvy" + java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String random(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
