//! The files a validator runs from: its node config, its secrets, and the shared genesis.
//!
//! ```text
//! node.toml      genesis = "../genesis.json", secrets = "validator.json", data_dir = "data",
//!                p2p_listen = "127.0.0.1:30000", api_listen = "127.0.0.1:8000"
//! validator.json {"public_key": hex, "signer": hex ed25519 secret, "share": hex BLS share}
//! genesis.json   chain id, params, allocations, validators (key + p2p address), polynomial
//! ```
//! Relative paths in `node.toml` are resolved against the file's directory.

use crate::{
    setup::{Dealt, ValidatorSecrets},
    types::{Bls, PublicKey},
};
use commonware_codec::{Decode, DecodeExt, Encode};
use commonware_cryptography::{
    Signer as _,
    bls12381::primitives::{
        group::Share,
        sharing::{ModeVersion, Sharing},
    },
    ed25519,
};
use commonware_utils::{TryCollect, ordered::Set};
use serde::{Deserialize, Serialize};
use std::{
    net::SocketAddr,
    num::NonZeroU32,
    path::{Path, PathBuf},
};
/// `[api]` in `node.toml`: the API connection layer's limits.
pub use terrane_api::ServerLimits as ApiLimits;
use terrane_app::{Genesis, genesis::Validator};
use terrane_primitives::hex;

/// Why a config file could not be used. Each message names the file and what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// A file's content is wrong.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn invalid(path: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes `contents` to `path`, creating parent directories.
pub fn write(path: &Path, contents: &str) -> Result<(), ConfigError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ConfigError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })
}

/// `node.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The genesis file.
    pub genesis: PathBuf,
    /// This validator's secrets file.
    pub secrets: PathBuf,
    /// Where the validator keeps its state.
    pub data_dir: PathBuf,
    /// Address the p2p network listens on.
    pub p2p_listen: SocketAddr,
    /// Address the HTTP API listens on.
    pub api_listen: SocketAddr,
    /// Tokio worker threads.
    #[serde(default = "default_workers")]
    pub worker_threads: usize,
    /// Memory for the storage page cache (state, blocks, certificates), MiB. State reads that
    /// miss it go to disk with direct I/O, so it should hold the hot state: at 32 MiB the epoch
    /// close of 20,000 hotspots took 4.5x as long as at 256 MiB (`terrane bench`).
    #[serde(default = "default_page_cache_mib")]
    pub page_cache_mib: u32,
    /// Finalized blocks kept behind the tip; older blocks, their certificates and the state
    /// history below them are pruned. A peer further behind than this cannot catch up from
    /// this node.
    #[serde(default = "default_retain_blocks")]
    pub retain_blocks: u64,
    /// Finalized blocks between pruning passes.
    #[serde(default = "default_prune_every_blocks")]
    pub prune_every_blocks: u64,
    /// Finalized heights per file section of the block archives (a power of two; fixed for
    /// the life of the data directory). Archives are pruned a section at a time.
    #[serde(default = "default_archive_section_blocks")]
    pub archive_section_blocks: u64,
    /// The API's connection limits and timeouts (`[api]`); every field defaults safely.
    #[serde(default)]
    pub api: terrane_api::ServerLimits,
}

/// Bytes per page-cache page.
pub const PAGE_BYTES: usize = 4096;

fn default_workers() -> usize {
    2
}

/// The default page cache, MiB.
pub const DEFAULT_PAGE_CACHE_MIB: u32 = 256;

/// The largest page cache a config may ask for, MiB.
pub const MAX_PAGE_CACHE_MIB: u32 = 256 * 1024;

fn default_page_cache_mib() -> u32 {
    DEFAULT_PAGE_CACHE_MIB
}

fn default_retain_blocks() -> u64 {
    crate::engine::Retention::DEFAULT.blocks.get() as u64
}

fn default_prune_every_blocks() -> u64 {
    crate::engine::Retention::DEFAULT.prune_every_blocks.get() as u64
}

fn default_archive_section_blocks() -> u64 {
    crate::engine::Retention::DEFAULT
        .archive_section_blocks
        .get()
}

/// The fewest finalized blocks a config may keep: more than consensus keeps views, so that a
/// peer that falls out of the view window can still fetch the blocks it missed.
pub const MIN_RETAIN_BLOCKS: u64 = crate::engine::VIEW_RETENTION + 64;

/// The most finalized blocks a config may keep; pruning keeps one small record per retained
/// block in memory (about 64 bytes).
pub const MAX_RETAIN_BLOCKS: u64 = 50_000_000;

