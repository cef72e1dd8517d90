//! One module per command.

mod agent;
mod bench;
mod credits;
mod device;
mod devnet;
mod genesis;
mod keys;
mod node;
mod query;
mod send;
mod session;
mod slash;
mod soak;
mod stake;
mod tx;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Node { config } => node::run(&config),
        Command::Devnet(args) => devnet::run(args),
        Command::Genesis(args) => genesis::run(args),
        Command::Keys(cmd) => keys::run(cmd),
        Command::Tx(cmd) => block_on(tx::run(cmd)),
        Command::Query(cmd) => block_on(query::run(cmd)),
        Command::Device(cmd) => block_on(device::run(cmd)),
        Command::Credits(cmd) => block_on(credits::run(cmd)),
        Command::Session(cmd) => block_on(session::run(cmd)),
        Command::Stake(cmd) => block_on(stake::run(cmd)),
        Command::Slash(cmd) => block_on(slash::run(cmd)),
        Command::Bench(args) => bench::run(args),
        Command::Soak(args) => soak::run(args),
        Command::Agent(args) => block_on(agent::run(args)),
    }
}

/// Runs a client command on a small runtime.
fn block_on<F: Future<Output = anyhow::Result<()>>>(f: F) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

/// Logs to stderr, filtered by RUST_LOG (default `default`).
pub fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
