//! Framework parameters at genesis.

use crate::{
    params::PowParams,
    state_key::{PARAMS_KEY, Params},
};
use terrane_state::{Overlay, StateRead};

/// Writes the parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &PowParams) {
    state.put::<Params>(&PARAMS_KEY, params);
}
