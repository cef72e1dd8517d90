//! What staking reports to indexers and event streams.

use crate::types::Target;
use terrane_primitives::{Address, Amount, BasisPoints, Epoch};

/// A staking event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StakingEvent {
    /// Stake added to a position.
    Staked {
        /// Whose.
        staker: Address,
        /// On what.
        target: Target,
        /// How much.
        amount: Amount,
    },
    /// Stake moved into unbonding.
    Unstaked {
        /// Whose.
        staker: Address,
        /// From what.
        target: Target,
        /// How much.
        amount: Amount,
        /// When it can be withdrawn.
        release: Epoch,
    },
    /// Released unbonding stake paid back.
    Withdrawn {
        /// To whom.
        staker: Address,
        /// How much.
        amount: Amount,
    },
    /// A commission change was scheduled.
    CommissionSet {
        /// Whose.
        target: Target,
        /// The new commission.
        commission: BasisPoints,
        /// From which epoch.
        from: Epoch,
    },
    /// The delegators' share of a reward split between the operator (commission) and them.
    Distributed {
        /// Whose pool.
        target: Target,
        /// The operator's commission.
        commission: Amount,
        /// To the delegations pro rata (the operator's own stake does not share in it).
        stakers: Amount,
    },
    /// A validator's share of an epoch's validator emission (its operator's part settled to
    /// the operator, its delegators' part distributed).
    ValidatorRewarded {
        /// Which validator.
        validator: Address,
        /// The epoch closed.
        epoch: Epoch,
        /// Its share, base units.
        amount: Amount,
    },
    /// Settled rewards paid to a staker.
    Claimed {
        /// Who.
        staker: Address,
        /// From what.
        target: Target,
        /// How much.
        amount: Amount,
    },
    /// A slash cut a target's bonded and unbonding stake (every position and entry by share).
    Slashed {
        /// Whose pool.
        target: Target,
        /// Taken from bonded stake.
        bonded: Amount,
        /// Taken from unbonding stake.
        unbonding: Amount,
    },
}