impl NodeConfig {
    /// Loads `path`, resolving relative paths against its directory.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let mut cfg: Self =
            toml::from_str(&read(path)?).map_err(|e| invalid(path, e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut cfg.genesis, &mut cfg.secrets, &mut cfg.data_dir] {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        if cfg.worker_threads == 0 {
            return Err(invalid(path, "worker_threads must be at least 1"));
        }
        if !(4..=MAX_PAGE_CACHE_MIB).contains(&cfg.page_cache_mib) {
            return Err(invalid(
                path,
                format!("page_cache_mib must be 4..={MAX_PAGE_CACHE_MIB}"),
            ));
        }
        if !(MIN_RETAIN_BLOCKS..=MAX_RETAIN_BLOCKS).contains(&cfg.retain_blocks) {
            return Err(invalid(
                path,
                format!("retain_blocks must be {MIN_RETAIN_BLOCKS}..={MAX_RETAIN_BLOCKS}"),
            ));
        }
        cfg.api
            .validate()
            .map_err(|e| invalid(path, e.to_string()))?;
        Ok(cfg)
    }

    /// Pages of [`PAGE_BYTES`] in the page cache this config asks for.
    pub fn page_cache_pages(&self) -> std::num::NonZeroUsize {
        std::num::NonZeroUsize::new(self.page_cache_mib as usize * (1024 * 1024 / PAGE_BYTES))
            .expect("page_cache_mib is validated to be at least 4")
    }

    /// The history this config keeps.
    pub fn retention(&self) -> crate::engine::Retention {
        let blocks = usize::try_from(self.retain_blocks).expect("retain_blocks is validated");
        let every =
            usize::try_from(self.prune_every_blocks).expect("prune_every_blocks is validated");
        crate::engine::Retention {
            blocks: std::num::NonZeroUsize::new(blocks).expect("retain_blocks is validated"),
            prune_every_blocks: std::num::NonZeroUsize::new(every)
                .expect("prune_every_blocks is validated"),
            archive_section_blocks: std::num::NonZeroU64::new(self.archive_section_blocks)
                .expect("archive_section_blocks is validated"),
        }
    }

    /// The TOML text of this config.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serializes")
    }
}

/// `validator.json`: one validator's secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsFile {
    /// Hex ed25519 public key (must match `signer`).
    pub public_key: String,
    /// Hex ed25519 private key (p2p identity and consensus participant key).
    pub signer: String,
    /// Hex BLS12-381 threshold share.
    pub share: String,
}

impl SecretsFile {
    /// The file for `secrets`.
    pub fn from_secrets(secrets: &ValidatorSecrets) -> Self {
        Self {
            public_key: secrets.signer.public_key().to_string(),
            signer: hex::encode(&secrets.signer.encode()),
            share: hex::encode(&secrets.share.encode()),
        }
    }

    /// Loads and checks `path`.
    pub fn load(path: &Path) -> Result<ValidatorSecrets, ConfigError> {
        let f: Self =
            serde_json::from_str(&read(path)?).map_err(|e| invalid(path, e.to_string()))?;
        let signer_bytes =
            hex::decode(&f.signer).ok_or_else(|| invalid(path, "signer is not hex"))?;
        let signer = ed25519::PrivateKey::decode(bytes::Bytes::from(signer_bytes))
            .map_err(|e| invalid(path, format!("signer: {e}")))?;
        if signer.public_key().to_string() != f.public_key {
            return Err(invalid(path, "public_key does not match signer"));
        }
        let share_bytes = hex::decode(&f.share).ok_or_else(|| invalid(path, "share is not hex"))?;
        let share = Share::decode(bytes::Bytes::from(share_bytes))
            .map_err(|e| invalid(path, format!("share: {e}")))?;
        Ok(ValidatorSecrets { signer, share })
    }
}

/// The consensus section of a genesis, parsed.
#[derive(Clone, Debug)]
pub struct Network {
    /// Validators in canonical order.
    pub participants: Set<PublicKey>,
    /// Their p2p addresses, in the same order.
    pub addresses: Vec<SocketAddr>,
    /// The threshold public polynomial.
    pub polynomial: Sharing<Bls>,
}

