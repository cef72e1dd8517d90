//! Creating and reading a devnet directory.

use crate::fleet::FleetSpec;
use commonware_cryptography::Signer as _;
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    net::{Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};
use terrane_app::{
    Genesis,
    genesis::{Allocation, ConsensusGenesis},
    params::ChainParams,
};
use terrane_keystore::{Keystore, Protection};
use terrane_node::{
    config::{self, ConfigError, NodeConfig, SecretsFile},
    setup::deal_validators,
};
use terrane_primitives::{Address, Amount};

/// Why a devnet directory could not be created or read.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// A file could not be written or is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The keystore failed.
    #[error("keystore: {0}")]
    Keystore(#[from] terrane_keystore::KeystoreError),
    /// The directory holds something that is not a devnet.
    #[error("{0}")]
    Invalid(String),
}

/// How to build a devnet.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Chain id.
    pub chain_id: String,
    /// Number of validators.
    pub validators: u32,
    /// First API port; validator `i` serves on `api_port + i`.
    pub api_port: u16,
    /// First p2p port; validator `i` listens on `p2p_port + i`.
    pub p2p_port: u16,
    /// Funded accounts: name and whole tokens.
    pub accounts: Vec<(String, u64)>,
    /// Genesis time (ms since the Unix epoch).
    pub genesis_time_ms: u64,
    /// The simulated fleet whose accounts genesis funds (`None`: no fleet).
    pub fleet: Option<FleetSpec>,
    /// Epoch length in blocks (`None`: the chain default, 400). The duty windows' grace is a
    /// tenth of it.
    pub epoch_blocks: Option<u64>,
    /// How much history each validator keeps (`retain_blocks`, `prune_every_blocks` and
    /// `archive_section_blocks` in its `node.toml`).
    pub retention: terrane_node::engine::Retention,
    /// Each validator's API limits (`[api]` in its `node.toml`).
    pub api_limits: terrane_node::config::ApiLimits,
}

impl Spec {
    /// The default devnet: 4 validators and five funded accounts.
    pub fn default_devnet(genesis_time_ms: u64) -> Self {
        Self {
            chain_id: "terrane-devnet".into(),
            validators: 4,
            api_port: 8650,
            p2p_port: 27650,
            accounts: [
                ("faucet", 100_000_000),
                ("alice", 1_000_000),
                ("bob", 1_000_000),
                ("carol", 1_000_000),
                ("dave", 1_000_000),
            ]
            .iter()
            .map(|(n, t)| ((*n).to_owned(), *t))
            .collect(),
            genesis_time_ms,
            fleet: None,
            epoch_blocks: None,
            retention: terrane_node::engine::Retention::DEFAULT,
            api_limits: devnet_api_limits(),
        }
    }
}

/// `accounts.json`: the funded accounts.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Accounts {
    /// Name to hex address.
    pub accounts: BTreeMap<String, String>,
}

/// Paths inside a devnet directory.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The root.
    pub dir: PathBuf,
}

impl Layout {
    /// The layout rooted at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `genesis.json`.
    pub fn genesis(&self) -> PathBuf {
        self.dir.join("genesis.json")
    }

    /// A validator's directory.
    pub fn validator_dir(&self, i: u32) -> PathBuf {
        self.dir.join(format!("validator-{i}"))
    }

    /// A validator's `node.toml`.
    pub fn node_config(&self, i: u32) -> PathBuf {
        self.validator_dir(i).join("node.toml")
    }

    /// A validator's log.
    pub fn log(&self, i: u32) -> PathBuf {
        self.validator_dir(i).join("node.log")
    }

