//! The sessions genesis state: its parameters.

use crate::{
    params::SessionsParams,
    state_key::{PARAMS_KEY, Params},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &SessionsParams) {
    state.put::<Params>(&PARAMS_KEY, params);
}
