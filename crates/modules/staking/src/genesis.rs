//! The staking genesis state: its parameters (nothing is staked before the first block).

use crate::{
    params::StakingParams,
    state_key::{PARAMS_KEY, Params},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &StakingParams) {
    state.put::<Params>(&PARAMS_KEY, params);
}
