//! The maintenance genesis state: its parameters (no window exists before the first block).

use crate::{
    params::MaintenanceParams,
    state_key::{Params, SINGLETON},
};
use terrane_state::{Overlay, StateRead};

/// Writes the (validated) parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, params: &MaintenanceParams) {
    state.put::<Params>(&SINGLETON, params);
}
