//! Every key the accounts module stores.

use crate::{
    params::AccountsParams,
    types::{Account, FundingOrigin, Supply},
};
use terrane_primitives::Address;
use terrane_state::{Table, tables};

/// `Address -> Account`.
pub struct Accounts;
impl Table for Accounts {
    const ID: terrane_state::TableId = tables::ACCOUNTS;
    const NAME: &'static str = "accounts";
    type Key = Address;
    type Value = Account;
    fn value_cfg() {}
}

/// `Address -> FundingOrigin`: who created the address with a transfer, and when.
pub struct FundingOrigins;
impl Table for FundingOrigins {
    const ID: terrane_state::TableId = tables::FUNDING_ORIGINS;
    const NAME: &'static str = "funding_origins";
    type Key = Address;
    type Value = FundingOrigin;
    fn value_cfg() {}
}

/// The key of a singleton record.
pub const SINGLETON: u8 = 0;

/// `SINGLETON -> Supply`.
pub struct SupplyLedger;
impl Table for SupplyLedger {
    const ID: terrane_state::TableId = tables::SUPPLY;
    const NAME: &'static str = "supply";
    type Key = u8;
    type Value = Supply;
    fn value_cfg() {}
}

/// `PARAMS_KEY -> AccountsParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::CHAIN_PARAMS;
    const NAME: &'static str = "chain_params/accounts";
    type Key = u8;
    type Value = AccountsParams;
    fn value_cfg() {}
}

/// The key of the accounts parameters inside the shared chain-parameters table.
pub const PARAMS_KEY: u8 = 1;
