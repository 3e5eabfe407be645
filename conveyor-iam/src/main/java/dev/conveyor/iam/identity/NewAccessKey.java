package dev.conveyor.iam.identity;

import dev.conveyor.iam.store.AccessKeyRow;

/** A just-created access key with its secret, which is shown this once and stored only sealed. */
public record NewAccessKey(AccessKeyRow key, String secretAccessKey) {
    @Override
    public String toString() {
        return "NewAccessKey[" + key.accessKeyId() + "]"; // never the secret in logs
    }
}
