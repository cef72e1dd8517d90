//! The slashing genesis state: its parameters (no slash exists before the first block).

use crate::{
    params::SlashingParams,
    state_key::{Params, SINGLETON},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &SlashingParams) {
    state.put::<Params>(&SINGLETON, params);
}
