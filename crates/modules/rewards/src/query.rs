//! Read-only views for the API.

pub use crate::handler::{device_rewards, ledger, line, line_proof, params, summary, treasury};
