//! What the staking routes return (`docs/spec/staking.md`): the module's books, a target's
//! pool with a proof, one staker's position on it, and an account's unbonding entries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What stake stands behind, as the routes name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StakeTarget {
    /// A registered device, by id.
    Device([u8; 32]),
    /// A genesis validator, by account address.
    Validator([u8; 32]),
}

impl StakeTarget {
    /// `device` or `validator`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Device(_) => "device",
            Self::Validator(_) => "validator",
        }
    }

    /// The device id or validator address.
    pub fn id(&self) -> [u8; 32] {
        match self {
            Self::Device(id) | Self::Validator(id) => *id,
        }
    }
}

/// The staking books and parameters at the latest finalized block, with every validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StakingView {
    /// Finalized height read.
    pub height: u64,
    /// TRN bonded in every pool, base units.
    pub bonded: u64,
    /// TRN unbonding (still slashable, not yet withdrawable), base units.
    pub unbonding: u64,
    /// Rewards distributed to positions and not yet claimed, base units.
    pub rewards_owed: u64,
    /// Rewards ever distributed through staking, base units.
    pub rewards_distributed: u64,
    /// Stake slashed since genesis (bonded and unbonding), base units.
    pub slashed: u64,
    /// Pools open.
    pub pools: u64,
    /// A device operator's minimum own bond, base units.
    pub min_device_bond: u64,
    /// A validator's minimum own bond, base units.
    pub min_validator_bond: u64,
    /// Epochs unbonding stake waits before it can be withdrawn.
    pub unbonding_epochs: u64,
    /// The highest commission an operator may set, basis points.
    pub max_commission_bps: u16,
    /// The validator set, ascending by account.
    pub validators: Vec<ValidatorStakeView>,
}

/// One validator's stake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ValidatorStakeView {
    /// The validator's account (its ed25519 consensus key).
    #[schema(format = "hex32")]
    pub address: String,
    /// Whether its own bond reaches `min_validator_bond` (only bonded validators share the
    /// validators' emission).
    pub bonded: bool,
    /// Its own bond, base units.
    pub operator_stake: u64,
    /// Its pool's whole stake (own and delegated), base units: its weight in the payout.
    pub total: u64,
}

/// A target's stake pool, with a proof of the pool record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StakePoolView {
    /// `device` or `validator`.
    pub kind: String,
    /// The device id or validator address.
    #[schema(format = "hex32")]
    pub target: String,
    /// Who operates the target and keeps the commission.
    #[schema(format = "hex32")]
    pub operator: String,
    /// Whether the operator's own stake reaches the target's minimum bond.
    pub bonded: bool,
    /// The minimum own bond of this kind of target, base units.
    pub min_bond: u64,
    /// Every position's stake, the operator's included, base units.
    pub total: u64,
    /// The operator's own stake, base units.
    pub operator_stake: u64,
    /// Delegated stake (`total − operator_stake`), base units.
    pub delegated: u64,
    /// Stake unbonding from the target (still slashable), base units.
    pub unbonding: u64,
    /// Stake slashed from the target ever, base units.
    pub slashed: u64,
    /// The commission in force, basis points.
    pub commission_bps: u16,
    /// The commission from `commission_from` on (equal to `commission_bps` when no change
    /// is pending), basis points.
    pub next_commission_bps: u16,
    /// First epoch `next_commission_bps` applies to.
    pub commission_from: u64,
    /// Rewards owed to the pool's positions and not yet claimed, base units.
    pub owed: u64,
    /// Finalized height the proof is against.
    pub height: u64,
    /// State root at `height`.
    #[schema(format = "hex")]
    pub state_root: String,
    /// State key of the pool record.
    #[schema(format = "hex32")]
    pub key: String,
    /// Encoded pool record.
    #[schema(format = "hex")]
    pub value: String,
    /// Encoded inclusion proof of `value` under `state_root`.
    #[schema(format = "hex")]
    pub proof: String,
}

/// One staker's position on a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StakePositionView {
    /// Finalized height read.
    pub height: u64,
    /// The staker.
    #[schema(format = "hex32")]
    pub staker: String,
    /// `device` or `validator`.
    pub kind: String,
    /// The device id or validator address.
    #[schema(format = "hex32")]
    pub target: String,
    /// Whether the staker operates the target (its stake is the bond; it earns the
    /// commission, not a delegator's share).
    pub operator: bool,
    /// What the position's stake is worth now (after any slash), base units (0: no
    /// position).
    pub amount: u64,
    /// What `claim_stake_rewards` would pay now, base units.
    pub claimable: u64,
}

/// An account's unbonding entries, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnbondingView {
    /// Finalized height read.
    pub height: u64,
    /// The epoch at that height.
    pub epoch: u64,
    /// The account.
    #[schema(format = "hex32")]
    pub address: String,
    /// Sum of the entries, base units.
    pub total: u64,
    /// Sum of the entries released by `epoch` (what `withdraw_unbonded` pays now).
    pub withdrawable: u64,
    /// The entries.
    pub entries: Vec<UnbondingEntryView>,
}

/// Stake leaving a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnbondingEntryView {
    /// `device` or `validator`.
    pub kind: String,
    /// The device id or validator address it left.
    #[schema(format = "hex32")]
    pub target: String,
    /// What it is worth now (a slash of the target while it waits cuts it), base units.
    pub amount: u64,
    /// First epoch it can be withdrawn.
    pub release: u64,
}
