//! The version-1 key file: its JSON layout and the checks that turn it into trusted values.
//!
//! Invariant: a [`KeyFile`] only exists with a valid name, a valid ed25519 public key, and
//! exactly one secret form whose every field has its exact length and accepted algorithm.
//! Whether the secret matches the public key is checked on load, when it is decrypted.

use crate::{
    KdfParams, KeystoreError,
    crypto::{CIPHERTEXT_LEN, NONCE_LEN, SALT_LEN, SECRET_LEN},
    name,
};
use commonware_codec::{Copying, DecodeExt, Encode};
use commonware_cryptography::ed25519::PublicKey;
use serde::{Deserialize, Serialize};
use std::path::Path;
use terrane_primitives::hex;
use zeroize::{Zeroize, Zeroizing};

/// The only format version this build reads and writes.
pub(crate) const FORMAT_VERSION: u64 = 1;
/// A key file is a few hundred bytes; anything past this is not one, so it is not read whole.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024;

const KDF_ARGON2ID: &str = "argon2id";
const CIPHER_CHACHA20POLY1305: &str = "chacha20poly1305";

/// A key file's contents after every structural check.
pub(crate) struct KeyFile {
    pub(crate) name: String,
    pub(crate) public_key: PublicKey,
    pub(crate) secret: StoredSecret,
}

/// How the private key is stored.
pub(crate) enum StoredSecret {
    Encrypted(Sealed),
    /// The raw 32-byte private key (insecure devnet mode).
    Plaintext(Zeroizing<[u8; SECRET_LEN]>),
}

