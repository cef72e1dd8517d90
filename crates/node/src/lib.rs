//! A Terrane validator: commonware consensus, p2p, QMDB state and the node's services.
//!
//! This is the only crate that touches consensus types.
pub mod application;
pub mod block;
pub mod db;
pub mod engine;
pub mod mempool;
pub mod seeds;
pub mod setup;
pub mod types;
