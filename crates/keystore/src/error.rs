//! Everything that can go wrong in the keystore, each with what to do about it.

use std::path::PathBuf;

/// Why a keystore operation failed. Every message names the key or file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// Decryption failed. With an authenticated cipher a wrong passphrase and an altered file
    /// are indistinguishable, so the message mentions both.
    #[error(
        "wrong passphrase for key '{name}': try again; if you are sure of the passphrase, the \
         key file {path} has been altered and must be restored from a backup"
    )]
    WrongPassphrase {
        /// The key that was being unlocked.
        name: String,
        /// Its file.
        path: PathBuf,
    },

    /// No file for this key name.
    #[error(
        "no key named '{name}' in keystore {dir}: check the name against the <name>.json files \
         in that directory, or create or import the key first"
    )]
    NotFound {
        /// The key that was asked for.
        name: String,
        /// The keystore directory that was searched.
        dir: PathBuf,
    },

    /// A key with this name is already stored; it was left untouched.
    #[error(
        "a key named '{name}' already exists at {path}: choose another name (the existing key \
         was not changed)"
    )]
    AlreadyExists {
        /// The name that is taken.
        name: String,
        /// The existing key's file.
        path: PathBuf,
    },

    /// The name breaks the naming rule, which keeps every key a plain file inside the keystore.
    #[error(
        "invalid key name {name:?}: {reason}; a key name is 1-64 characters from A-Z a-z 0-9 _ . - \
         and does not start with '.'"
    )]
    InvalidName {
        /// The rejected name, as given.
        name: String,
        /// Which part of the rule it breaks.
        reason: &'static str,
    },

    /// The key is encrypted and the caller gave no passphrase.
    #[error("key '{name}' is encrypted: supply its passphrase to load it")]
    PassphraseRequired {
        /// The encrypted key.
        name: String,
    },

    /// An empty passphrase was given for a new key.
    #[error(
        "an empty passphrase does not protect a key: choose a non-empty passphrase, or ask \
         explicitly for an insecure plaintext key if this is a devnet key"
    )]
    EmptyPassphrase,

    /// The file exists but is not a valid version-1 key file, or its contents disagree with
    /// each other (for example the decrypted private key does not match the stored public key).
    #[error(
        "keystore file is corrupt: {path} ({detail}); restore it from a backup or import the key \
         again under a new name"
    )]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },

    /// The file was written by a different version of the format.
    #[error(
        "key file {path} has format version {version}, but this build reads only version 1: \
         use a terrane release that supports version {version}"
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        version: u64,
    },

    /// Argon2id parameters that cannot be used to protect a new key.
    #[error("KDF parameters cannot be used: {detail}")]
    InvalidKdfParams {
        /// Which parameter is out of range and what the range is.
        detail: String,
    },

    /// The operating system could not supply random bytes, so no key, salt or nonce was made.
    #[error(
        "the operating system's random number generator failed, nothing was written: retry, and \
         check the system's entropy source if it keeps failing"
    )]
    Randomness {
        /// The error from the OS.
        source: std::io::Error,
    },

    /// Reading or writing a file or directory failed.
    #[error(
        "could not access {path}: check that it exists and that this user may read and write it"
    )]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error from the OS.
        source: std::io::Error,
    },
}
