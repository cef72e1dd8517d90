//! `terrane`: run a validator or a devnet, manage keys, send transactions, query and verify.
//!
//! `main` parses flags, `run` dispatches to one module per command, and the exit code says how
//! it went. The work itself lives in the library crates.
#![allow(clippy::disallowed_methods)] // A binary: timestamps and progress use the wall clock.
#![allow(clippy::float_arithmetic)] // Only for displaying percentages and converting degrees.

mod cli;
mod cmd;
mod resolve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
