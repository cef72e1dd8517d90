//! A Terrane validator: commonware consensus, p2p, QMDB state and the node's services.
//!
//! This is the only crate that runs consensus; besides it only `terrane-votes` names consensus
//! types, to check the conflicting votes that slashing's validator evidence carries.
pub mod api;
pub mod application;
pub mod block;
pub mod config;
pub mod db;
pub mod engine;
pub mod evidence;
pub mod handles;
pub mod indexer;
pub mod mempool;
pub mod seeds;
pub mod service;
pub mod setup;
pub mod types;

pub use terrane_types::light;