/// An encrypted private key and everything needed to decrypt it, except the passphrase.
pub(crate) struct Sealed {
    pub(crate) kdf: KdfParams,
    pub(crate) salt: [u8; SALT_LEN],
    pub(crate) nonce: [u8; NONCE_LEN],
    pub(crate) ciphertext: [u8; CIPHERTEXT_LEN],
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    version: u64,
    name: String,
    public_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    crypto: Option<CryptoV1>,
    #[serde(skip_serializing_if = "Option::is_none")]
    insecure_plaintext: Option<SecretHex>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CryptoV1 {
    kdf: String,
    kdf_params: KdfParamsV1,
    cipher: String,
    nonce: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfParamsV1 {
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
}

/// Read first and on its own, so a future version whose other fields differ is reported as
/// unsupported rather than as corrupt.
#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// Hex of a plaintext private key, wiped when dropped.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct SecretHex(String);

impl Drop for SecretHex {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl KeyFile {
    /// The file's bytes: pretty-printed JSON and a final newline. The buffer is wiped on drop
    /// because an insecure file holds the private key.
    pub(crate) fn to_json(&self) -> Zeroizing<Vec<u8>> {
        let (crypto, insecure_plaintext) = match &self.secret {
            StoredSecret::Encrypted(sealed) => (
                Some(CryptoV1 {
                    kdf: KDF_ARGON2ID.to_owned(),
                    kdf_params: KdfParamsV1 {
                        m_cost_kib: sealed.kdf.m_cost_kib(),
                        t_cost: sealed.kdf.t_cost(),
                        p_cost: sealed.kdf.p_cost(),
                        salt: hex::encode(&sealed.salt),
                    },
                    cipher: CIPHER_CHACHA20POLY1305.to_owned(),
                    nonce: hex::encode(&sealed.nonce),
                    ciphertext: hex::encode(&sealed.ciphertext),
                }),
                None,
            ),
            StoredSecret::Plaintext(raw) => (None, Some(SecretHex(hex::encode(raw.as_slice())))),
        };
        let file = FileV1 {
            version: FORMAT_VERSION,
            name: self.name.clone(),
            public_key: hex::encode(&self.public_key.encode()),
            crypto,
            insecure_plaintext,
        };
        // Sized so the JSON never reallocates, which would leave unwiped copies behind.
        let mut out = Zeroizing::new(Vec::with_capacity(2048));
        serde_json::to_writer_pretty(&mut *out, &file)
            .expect("serializing plain structs of strings and integers cannot fail");
        out.push(b'\n');
        out
    }

    /// Parses and checks a key file's bytes; `path` is only used in errors.
    pub(crate) fn from_json(bytes: &[u8], path: &Path) -> Result<Self, KeystoreError> {
        let corrupt = |detail: String| KeystoreError::Corrupt {
            path: path.to_owned(),
            detail,
        };
        let probe: VersionProbe =
            serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a key file: {e}")))?;
        if probe.version != FORMAT_VERSION {
            return Err(KeystoreError::UnsupportedVersion {
                path: path.to_owned(),
                version: probe.version,
            });
        }
        let file: FileV1 = serde_json::from_slice(bytes)
            .map_err(|e| corrupt(format!("not a version 1 key file: {e}")))?;

        name::validate(&file.name).map_err(|e| corrupt(format!("bad \"name\": {e}")))?;
        let mut public_key_bytes = [0u8; 32];
        decode_hex_into(&file.public_key, &mut public_key_bytes)
            .map_err(|e| corrupt(format!("bad \"public_key\": {e}")))?;
        let public_key = PublicKey::decode(Copying(&public_key_bytes[..]))
            .map_err(|e| corrupt(format!("\"public_key\" is not an ed25519 public key: {e}")))?;

        let secret = match (&file.crypto, &file.insecure_plaintext) {
            (Some(crypto), None) => StoredSecret::Encrypted(parse_crypto(crypto).map_err(corrupt)?),
            (None, Some(plaintext)) => {
                let mut raw = Zeroizing::new([0u8; SECRET_LEN]);
                decode_hex_into(&plaintext.0, raw.as_mut_slice())
                    .map_err(|e| corrupt(format!("bad \"insecure_plaintext\": {e}")))?;
                StoredSecret::Plaintext(raw)
            }
            (Some(_), Some(_)) => {
                return Err(corrupt(
                    "has both \"crypto\" and \"insecure_plaintext\"; exactly one is allowed".into(),
                ));
            }
            (None, None) => {
                return Err(corrupt(
                    "has neither \"crypto\" nor \"insecure_plaintext\"; exactly one is required"
                        .into(),
                ));
            }
        };
        Ok(Self {
            name: file.name.clone(),
            public_key,
            secret,
        })
    }
}

fn parse_crypto(crypto: &CryptoV1) -> Result<Sealed, String> {
    if crypto.kdf != KDF_ARGON2ID {
        return Err(format!(
            "\"kdf\" is {:?}, only {KDF_ARGON2ID:?} is supported",
            crypto.kdf
        ));
    }
    if crypto.cipher != CIPHER_CHACHA20POLY1305 {
        return Err(format!(
            "\"cipher\" is {:?}, only {CIPHER_CHACHA20POLY1305:?} is supported",
            crypto.cipher
        ));
    }
    let params = &crypto.kdf_params;
    let kdf = KdfParams::new(params.m_cost_kib, params.t_cost, params.p_cost)
        .map_err(|e| format!("bad \"kdf_params\": {e}"))?;
    let mut sealed = Sealed {
        kdf,
        salt: [0; SALT_LEN],
        nonce: [0; NONCE_LEN],
        ciphertext: [0; CIPHERTEXT_LEN],
    };
    decode_hex_into(&params.salt, &mut sealed.salt).map_err(|e| format!("bad \"salt\": {e}"))?;
    decode_hex_into(&crypto.nonce, &mut sealed.nonce).map_err(|e| format!("bad \"nonce\": {e}"))?;
    decode_hex_into(&crypto.ciphertext, &mut sealed.ciphertext)
        .map_err(|e| format!("bad \"ciphertext\": {e}"))?;
    Ok(sealed)
}

/// Decodes hex (either case, no prefix) that must fill `out` exactly. Writes straight into
/// `out` so a secret never passes through an unwiped buffer.
fn decode_hex_into(text: &str, out: &mut [u8]) -> Result<(), String> {
    let expected = out.len() * 2;
    if text.len() != expected {
        return Err(format!(
            "expected {expected} hex digits ({} bytes), found {} characters",
            out.len(),
            text.len()
        ));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        match (nibble(pair[0]), nibble(pair[1])) {
            (Some(hi), Some(lo)) => *byte = hi << 4 | lo,
            _ => return Err("contains a character that is not a hex digit".to_owned()),
        }
    }
    Ok(())
}
