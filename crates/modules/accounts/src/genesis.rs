//! Genesis allocations and fee parameters.

use crate::{
    params::AccountsParams,
    state_key::{Accounts, PARAMS_KEY, Params, SINGLETON, SupplyLedger},
    types::{Account, Supply},
};
use std::collections::BTreeMap;
use terrane_primitives::{Address, Amount};
use terrane_state::{Overlay, StateRead};

/// Why a genesis allocation list was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenesisError {
    /// The same address appears twice.
    DuplicateAddress(Address),
    /// The total does not fit in an amount.
    SupplyOverflow,
}

impl core::fmt::Display for GenesisError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::DuplicateAddress(a) => write!(f, "address {a} is allocated twice"),
            Self::SupplyOverflow => f.write_str("genesis allocations overflow the supply"),
        }
    }
}

/// Validates allocations and returns them ordered by address with their total.
pub fn validate(
    allocations: &[(Address, Amount)],
) -> Result<(BTreeMap<Address, Amount>, Amount), GenesisError> {
    let mut map = BTreeMap::new();
    let mut total = Amount::ZERO;
    for (address, amount) in allocations {
        if map.insert(*address, *amount).is_some() {
            return Err(GenesisError::DuplicateAddress(*address));
        }
        total = total
            .checked_add(*amount)
            .ok_or(GenesisError::SupplyOverflow)?;
    }
    Ok((map, total))
}

/// Writes the genesis accounts, supply ledger and fee parameters.
///
/// # Panics
/// If the allocations do not validate: the genesis file is checked when loaded.
pub fn apply<S: StateRead>(
    state: &mut Overlay<S>,
    allocations: &[(Address, Amount)],
    params: &AccountsParams,
) {
    let (map, total) = validate(allocations).expect("genesis allocations were validated on load");
    for (address, balance) in &map {
        state.put::<Accounts>(
            address,
            &Account {
                balance: *balance,
                nonce: Default::default(),
            },
        );
    }
    state.put::<SupplyLedger>(
        &SINGLETON,
        &Supply {
            genesis: total,
            minted: Amount::ZERO,
            burned: Amount::ZERO,
        },
    );
    state.put::<Params>(&PARAMS_KEY, params);
}
