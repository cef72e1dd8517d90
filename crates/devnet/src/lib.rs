//! Local multi-validator Terrane networks: genesis and key layout, process supervision, progress.
//!
//! ```text
//! <dir>/genesis.json                 shared by every validator
//! <dir>/validator-<i>/node.toml      its ports, paths
//! <dir>/validator-<i>/validator.json its ed25519 key and BLS share
//! <dir>/validator-<i>/data/          its state (QMDB, archives, consensus journal)
//! <dir>/validator-<i>/node.log       its log
//! <dir>/keys/                        keystore of the funded devnet accounts (insecure: devnet only)
//! <dir>/accounts.json                name -> address of the funded accounts
//! ```
//! [`layout::create`] writes a fresh network; [`supervisor::Supervisor`] runs one `terrane node`
//! process per validator, restarts one that dies, and stops them all on request. Starting again
//! on an existing directory resumes the same chain.
#![allow(clippy::disallowed_methods)] // Tooling, not state code: progress reports use the wall clock.

pub mod agent;
pub mod consumers;
pub mod fleet;
pub mod layout;
pub mod oracle;
pub mod supervisor;
pub mod validators;
