//! Passphrase-encrypted storage of ed25519 account and device keys for the `terrane` CLI and
//! device agent.
//!
//! A keystore is a directory (0700 on unix) holding one JSON file per key, `<dir>/<name>.json`
//! (0600 on unix), written atomically and never overwritten. `docs/spec/keystore.md` specifies
//! the format; in short, version 1 stores the name, the public key in hex, and either:
//!
//! ```text
//! passphrase ─Argon2id(salt, m, t, p)─► 32-byte key ─┐
//! private key (32 bytes) ───────────────────────────►ChaCha20-Poly1305(nonce, aad)─► ciphertext‖tag
//!     aad = "terrane-keystore/v1" ‖ 0x00 ‖ public key ‖ name
//! ```
//!
//! or, in insecure mode, the private key itself in hex.
//!
//! # Threat model
//!
//! The passphrase protects the private key from anyone who gets a copy of the file (a backup, a
//! lost disk or SD card, another user if permissions are loosened): they learn the name and the
//! public key, and to learn the private key they must guess the passphrase at the cost of one
//! Argon2id evaluation (64 MiB, 3 passes by default) per guess. A weak passphrase is still
//! guessable. The ciphertext is authenticated and bound to the file's public key and name, so an
//! altered or transplanted ciphertext fails to decrypt instead of yielding some other key, and a
//! decrypted key that does not match the stored public key is reported as corrupt. Nothing here
//! protects a key from malware running as the same user, or a key after it has been loaded.
//!
//! [`Protection::InsecurePlaintext`] stores the private key unencrypted, guarded only by file
//! permissions. It is for devnet and throwaway test keys, and a caller must choose it explicitly.
//!
//! Secrets (passphrases, derived keys, decrypted and encoded private keys, insecure file
//! contents) are wiped from memory when dropped. Nothing in this crate panics on bad input.

mod crypto;
mod error;
mod file;
mod fsio;
mod name;

#[cfg(test)]
mod tests;

pub use crypto::KdfParams;
pub use error::KeystoreError;
pub use name::MAX_NAME_LEN;

use commonware_codec::{Copying, DecodeExt, Encode, Write};
use commonware_cryptography::{
    Signer,
    ed25519::{PrivateKey, PublicKey},
};
use crypto::{NONCE_LEN, SALT_LEN, SECRET_LEN};
use file::{KeyFile, Sealed, StoredSecret};
use fsio::{ReadOutcome, WriteNewError};
use std::{fmt, io, path::PathBuf};
use terrane_primitives::{Address, hex};
use zeroize::{Zeroize, Zeroizing};

/// How a new key is protected on disk.
pub enum Protection {
    /// Encrypt the private key under this passphrase (must not be empty).
    Passphrase(String),
    /// Store the private key unencrypted. Only for devnet and test keys: anyone who can read
    /// the file has the key.
    InsecurePlaintext,
}

impl Drop for Protection {
    fn drop(&mut self) {
        if let Self::Passphrase(passphrase) = self {
            passphrase.zeroize();
        }
    }
}

impl fmt::Debug for Protection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Passphrase(_) => f.write_str("Passphrase(<redacted>)"),
            Self::InsecurePlaintext => f.write_str("InsecurePlaintext"),
        }
    }
}

/// The public facts about a stored key; reading them needs no passphrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's name in the keystore.
    pub name: String,
    /// Its ed25519 public key.
    pub public_key: PublicKey,
    /// The account address of this key, as the chain and CLI print it.
    pub address_hex: String,
    /// Whether the private key is passphrase-encrypted (false for insecure plaintext keys).
    pub encrypted: bool,
    /// The key's file.
    pub path: PathBuf,
}

/// A directory of key files.
#[derive(Clone, Debug)]
pub struct Keystore {
    dir: PathBuf,
    kdf: KdfParams,
}

impl Keystore {
    /// Opens the keystore in `dir`, creating the directory (0700 on unix) if it is missing.
    /// New keys are protected with [`KdfParams::RECOMMENDED`].
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, KeystoreError> {
        let dir = dir.into();
        fsio::create_private_dir(&dir).map_err(|source| KeystoreError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Self {
            dir,
            kdf: KdfParams::RECOMMENDED,
        })
    }

