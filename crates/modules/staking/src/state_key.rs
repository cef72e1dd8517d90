//! Every key staking stores.

use crate::{
    params::StakingParams,
    types::{Pool, Position, StakeLedger, Target, UnbondingQueue, ValidatorList},
};
use terrane_primitives::Address;
use terrane_state::{Table, tables};

/// `target -> its pool`, while any stake or owed reward is in it.
pub struct Pools;
impl Table for Pools {
    const ID: terrane_state::TableId = tables::STAKE_POOLS;
    const NAME: &'static str = "stake_pools";
    type Key = Target;
    type Value = Pool;
    fn value_cfg() {}
}

/// `(account, target) -> its position`, while staked or holding pending rewards.
pub struct Positions;
impl Table for Positions {
    const ID: terrane_state::TableId = tables::STAKE_POSITIONS;
    const NAME: &'static str = "stake_positions";
    type Key = (Address, Target);
    type Value = Position;
    fn value_cfg() {}
}

/// `account -> its unbonding entries`.
pub struct Unbondings;
impl Table for Unbondings {
    const ID: terrane_state::TableId = tables::UNBONDING;
    const NAME: &'static str = "unbonding";
    type Key = Address;
    type Value = UnbondingQueue;
    fn value_cfg() {}
}

/// The key of a singleton record.
pub const SINGLETON: u8 = 0;

/// `SINGLETON -> StakeLedger`.
pub struct Ledger;
impl Table for Ledger {
    const ID: terrane_state::TableId = tables::STAKE_LEDGER;
    const NAME: &'static str = "stake_ledger";
    type Key = u8;
    type Value = StakeLedger;
    fn value_cfg() {}
}

/// `validator account -> 1`: the validator set (static, from genesis).
pub struct Validators;
impl Table for Validators {
    const ID: terrane_state::TableId = tables::STAKE_VALIDATORS;
    const NAME: &'static str = "stake_validators";
    type Key = Address;
    type Value = u8;
    fn value_cfg() {}
}

/// `SINGLETON -> the validator set`, ascending by account: who shares the validators' emission.
pub struct ValidatorSet;
impl Table for ValidatorSet {
    const ID: terrane_state::TableId = tables::STAKE_VALIDATOR_SET;
    const NAME: &'static str = "stake_validator_set";
    type Key = u8;
    type Value = ValidatorList;
    fn value_cfg() {}
}

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> StakingParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::STAKING_PARAMS;
    const NAME: &'static str = "staking_params";
    type Key = u8;
    type Value = StakingParams;
    fn value_cfg() {}
}