    /// The keystore of funded accounts.
    pub fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }

    /// `accounts.json`.
    pub fn accounts(&self) -> PathBuf {
        self.dir.join("accounts.json")
    }

    /// `fleet.json`: the simulated fleet, if the devnet has one.
    pub fn fleet(&self) -> PathBuf {
        self.dir.join("fleet.json")
    }

    /// The simulated fleet's spec, if the devnet has one.
    pub fn load_fleet(&self) -> Result<Option<FleetSpec>, LayoutError> {
        let path = self.fleet();
        if !path.exists() {
            return Ok(None);
        }
        let text =
            std::fs::read_to_string(&path).map_err(|source| ConfigError::Io { path, source })?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| LayoutError::Invalid(format!("fleet.json: {e}")))
    }

    /// The devnet's fleet, rebuilt exactly as genesis funded it (keys from its seed, maker
    /// from the keystore).
    pub fn build_fleet(&self) -> Result<Option<terrane_fleet::Fleet>, LayoutError> {
        let Some(spec) = self.load_fleet()? else {
            return Ok(None);
        };
        let genesis = config::load_genesis(&self.genesis())?;
        let maker = Keystore::open(self.keys())?.load("maker", None)?;
        spec.build(genesis.chain_id(), maker, genesis.params.accounts)
            .map(Some)
            .map_err(|e| LayoutError::Invalid(format!("fleet cities: {e}")))
    }

    /// Whether a devnet already lives here.
    pub fn exists(&self) -> bool {
        self.genesis().exists()
    }

    /// Number of validators (from the genesis).
    pub fn validators(&self) -> Result<u32, LayoutError> {
        let genesis = config::load_genesis(&self.genesis())?;
        u32::try_from(genesis.consensus.validators.len())
            .map_err(|_| LayoutError::Invalid("too many validators".into()))
    }

    /// Validator `i`'s node config.
    pub fn load_node(&self, i: u32) -> Result<NodeConfig, LayoutError> {
        Ok(NodeConfig::load(&self.node_config(i))?)
    }

    /// The funded accounts.
    pub fn load_accounts(&self) -> Result<Accounts, LayoutError> {
        let text = std::fs::read_to_string(self.accounts()).map_err(|source| ConfigError::Io {
            path: self.accounts(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| LayoutError::Invalid(e.to_string()))
    }
}

/// Creates a fresh devnet in `layout.dir` (which must not hold one).
/// What genesis gives the devnet's oracle key for its report fees: 1 000 TRN, about 400 000
/// reports at the default fees (2 290 base units each), weeks of a report every 5 s.
const ORACLE_FUNDING: Amount = Amount::new(1_000_000_000);

pub fn create(layout: &Layout, spec: &Spec) -> Result<Genesis, LayoutError> {
    if layout.exists() {
        return Err(LayoutError::Invalid(format!(
            "{} already holds a devnet",
            layout.dir.display()
        )));
    }
    let dealt = deal_validators(rand::rng(), spec.validators);
    let keystore = Keystore::open(layout.keys())?;
    let mut allocations = Vec::new();
    let mut accounts = Accounts::default();
    for (name, tokens) in &spec.accounts {
        let info = keystore.create(name, Protection::InsecurePlaintext)?;
        let address = Address::from_slice(info.public_key.as_ref())
            .map_err(|e| LayoutError::Invalid(e.to_string()))?;
        let amount = Amount::from_tokens(*tokens)
            .ok_or_else(|| LayoutError::Invalid(format!("{name}: {tokens} tokens overflow")))?;
        allocations.push(Allocation {
            address: address.to_string(),
            amount: amount.get(),
            label: Some(name.clone()),
        });
        accounts.accounts.insert(name.clone(), address.to_string());
    }
    // The devnet's device maker (its attestations are accepted) and treasury (reward dust).
    let maker = keystore.create("maker", Protection::InsecurePlaintext)?;
    let treasury = keystore.create("treasury", Protection::InsecurePlaintext)?;
    accounts
        .accounts
        .insert("treasury".into(), treasury.address_hex.clone());
    // The devnet's price oracle (its agent runs in `terrane devnet`), funded for its fees.
    let oracle = keystore.create("oracle", Protection::InsecurePlaintext)?;
    allocations.push(Allocation {
        address: oracle.address_hex.clone(),
        amount: ORACLE_FUNDING.get(),
        label: Some("oracle".into()),
    });
    accounts
        .accounts
        .insert("oracle".into(), oracle.address_hex.clone());
    let mut params = ChainParams::default();
    params.oracle.oracles = vec![oracle.address_hex.clone()];
    if let Some(blocks) = spec.epoch_blocks {
        params.pow.epoch_length_blocks = blocks;
        params.pow.window_grace_blocks = (blocks / 10).max(1);
        params
            .validate()
            .map_err(|e| LayoutError::Invalid(format!("--epoch-blocks {blocks}: {e}")))?;
    }
    if let Some(fleet_spec) = &spec.fleet {
        let chain = terrane_primitives::ChainId::new(&spec.chain_id)
            .map_err(|e| LayoutError::Invalid(e.to_string()))?;
        let fleet = fleet_spec
            .build(chain, keystore.load("maker", None)?, params.accounts)
            .map_err(|e| LayoutError::Invalid(format!("fleet cities: {e}")))?;
        for (address, amount) in fleet.funding() {
            allocations.push(Allocation {
                address: address.to_string(),
                amount: amount.get(),
                label: Some("fleet".into()),
            });
        }
        accounts
            .accounts
            .insert("fleet-relay".into(), fleet.relay().to_string());
        // The paying customers (`crate::consumers`, run by `terrane devnet`): keys derived from
        // the fleet seed like the relay's, funded for credits and fees.
        for (i, address) in crate::consumers::consumer_addresses(fleet_spec.seed)
            .into_iter()
            .enumerate()
        {
            allocations.push(Allocation {
                address: address.to_string(),
                amount: crate::consumers::CONSUMER_FUNDING.get(),
                label: Some("consumer".into()),
            });
            accounts
                .accounts
                .insert(format!("consumer-{i}"), address.to_string());
        }
        config::write(
            &layout.fleet(),
            &serde_json::to_string_pretty(fleet_spec).expect("fleet spec serializes"),
        )?;
    }
    // Each validator account is funded for its own bond and fees: `terrane devnet` bonds it
    // (`crate::validators`), so the validators share the validators' emission.
    let validator_funding = Amount::new(params.staking.min_validator_bond)
        .checked_add(crate::validators::VALIDATOR_FEES)
        .ok_or_else(|| LayoutError::Invalid("min_validator_bond overflows".into()))?;
    for secrets in &dealt.validators {
        let address = Address::from_slice(secrets.signer.public_key().as_ref())
            .map_err(|e| LayoutError::Invalid(e.to_string()))?;
        allocations.push(Allocation {
            address: address.to_string(),
            amount: validator_funding.get(),
            label: Some("validator".into()),
        });
    }
    let p2p: Vec<SocketAddr> = (0..spec.validators)
        .map(|i| port_addr(spec.p2p_port, i))
        .collect::<Result<_, _>>()?;
    let mut genesis = Genesis {
        chain_id: spec.chain_id.clone(),
        genesis_time_ms: spec.genesis_time_ms,
        params,
        allocations,
        makers: vec![maker.address_hex.clone()],
        treasury: treasury.address_hex.clone(),
        consensus: ConsensusGenesis {
            validators: Vec::new(),
            polynomial: String::new(),
        },
    };
    config::set_consensus(&mut genesis, &dealt, &p2p);
    genesis
        .validate()
        .map_err(|e| LayoutError::Invalid(e.to_string()))?;
    for (i, secrets) in dealt.validators.iter().enumerate() {
        let i = u32::try_from(i).expect("validator count fits");
        let dir = layout.validator_dir(i);
        let node = NodeConfig {
            genesis: PathBuf::from("../genesis.json"),
            secrets: PathBuf::from("validator.json"),
            data_dir: PathBuf::from("data"),
            p2p_listen: p2p[i as usize],
            api_listen: port_addr(spec.api_port, i)?,
            worker_threads: 2,
            page_cache_mib: terrane_node::config::DEFAULT_PAGE_CACHE_MIB,
            retain_blocks: spec.retention.blocks.get() as u64,
            prune_every_blocks: spec.retention.prune_every_blocks.get() as u64,
            archive_section_blocks: spec.retention.archive_section_blocks.get(),
            api: spec.api_limits.clone(),
        };
        config::write(&dir.join("node.toml"), &node.to_toml())?;
        let secrets_json = serde_json::to_string_pretty(&SecretsFile::from_secrets(secrets))
            .expect("secrets serialize");
        config::write(&dir.join("validator.json"), &secrets_json)?;
        debug_assert_eq!(
            secrets.signer.public_key().to_string(),
            genesis.consensus.validators[i as usize].public_key
        );
    }
    config::write(
        &layout.accounts(),
        &serde_json::to_string_pretty(&accounts).expect("accounts serialize"),
    )?;
    // The genesis goes last: its presence marks a complete devnet.
    config::write(&layout.genesis(), &genesis.to_json())?;
    Ok(genesis)
}

fn port_addr(base: u16, i: u32) -> Result<SocketAddr, LayoutError> {
    let port = u16::try_from(u32::from(base) + i)
        .map_err(|_| LayoutError::Invalid(format!("port {base} + {i} is out of range")))?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// The API URL of validator `i`.
pub fn api_url(layout: &Layout, i: u32) -> Result<String, LayoutError> {
    Ok(format!("http://{}", layout.load_node(i)?.api_listen))
}

/// Whether `path` is inside a devnet directory that looks complete.
pub fn looks_complete(path: &Path) -> bool {
    Layout::new(path).exists()
}

/// A devnet's API limits: the defaults, except that every client of a devnet (fleet agents,
/// load generators, wallets) shares the loopback address, so the per-address caps are the
/// global ones and the per-address request rate is off.
pub fn devnet_api_limits() -> terrane_node::config::ApiLimits {
    let defaults = terrane_node::config::ApiLimits::default();
    terrane_node::config::ApiLimits {
        max_connections_per_ip: defaults.max_connections,
        requests_per_second_per_ip: 0,
        ..defaults
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_devnet_has_consistent_genesis_configs_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().join("net"));
        let spec = Spec::default_devnet(1_700_000_000_000);
        let genesis = create(&layout, &spec).unwrap();
        assert_eq!(genesis.consensus.validators.len(), 4);
        for i in 0..4 {
            let node = layout.load_node(i).unwrap();
            let secrets = SecretsFile::load(&node.secrets).unwrap();
            let net = config::network(&config::load_genesis(&node.genesis).unwrap(), &node.genesis)
                .unwrap();
            assert!(
                net.participants
                    .position(&secrets.signer.public_key())
                    .is_some()
            );
        }
        let accounts = layout.load_accounts().unwrap();
        let keystore = Keystore::open(layout.keys()).unwrap();
        for (name, address) in &accounts.accounts {
            assert_eq!(keystore.info(name).unwrap().address_hex, *address);
        }
        assert!(
            create(&layout, &spec).is_err(),
            "a second create must not overwrite"
        );
    }
}
