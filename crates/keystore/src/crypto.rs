//! Argon2id key derivation, ChaCha20-Poly1305 sealing of the private key, and OS randomness.
//!
//! The sealed message is always the 32-byte private key; the associated data binds it to the
//! file's public key and name (see [`associated_data`]).

use crate::KeystoreError;
use argon2::{Algorithm, Argon2, Version};
use chacha20poly1305::{
    AeadInOut, ChaCha20Poly1305, Key, KeyInit, Nonce, Tag, aead::inout::InOutBuf,
};
use rand::{TryRng, rngs::SysRng};
use zeroize::Zeroizing;

/// Bytes of Argon2id salt per file.
pub(crate) const SALT_LEN: usize = 16;
/// Bytes of ChaCha20-Poly1305 nonce per file.
pub(crate) const NONCE_LEN: usize = 12;
/// Bytes of an ed25519 private key (its seed) and of the derived encryption key.
pub(crate) const SECRET_LEN: usize = 32;
/// Bytes of the Poly1305 tag appended to the encrypted private key.
pub(crate) const TAG_LEN: usize = 16;
/// Bytes of the stored `ciphertext`: encrypted private key followed by its tag.
pub(crate) const CIPHERTEXT_LEN: usize = SECRET_LEN + TAG_LEN;

/// Prefix of the associated data; changing the format means changing this too.
const AAD_DOMAIN: &[u8] = b"terrane-keystore/v1\0";

/// Argon2id cost parameters.
///
/// The defaults ([`KdfParams::RECOMMENDED`]) are m = 64 MiB, t = 3, p = 1: RFC 9106's second
/// recommended option (for memory-constrained machines) with a single lane. A key is unlocked
/// rarely (once per CLI command or agent start), so the ~0.1 s this costs on a current x86 core
/// is affordable for the owner, while an attacker with a stolen file gets about ten guesses per
/// second per core and must hold 64 MiB per guess in flight, which is what makes GPU and ASIC
/// cracking expensive. 64 MiB still fits on the small boards the device agent runs on. One lane
/// because this build fills lanes one after another, so more would buy the owner nothing (RFC
/// 9106 sets p to the number of cores the defender can actually use).
///
/// Readers accept at most [`KdfParams::MAX_M_COST_KIB`], [`KdfParams::MAX_T_COST`] and
/// [`KdfParams::MAX_P_COST`], so a hostile file cannot make `load` allocate or spin without
/// bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

impl KdfParams {
    /// The parameters new keys are protected with unless overridden.
    pub const RECOMMENDED: Self = Self {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };

    /// Largest memory cost accepted, in KiB (1 GiB, 16x the default).
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// Largest number of passes accepted.
    pub const MAX_T_COST: u32 = 64;
    /// Largest number of lanes accepted.
    pub const MAX_P_COST: u32 = 16;

    /// Validates Argon2id parameters: `1 <= p_cost <= 16`, `1 <= t_cost <= 64`,
    /// `8 * p_cost <= m_cost_kib <= 1 GiB`. Values far below [`KdfParams::RECOMMENDED`] are
    /// accepted (tests use them) but protect a key poorly.
    pub fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, KeystoreError> {
        let params = Self {
            m_cost_kib,
            t_cost,
            p_cost,
        };
        params
            .check()
            .map_err(|detail| KeystoreError::InvalidKdfParams { detail })?;
        Ok(params)
    }

    /// Memory cost in KiB.
    pub const fn m_cost_kib(&self) -> u32 {
        self.m_cost_kib
    }

    /// Number of passes over memory.
    pub const fn t_cost(&self) -> u32 {
        self.t_cost
    }

    /// Degree of parallelism (lanes).
    pub const fn p_cost(&self) -> u32 {
        self.p_cost
    }

