//! Every key the oracle stores.

use crate::{params::OracleParams, types::PriceReport};
use terrane_primitives::Address;
use terrane_state::{Table, tables};

/// `oracle key -> its latest accepted report`.
pub struct Reports;
impl Table for Reports {
    const ID: terrane_state::TableId = tables::ORACLE_REPORTS;
    const NAME: &'static str = "oracle_reports";
    type Key = Address;
    type Value = PriceReport;
    fn value_cfg() {}
}

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> OracleParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::ORACLE_PARAMS;
    const NAME: &'static str = "oracle_params";
    type Key = u8;
    type Value = OracleParams;
    fn value_cfg() {}
}
