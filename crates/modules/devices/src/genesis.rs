//! Approved makers and registry parameters at genesis.

use crate::{
    params::DevicesParams,
    state_key::{Makers, PARAMS_KEY, Params},
    types::Maker,
};
use terrane_primitives::{Address, Height};
use terrane_state::{Overlay, StateRead};

/// Writes the approved makers and the parameters.
pub fn apply<S: StateRead>(state: &mut Overlay<S>, makers: &[Address], params: &DevicesParams) {
    for maker in makers {
        state.put::<Makers>(
            maker,
            &Maker {
                approved_at: Height::ZERO,
            },
        );
    }
    state.put::<Params>(&PARAMS_KEY, params);
}