    /// Same checks as [`KdfParams::new`], for parameters read from a file.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !(1..=Self::MAX_P_COST).contains(&self.p_cost) {
            return Err(format!(
                "p_cost is {}, must be 1 to {}",
                self.p_cost,
                Self::MAX_P_COST
            ));
        }
        if !(1..=Self::MAX_T_COST).contains(&self.t_cost) {
            return Err(format!(
                "t_cost is {}, must be 1 to {}",
                self.t_cost,
                Self::MAX_T_COST
            ));
        }
        let min_m = self.p_cost.saturating_mul(8);
        if !(min_m..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib) {
            return Err(format!(
                "m_cost_kib is {}, must be {min_m} (8 KiB per lane) to {} (1 GiB)",
                self.m_cost_kib,
                Self::MAX_M_COST_KIB
            ));
        }
        Ok(())
    }

    /// Derives the 32-byte encryption key from `passphrase` (its UTF-8 bytes, unnormalized).
    /// Fails only if Argon2 cannot run with these parameters, e.g. cannot allocate the memory.
    pub(crate) fn derive_key(
        &self,
        passphrase: &str,
        salt: &[u8; SALT_LEN],
    ) -> Result<Zeroizing<[u8; SECRET_LEN]>, argon2::Error> {
        let params =
            argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(SECRET_LEN))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; SECRET_LEN]);
        argon.hash_password_into(passphrase.as_bytes(), salt, key.as_mut_slice())?;
        Ok(key)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::RECOMMENDED
    }
}

/// `"terrane-keystore/v1" || 0x00 || public key (32 bytes) || name (UTF-8)`. The domain and the
/// public key have fixed lengths, so the name needs no length prefix to be unambiguous.
pub(crate) fn associated_data(public_key: &[u8], name: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_DOMAIN.len() + public_key.len() + name.len());
    aad.extend_from_slice(AAD_DOMAIN);
    aad.extend_from_slice(public_key);
    aad.extend_from_slice(name.as_bytes());
    aad
}

/// Encrypts the private key; returns `ciphertext || tag`.
pub(crate) fn seal(
    key: &[u8; SECRET_LEN],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    private_key: &[u8; SECRET_LEN],
) -> [u8; CIPHERTEXT_LEN] {
    let cipher = ChaCha20Poly1305::new(&Key::from(*key));
    let mut buf = Zeroizing::new(*private_key);
    let tag = cipher
        .encrypt_inout_detached(
            &Nonce::from(*nonce),
            aad,
            InOutBuf::from(buf.as_mut_slice()),
        )
        .expect("ChaCha20-Poly1305 accepts a 32-byte message with a short associated data");
    let mut out = [0u8; CIPHERTEXT_LEN];
    out[..SECRET_LEN].copy_from_slice(buf.as_slice());
    out[SECRET_LEN..].copy_from_slice(tag.as_slice());
    out
}

/// Decrypts `ciphertext || tag`; `None` if the tag does not verify (wrong key, altered
/// ciphertext, or different associated data).
pub(crate) fn open(
    key: &[u8; SECRET_LEN],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    sealed: &[u8; CIPHERTEXT_LEN],
) -> Option<Zeroizing<[u8; SECRET_LEN]>> {
    let cipher = ChaCha20Poly1305::new(&Key::from(*key));
    let mut buf = Zeroizing::new([0u8; SECRET_LEN]);
    buf.copy_from_slice(&sealed[..SECRET_LEN]);
    let mut tag = Tag::default();
    tag.copy_from_slice(&sealed[SECRET_LEN..]);
    cipher
        .decrypt_inout_detached(
            &Nonce::from(*nonce),
            aad,
            InOutBuf::from(buf.as_mut_slice()),
            &tag,
        )
        .ok()?;
    Some(buf)
}

/// Fills `out` from the operating system's RNG (not a userspace generator), failing rather
/// than falling back to weaker randomness.
pub(crate) fn fill_random(out: &mut [u8]) -> Result<(), KeystoreError> {
    SysRng
        .try_fill_bytes(out)
        .map_err(|e| KeystoreError::Randomness { source: e.into() })
}
