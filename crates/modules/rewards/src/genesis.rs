//! Emission parameters and the treasury at genesis.

use crate::{
    params::EmissionParams,
    state_key::{PARAMS_KEY, Params, TREASURY_KEY, Treasury},
};
use terrane_primitives::Address;
use terrane_state::{Overlay, StateRead};

/// Writes the parameters and the treasury address.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &EmissionParams, treasury: &Address) {
    state.put::<Params>(&PARAMS_KEY, params);
    state.put::<Treasury>(&TREASURY_KEY, treasury);
}