    /// Protects keys created or imported from now on with `params` instead. Keys already
    /// stored keep the parameters recorded in their files.
    pub fn with_kdf_params(mut self, params: KdfParams) -> Self {
        self.kdf = params;
        self
    }

    /// Generates a new key from the operating system's RNG and stores it as `name`.
    pub fn create(&self, name: &str, protection: Protection) -> Result<KeyInfo, KeystoreError> {
        self.check_new(name, &protection)?;
        let mut seed = Zeroizing::new([0u8; SECRET_LEN]);
        crypto::fill_random(seed.as_mut_slice())?;
        // An ed25519 private key is its 32-byte seed, so this is `PrivateKey::random` with an
        // RNG whose failure is reported instead of panicking.
        let key = PrivateKey::decode(Copying(&seed[..]))
            .expect("every 32-byte string is an ed25519 private key");
        self.store(name, &key, &protection)
    }

    /// Stores an existing private key as `name`.
    pub fn import(
        &self,
        name: &str,
        key: &PrivateKey,
        protection: Protection,
    ) -> Result<KeyInfo, KeystoreError> {
        self.check_new(name, &protection)?;
        self.store(name, key, &protection)
    }

    /// Every key in the keystore, sorted by name. Files that are not `<valid name>.json` are
    /// ignored; a key file that cannot be read is an error naming it.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeystoreError> {
        let io_err = |source| KeystoreError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io_err)? {
            let entry = entry.map_err(io_err)?;
            if entry.file_type().map_err(io_err)?.is_dir() {
                continue;
            }
            if let Some(name) = entry.file_name().to_str().and_then(name::from_file_name) {
                names.push(name.to_owned());
            }
        }
        names.sort();
        names.iter().map(|name| self.info(name)).collect()
    }

    /// The public facts about key `name`, without its passphrase.
    pub fn info(&self, name: &str) -> Result<KeyInfo, KeystoreError> {
        let file = self.read(name)?;
        Ok(self.key_info(&file))
    }

    /// Loads and decrypts key `name`. `passphrase` is required for an encrypted key and ignored
    /// for an insecure plaintext one.
    pub fn load(&self, name: &str, passphrase: Option<&str>) -> Result<PrivateKey, KeystoreError> {
        let file = self.read(name)?;
        let path = self.path_of(name);
        let raw = match &file.secret {
            StoredSecret::Plaintext(raw) => raw.clone(),
            StoredSecret::Encrypted(sealed) => {
                let passphrase = passphrase.ok_or_else(|| KeystoreError::PassphraseRequired {
                    name: name.to_owned(),
                })?;
                let key = sealed
                    .kdf
                    .derive_key(passphrase, &sealed.salt)
                    .map_err(|e| KeystoreError::Corrupt {
                        path: path.clone(),
                        detail: format!("its Argon2id parameters cannot be used: {e}"),
                    })?;
                let aad = crypto::associated_data(&file.public_key.encode(), &file.name);
                crypto::open(&key, &sealed.nonce, &aad, &sealed.ciphertext).ok_or_else(|| {
                    KeystoreError::WrongPassphrase {
                        name: name.to_owned(),
                        path: path.clone(),
                    }
                })?
            }
        };
        let key = PrivateKey::decode(Copying(&raw[..]))
            .expect("every 32-byte string is an ed25519 private key");
        if key.public_key() != file.public_key {
            return Err(KeystoreError::Corrupt {
                path,
                detail: "the private key does not match the stored public key".to_owned(),
            });
        }
        Ok(key)
    }

    /// Where key `name` is (or would be) stored: `<dir>/<name>.json`. The name is not checked
    /// here; every other method rejects an invalid name before touching the disk.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// Rejects a bad name, an empty passphrase or a taken name before any expensive work.
    /// [`Keystore::store`] re-checks the name atomically.
    fn check_new(&self, name: &str, protection: &Protection) -> Result<(), KeystoreError> {
        name::validate(name)?;
        if let Protection::Passphrase(passphrase) = protection
            && passphrase.is_empty()
        {
            return Err(KeystoreError::EmptyPassphrase);
        }
        let path = self.path_of(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(KeystoreError::AlreadyExists {
                name: name.to_owned(),
                path,
            });
        }
        Ok(())
    }

    fn store(
        &self,
        name: &str,
        key: &PrivateKey,
        protection: &Protection,
    ) -> Result<KeyInfo, KeystoreError> {
        let public_key = key.public_key();
        let mut raw = Zeroizing::new([0u8; SECRET_LEN]);
        key.write(&mut raw.as_mut_slice());
        let secret = match protection {
            Protection::InsecurePlaintext => StoredSecret::Plaintext(raw),
            Protection::Passphrase(passphrase) => {
                let mut salt = [0u8; SALT_LEN];
                let mut nonce = [0u8; NONCE_LEN];
                crypto::fill_random(&mut salt)?;
                crypto::fill_random(&mut nonce)?;
                let derived = self.kdf.derive_key(passphrase, &salt).map_err(|e| {
                    KeystoreError::InvalidKdfParams {
                        detail: format!("{e}; choose a smaller m_cost_kib"),
                    }
                })?;
                let aad = crypto::associated_data(&public_key.encode(), name);
                StoredSecret::Encrypted(Sealed {
                    kdf: self.kdf,
                    salt,
                    nonce,
                    ciphertext: crypto::seal(&derived, &nonce, &aad, &raw),
                })
            }
        };
        let file = KeyFile {
            name: name.to_owned(),
            public_key,
            secret,
        };
        let mut tag = [0u8; 8];
        crypto::fill_random(&mut tag)?;
        let path = self.path_of(name);
        match fsio::write_new(&self.dir, &path, &file.to_json(), &hex::encode(&tag)) {
            Ok(()) => Ok(self.key_info(&file)),
            Err(WriteNewError::AlreadyExists) => Err(KeystoreError::AlreadyExists {
                name: name.to_owned(),
                path,
            }),
            Err(WriteNewError::Io { path, source }) => Err(KeystoreError::Io { path, source }),
        }
    }

    /// Reads and checks the file of key `name`, including that it records that name.
    fn read(&self, name: &str) -> Result<KeyFile, KeystoreError> {
        name::validate(name)?;
        let path = self.path_of(name);
        let bytes = match fsio::read_bounded(&path) {
            Ok(ReadOutcome::Bytes(bytes)) => bytes,
            Ok(ReadOutcome::TooLarge) => {
                return Err(KeystoreError::Corrupt {
                    path,
                    detail: format!(
                        "larger than {} bytes, so not a key file",
                        file::MAX_FILE_BYTES
                    ),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(KeystoreError::NotFound {
                    name: name.to_owned(),
                    dir: self.dir.clone(),
                });
            }
            Err(source) => return Err(KeystoreError::Io { path, source }),
        };
        let file = KeyFile::from_json(&bytes, &path)?;
        // Keys are addressed by file name, and the name is bound into the ciphertext; a file
        // renamed or copied by hand would otherwise answer to a name it was not created under.
        if file.name != name {
            return Err(KeystoreError::Corrupt {
                detail: format!(
                    "it records the key name '{}' but is stored as '{name}.json'; rename it back \
                     to '{}.json'",
                    file.name, file.name
                ),
                path,
            });
        }
        Ok(file)
    }

    fn key_info(&self, file: &KeyFile) -> KeyInfo {
        // The chain's address scheme lives in primitives (today: the public key as-is).
        let mut address = [0u8; 32];
        address.copy_from_slice(&file.public_key.encode());
        KeyInfo {
            name: file.name.clone(),
            public_key: file.public_key.clone(),
            address_hex: Address::new(address).to_string(),
            encrypted: matches!(file.secret, StoredSecret::Encrypted(_)),
            path: self.path_of(&file.name),
        }
    }
}
