//! The genesis file: chain id, parameters, allocations and the validator set.
//!
//! One JSON file is shared by every node of a chain (`terrane genesis` writes it). Its
//! [`Genesis::hash`] is committed in the genesis block, so nodes with different files can
//! never agree on a block. The state part is written into state by block 1.

use crate::params::{BlockLimits, ChainParams};
use serde::{Deserialize, Serialize};
use terrane_accounts::{genesis as accounts_genesis, params::AccountsParams};
use terrane_primitives::{Address, Amount, ChainId, Hash32, TimestampMs, sha256};
use terrane_state::{Overlay, StateRead};

/// One funded account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// Hex ed25519 public key.
    pub address: String,
    /// Base units.
    pub amount: u64,
    /// Optional label (devnet names such as "alice"); not part of state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One validator of the static set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    /// Hex ed25519 public key: its p2p identity and its index in the threshold sharing
    /// (validators are ordered by this key).
    pub public_key: String,
    /// `host:port` other validators dial.
    pub p2p_address: String,
}

/// The consensus section: who validates and the threshold public polynomial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusGenesis {
    /// The validator set, in any order (nodes sort by public key).
    pub validators: Vec<Validator>,
    /// Hex codec encoding of the BLS12-381 threshold public polynomial (the network identity
    /// is its constant term). Public; shares are dealt separately to each validator.
    pub polynomial: String,
}

/// The whole genesis file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// The chain's name; part of every signing namespace.
    pub chain_id: String,
    /// Block 1's timestamp must be later than this.
    pub genesis_time_ms: u64,
    /// State-machine parameters.
    #[serde(default)]
    pub params: ChainParams,
    /// Funded accounts.
    pub allocations: Vec<Allocation>,
    /// Hex keys of the device makers whose attestations are accepted.
    #[serde(default)]
    pub makers: Vec<String>,
    /// Hex address that receives reward dust (rounding and class-split remainders).
    #[serde(default = "default_treasury")]
    pub treasury: String,
    /// Validator set and threshold polynomial.
    pub consensus: ConsensusGenesis,
}

/// An address nobody holds a key for, so dust accumulates until governance can move it. (The
/// all-zero address would be worse than useless: it is a small-order point, which anyone can
/// sign for.)
fn default_treasury() -> String {
    terrane_primitives::sha256(&[b"terrane/treasury/v1".as_slice()]).to_string()
}

/// Why a genesis file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// An address or key not in canonical form (lowercase hex, no prefix).
    #[error("{0} is not canonical: write addresses and keys as lowercase hex without 0x")]
    NonCanonicalAddress(String),
    /// Not valid JSON for the format.
    #[error("genesis file is not valid: {0}")]
    Parse(String),
    /// Bad chain id.
    #[error("{0}")]
    ChainId(#[from] terrane_primitives::ChainIdError),
    /// An allocation's address is not 64 hex characters.
    #[error("allocation address {0:?} is not a 32-byte hex key")]
    BadAddress(String),
    /// Allocations are inconsistent.
    #[error("{0}")]
    Allocations(String),
    /// Block limits out of range.
    #[error("{0}")]
    Params(String),
    /// No validators.
    #[error("genesis must list at least one validator")]
    NoValidators,
}

impl Genesis {
    /// Parses and validates a genesis file.
    pub fn from_json(text: &str) -> Result<Self, GenesisError> {
        let g: Self = serde_json::from_str(text).map_err(|e| GenesisError::Parse(e.to_string()))?;
        g.validate()?;
        Ok(g)
    }

