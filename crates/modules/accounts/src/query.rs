//! Read-only views for the API, re-exported from the handler so there is one way to read.

pub use crate::handler::{account, params, supply};
