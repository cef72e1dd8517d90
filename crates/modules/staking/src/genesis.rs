//! The staking genesis state: its parameters and the validator set stake may stand behind
//! (nothing is staked before the first block).

use crate::{
    params::StakingParams,
    state_key::{PARAMS_KEY, Params, Validators},
};
use terrane_primitives::Address;
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters and the validators' accounts.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &StakingParams, validators: &[Address]) {
    state.put::<Params>(&PARAMS_KEY, params);
    for v in validators {
        state.put::<Validators>(v, &1);
    }
}