    /// Pretty JSON, as written to `genesis.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("genesis serializes")
    }

    /// Checks everything a node relies on.
    pub fn validate(&self) -> Result<(), GenesisError> {
        // The genesis hash covers the text: one key written two ways would be two chains.
        let written = self
            .allocations
            .iter()
            .map(|a| &a.address)
            .chain(&self.makers)
            .chain([&self.treasury]);
        for a in written {
            if a.parse::<Address>().map(|p| p.to_string()).as_ref() != Ok(a) {
                return Err(GenesisError::NonCanonicalAddress(a.clone()));
            }
        }
        ChainId::new(&self.chain_id)?;
        accounts_genesis::validate(&self.allocation_list()?)
            .map_err(|e| GenesisError::Allocations(e.to_string()))?;
        self.params.validate().map_err(GenesisError::Params)?;
        self.maker_list()?;
        self.treasury()?;
        // Likewise the consensus section's hex (its keys are parsed by the node).
        let consensus_hex = self
            .consensus
            .validators
            .iter()
            .map(|v| &v.public_key)
            .chain([&self.consensus.polynomial]);
        for h in consensus_hex {
            if !h
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(GenesisError::NonCanonicalAddress(h.clone()));
            }
        }
        if self.consensus.validators.is_empty() {
            return Err(GenesisError::NoValidators);
        }
        if self.consensus.validators.len() > terrane_staking::types::MAX_VALIDATORS {
            return Err(GenesisError::Params(format!(
                "genesis lists {} validators, at most {} are allowed",
                self.consensus.validators.len(),
                terrane_staking::types::MAX_VALIDATORS
            )));
        }
        Ok(())
    }

    /// The chain id.
    ///
    /// # Panics
    /// If the genesis was not validated.
    pub fn chain_id(&self) -> ChainId {
        ChainId::new(&self.chain_id).expect("validated genesis")
    }

    /// The genesis time.
    pub fn genesis_time(&self) -> TimestampMs {
        TimestampMs::new(self.genesis_time_ms)
    }

    /// Allocations as typed pairs.
    pub fn allocation_list(&self) -> Result<Vec<(Address, Amount)>, GenesisError> {
        self.allocations
            .iter()
            .map(|a| {
                let address = a
                    .address
                    .parse::<Address>()
                    .map_err(|_| GenesisError::BadAddress(a.address.clone()))?;
                Ok((address, Amount::new(a.amount)))
            })
            .collect()
    }

    /// Approved maker keys as addresses.
    pub fn maker_list(&self) -> Result<Vec<Address>, GenesisError> {
        self.makers
            .iter()
            .map(|m| {
                let a = m
                    .parse::<Address>()
                    .map_err(|_| GenesisError::BadAddress(m.clone()))?;
                terrane_primitives::keys::strong_ed25519(a.as_bytes())
                    .ok_or_else(|| GenesisError::BadAddress(m.clone()))?;
                Ok(a)
            })
            .collect()
    }

    /// The treasury address.
    pub fn treasury(&self) -> Result<Address, GenesisError> {
        self.treasury
            .parse::<Address>()
            .ok()
            .filter(|a| !terrane_primitives::keys::is_weak(a.as_bytes()))
            .ok_or_else(|| GenesisError::BadAddress(self.treasury.clone()))
    }

    /// SHA-256 over the canonical JSON of the file (serde_json with struct field order and no
    /// whitespace), prefixed with a domain tag. Two nodes agree on this iff they parsed the
    /// same genesis content.
    pub fn hash(&self) -> Hash32 {
        let canonical = serde_json::to_vec(self).expect("genesis serializes");
        sha256(&[b"terrane/genesis/v1", &canonical])
    }

    /// Writes the genesis state (block 1 calls this before its transactions): every module's,
    /// in module order.
    ///
    /// # Panics
    /// If the genesis was not validated.
    pub fn apply<S: StateRead>(&self, state: &mut Overlay<S>) {
        use crate::{module::Module as _, modules::for_each_module};
        for_each_module!(M => M::genesis(state, self));
    }

    /// A single-validator genesis for tests: `allocations` funded, default params.
    pub fn for_tests(chain_id: &str, allocations: &[(Address, Amount)]) -> Self {
        Self {
            chain_id: chain_id.to_owned(),
            genesis_time_ms: 0,
            params: ChainParams::default(),
            allocations: allocations
                .iter()
                .map(|(a, v)| Allocation {
                    address: a.to_string(),
                    amount: v.get(),
                    label: None,
                })
                .collect(),
            makers: Vec::new(),
            treasury: default_treasury(),
            consensus: ConsensusGenesis {
                validators: vec![Validator {
                    public_key: "00".repeat(32),
                    p2p_address: "127.0.0.1:0".into(),
                }],
                polynomial: String::new(),
            },
        }
    }
}

/// The fee parameters in JSON form.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsParamsJson {
    /// Flat part of the minimum fee, base units.
    pub base_fee: u64,
    /// Per-byte part of the minimum fee, base units.
    pub byte_fee: u64,
}

impl From<AccountsParamsJson> for AccountsParams {
    fn from(p: AccountsParamsJson) -> Self {
        Self {
            base_fee: Amount::new(p.base_fee),
            byte_fee: Amount::new(p.byte_fee),
        }
    }
}

/// Default block limits, re-exported for tools that build a genesis.
pub fn default_block_limits() -> BlockLimits {
    BlockLimits::default()
}
