//! A Terrane validator: commonware consensus, p2p, QMDB state and the node's services.
//!
//! This is the only crate that touches consensus types.
pub mod block;
pub mod db;
pub mod types;
pub mod application;
pub mod seeds;
pub mod mempool;
pub mod engine;
