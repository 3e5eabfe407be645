/**
 * The stored form of secrets: ciphertext and the wrapped data key that opens it, never a plaintext value.
 * Encryption and decryption happen above this package, with the server's keyring.
 */
package dev.conveyor.store.secrets;
