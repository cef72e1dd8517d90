//! The oracle's genesis state: its parameters.

use crate::{
    params::OracleParams,
    state_key::{PARAMS_KEY, Params},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &OracleParams) {
    state.put::<Params>(&PARAMS_KEY, params);
}
