package dev.conveyor.server.codepipeline;

import dev.conveyor.store.JobCredentialRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Issues the {@code artifactCredentials} of a job: a temporary key pair and session token, valid for a limited
 * time and only for that job's input and output artifacts (the S3 endpoint checks both).
 */
public final class JobCredentialIssuer {
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private final SecureRandom random = new SecureRandom();
    private final JobCredentialRepository repository;
    private final Clock clock;
    private final Duration lifetime;

    public JobCredentialIssuer(JobCredentialRepository repository, Clock clock, Duration lifetime) {
        this.repository = repository;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public JobCredentialRepository.JobCredential issue(String jobId) {
        byte[] token = new byte[96];
        random.nextBytes(token);
        JobCredentialRepository.JobCredential credential = new JobCredentialRepository.JobCredential(
                "ASIA" + randomString(UPPER_ALNUM, 16), randomString(ALNUM, 40),
                Base64.getEncoder().encodeToString(token), jobId, clock.instant().plus(lifetime));
        repository.insert(credential);
        return credential;
    }

    private String randomString(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
