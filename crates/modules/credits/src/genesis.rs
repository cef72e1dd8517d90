//! The credits genesis state: its parameters (no credits exist before the first burn).

use crate::{
    params::CreditsParams,
    state_key::{PARAMS_KEY, Params},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &CreditsParams) {
    state.put::<Params>(&PARAMS_KEY, params);
}