/// Parses the validator set and polynomial out of a genesis.
pub fn network(genesis: &Genesis, path: &Path) -> Result<Network, ConfigError> {
    let mut entries: Vec<(PublicKey, SocketAddr)> = Vec::new();
    for v in &genesis.consensus.validators {
        let bytes = hex::decode(&v.public_key)
            .ok_or_else(|| invalid(path, format!("validator key {} is not hex", v.public_key)))?;
        let pk = PublicKey::decode(bytes::Bytes::from(bytes))
            .map_err(|e| invalid(path, format!("validator key {}: {e}", v.public_key)))?;
        let addr: SocketAddr = v.p2p_address.parse().map_err(|_| {
            invalid(
                path,
                format!("p2p_address {:?} is not host:port", v.p2p_address),
            )
        })?;
        entries.push((pk, addr));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let participants: Set<PublicKey> = entries
        .iter()
        .map(|(pk, _)| pk.clone())
        .try_collect()
        .map_err(|_| invalid(path, "a validator key is listed twice"))?;
    let n = u32::try_from(entries.len()).map_err(|_| invalid(path, "too many validators"))?;
    let poly_bytes = hex::decode(&genesis.consensus.polynomial)
        .ok_or_else(|| invalid(path, "consensus.polynomial is not hex"))?;
    let polynomial = Sharing::<Bls>::decode_cfg(
        bytes::Bytes::from(poly_bytes),
        &(
            NonZeroU32::new(n).ok_or_else(|| invalid(path, "no validators"))?,
            ModeVersion::v0(),
        ),
    )
    .map_err(|e| invalid(path, format!("consensus.polynomial: {e}")))?;
    if polynomial.total().get() != n {
        return Err(invalid(
            path,
            "polynomial was dealt for a different validator count",
        ));
    }
    Ok(Network {
        participants,
        addresses: entries.into_iter().map(|(_, a)| a).collect(),
        polynomial,
    })
}

/// Loads and validates a genesis file.
pub fn load_genesis(path: &Path) -> Result<Genesis, ConfigError> {
    Genesis::from_json(&read(path)?).map_err(|e| invalid(path, e.to_string()))
}

/// Fills a genesis's consensus section from a dealt validator set and their addresses.
pub fn set_consensus(genesis: &mut Genesis, dealt: &Dealt, addresses: &[SocketAddr]) {
    genesis.consensus.validators = dealt
        .participants
        .iter()
        .zip(addresses)
        .map(|(pk, addr)| Validator {
            public_key: pk.to_string(),
            p2p_address: addr.to_string(),
        })
        .collect();
    genesis.consensus.polynomial = hex::encode(&dealt.polynomial.encode());
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
genesis = "../genesis.json"
secrets = "validator.json"
data_dir = "data"
p2p_listen = "127.0.0.1:30000"
api_listen = "127.0.0.1:8000"
"#;

    fn load_text(text: &str) -> Result<NodeConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.toml");
        std::fs::write(&path, text).unwrap();
        NodeConfig::load(&path)
    }

    #[test]
    fn a_config_without_a_page_cache_gets_the_default_and_resolves_paths() {
        let cfg = load_text(BASE).unwrap();
        assert_eq!(cfg.page_cache_mib, DEFAULT_PAGE_CACHE_MIB);
        assert_eq!(cfg.page_cache_pages().get(), 256 * 256);
        assert_eq!(cfg.worker_threads, 2);
        assert!(cfg.data_dir.is_absolute() && cfg.data_dir.ends_with("data"));
    }

    #[test]
    fn page_cache_sizes_outside_the_allowed_range_are_refused() {
        for bad in [0, 3, MAX_PAGE_CACHE_MIB + 1] {
            let err = load_text(&format!("{BASE}page_cache_mib = {bad}\n")).unwrap_err();
            assert!(err.to_string().contains("page_cache_mib"), "{err}");
        }
        let cfg = load_text(&format!("{BASE}page_cache_mib = 4\n")).unwrap();
        assert_eq!(cfg.page_cache_pages().get(), 1024);
    }

    #[test]
    fn an_api_section_sets_limits_and_a_bad_one_names_its_field() {
        let cfg = load_text(&format!(
            "{BASE}[api]\nmax_connections = 50\nmax_connections_per_ip = 5\nmax_subscribers = 10\n"
        ))
        .unwrap();
        assert_eq!(cfg.api.max_connections, 50);
        assert_eq!(cfg.api.max_connections_per_ip, 5);
        assert_eq!(
            cfg.api.header_read_timeout_ms,
            ApiLimits::default().header_read_timeout_ms
        );
        let err = load_text(&format!(
            "{BASE}[api]\nmax_connections = 4\nmax_connections_per_ip = 5\nmax_subscribers = 4\n"
        ))
        .unwrap_err();
        assert!(
            err.to_string().contains("api.max_connections_per_ip"),
            "{err}"
        );
        let err = load_text(&format!("{BASE}[api]\nheader_timeout = 5\n")).unwrap_err();
        assert!(err.to_string().contains("header_timeout"), "{err}");
    }
}
