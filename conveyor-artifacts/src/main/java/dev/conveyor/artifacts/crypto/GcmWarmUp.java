package dev.conveyor.artifacts.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets the JIT to compile AES-GCM down to the CPU's AES and carry-less multiply instructions before large content
 * needs it. HotSpot swaps the JDK's Java GCM code for those instructions only once its C2 compiler has compiled the
 * method that does the work, after some 5,000 calls of it; {@link ChunkedGcm} calls it once per 256 KiB chunk, so
 * after every start the first ~1.25 GiB encrypted or decrypted ran on the Java code, 10 to 50 times slower (the first
 * encrypted 1 GiB upload took twice the CPU of the next ones). A background thread makes those calls with small
 * chunks the first time ChunkedGcm is used: about 0.15 s of CPU, once per process, and none for a server that never
 * encrypts.
 */
final class GcmWarmUp {
    /** Past HotSpot's Tier4InvocationThreshold (5,000). */
    private static final int CALLS = 6_000;
    /** The JDK hands inputs of at least 512 bytes to the method that gets compiled to the CPU instructions. */
    private static final int CHUNK = 512;

    private GcmWarmUp() {
    }

    static void start() {
        Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("gcm-warm-up").start(GcmWarmUp::run);
    }

    private static void run() {
        // A throwaway all-zero key over zeros: nothing here is secret or kept.
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        byte[] aad = new byte[ChunkedGcm.HEADER_BYTES];
        byte[] plain = new byte[CHUNK];
        byte[] sealed = new byte[CHUNK + ChunkedGcm.TAG_BYTES];
        byte[] opened = new byte[CHUNK];
        try {
            for (int i = 0; i < CALLS / 2; i++) {
                byte[] nonce = new byte[12];
                nonce[8] = (byte) (i >>> 8);
                nonce[9] = (byte) i;
                // The same calls as ChunkedGcm's, both ways.
                Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
                encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(ChunkedGcm.TAG_BYTES * 8, nonce));
                encrypt.updateAAD(aad);
                int n = encrypt.doFinal(plain, 0, CHUNK, sealed, 0);
                Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
                decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(ChunkedGcm.TAG_BYTES * 8, nonce));
                decrypt.updateAAD(aad);
                decrypt.doFinal(sealed, 0, n, opened, 0);
            }
        } catch (GeneralSecurityException | RuntimeException ignored) {
            // only a head start: content is encrypted the same without it
        }
    }
}
