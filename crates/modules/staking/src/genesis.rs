//! The staking genesis state: its parameters and the validator set stake may stand behind
//! (nothing is staked before the first block).

use crate::{
    params::StakingParams,
    state_key::{PARAMS_KEY, Params, SINGLETON, ValidatorSet, Validators},
    types::{MAX_VALIDATORS, ValidatorList},
};
use terrane_primitives::Address;
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters and the validators' accounts.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &StakingParams, validators: &[Address]) {
    state.put::<Params>(&PARAMS_KEY, params);
    let mut set: Vec<Address> = validators.to_vec();
    set.sort_unstable();
    set.dedup();
    assert!(
        set.len() <= MAX_VALIDATORS,
        "genesis lists too many validators"
    );
    for v in &set {
        state.put::<Validators>(v, &1);
    }
    state.put::<ValidatorSet>(&SINGLETON, &ValidatorList(set));
}
