//! Every key sessions stores.

use crate::{params::SessionsParams, types::Session};
use terrane_credits::types::EscrowId;
use terrane_primitives::Address;
use terrane_state::{Table, tables};

/// `session id -> Session`, while open.
pub struct Sessions;
impl Table for Sessions {
    const ID: terrane_state::TableId = tables::DATA_SESSIONS;
    const NAME: &'static str = "data_sessions";
    type Key = EscrowId;
    type Value = Session;
    fn value_cfg() {}
}

/// `payer -> number of open sessions` (absent is zero).
pub struct PayerSessions;
impl Table for PayerSessions {
    const ID: terrane_state::TableId = tables::PAYER_SESSIONS;
    const NAME: &'static str = "payer_sessions";
    type Key = Address;
    type Value = u32;
    fn value_cfg() {}
}

/// `(payer, slot) -> session id`: the payer's open sessions, slots `0..count` (a closed
/// session's slot takes the last one).
pub struct PayerSessionList;
impl Table for PayerSessionList {
    const ID: terrane_state::TableId = tables::PAYER_SESSION_LIST;
    const NAME: &'static str = "payer_session_list";
    type Key = (Address, u32);
    type Value = EscrowId;
    fn value_cfg() {}
}

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> SessionsParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::SESSIONS_PARAMS;
    const NAME: &'static str = "sessions_params";
    type Key = u8;
    type Value = SessionsParams;
    fn value_cfg() {}
}
