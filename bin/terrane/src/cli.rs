//! Command-line flags.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Terrane: a decentralized physical infrastructure network.
#[derive(Parser, Debug)]
#[command(name = "terrane", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one validator from its node.toml.
    Node {
        /// The node config (see `terrane genesis`).
        #[arg(long)]
        config: PathBuf,
    },
    /// Run a local network: validators as separate processes on loopback.
    Devnet(DevnetArgs),
    /// Write a genesis, validator keys and node configs for a new network.
    Genesis(GenesisArgs),
    /// Manage account keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Build, sign and submit transactions.
    #[command(subcommand)]
    Tx(TxCommand),
    /// Query a node; state answers are verified against finality certificates by default.
    #[command(subcommand)]
    Query(QueryCommand),
    /// Measure signature, execution and network throughput.
    Bench(BenchArgs),
}

#[derive(Args, Debug)]
pub struct DevnetArgs {
    /// Where the devnet keeps its keys, configs and state.
    #[arg(long, default_value = ".terrane/devnet")]
    pub dir: PathBuf,
    /// Validators to run (only when creating a new devnet).
    #[arg(long, default_value_t = 4)]
    pub validators: u32,
    /// First API port (validator i serves on port + i).
    #[arg(long, default_value_t = 8650)]
    pub api_port: u16,
    /// First p2p port.
    #[arg(long, default_value_t = 27650)]
    pub p2p_port: u16,
    /// Delete an existing devnet in --dir and start a new chain.
    #[arg(long)]
    pub fresh: bool,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long)]
    pub duration_secs: Option<u64>,
}

#[derive(Args, Debug)]
pub struct GenesisArgs {
    /// Output directory (must not hold a network yet).
    #[arg(long)]
    pub out: PathBuf,
    /// Chain id.
    #[arg(long, default_value = "terrane-devnet")]
    pub chain_id: String,
    /// Number of validators.
    #[arg(long, default_value_t = 4)]
    pub validators: u32,
    /// First API port.
    #[arg(long, default_value_t = 8650)]
    pub api_port: u16,
    /// First p2p port.
    #[arg(long, default_value_t = 27650)]
    pub p2p_port: u16,
    /// A funded account as name=tokens (repeatable; default: faucet, alice, bob, carol, dave).
    #[arg(long = "account", value_name = "NAME=TOKENS")]
    pub accounts: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create a key.
    New {
        /// Key name.
        name: String,
        /// Store the key unencrypted (devnet only).
        #[arg(long)]
        insecure: bool,
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// List keys.
    List {
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// Show a key's address.
    Show {
        /// Key name.
        name: String,
        #[command(flatten)]
        store: KeystoreArg,
    },
}

#[derive(Args, Debug, Clone)]
pub struct KeystoreArg {
    /// Keystore directory (default: $TERRANE_KEYSTORE, else ./.terrane/devnet/keys if present,
    /// else ~/.terrane/keys).
    #[arg(long, env = "TERRANE_KEYSTORE")]
    pub keystore: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct NodeArg {
    /// Node API URL (default: $TERRANE_NODE, else the local devnet's first validator).
    #[arg(long, env = "TERRANE_NODE")]
    pub node: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct TrustArg {
    /// Genesis file whose validator set proofs are checked against (default: $TERRANE_GENESIS,
    /// else ./.terrane/devnet/genesis.json).
    #[arg(long, env = "TERRANE_GENESIS")]
    pub genesis: Option<PathBuf>,
    /// Skip proof and certificate verification.
    #[arg(long)]
    pub no_verify: bool,
}

#[derive(Subcommand, Debug)]
pub enum TxCommand {
    /// Send tokens.
    Transfer {
        /// Sending key's name.
        #[arg(long)]
        from: String,
        /// Recipient: hex address, or @name of a key in the keystore.
        #[arg(long)]
        to: String,
        /// Amount in TRN (e.g. 12.5) or base units with a `u` suffix (e.g. 12500000u).
        #[arg(long)]
        amount: String,
        /// Note for the recipient (at most 64 bytes).
        #[arg(long, default_value = "")]
        memo: String,
        /// Fee in base units (default: the minimum).
        #[arg(long)]
        fee: Option<u64>,
        /// Wait until the transaction is finalized and print its outcome.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        store: KeystoreArg,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum QueryCommand {
    /// Chain status.
    Status {
        #[command(flatten)]
        node: NodeArg,
    },
    /// An account's balance and nonce, proven against a finalized block.
    Account {
        /// Hex address or @name.
        address: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// A finalized block and its certificate.
    Block {
        /// Height or `latest`.
        id: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
    },
    /// Where a transaction is and how it went.
    Tx {
        /// Hex transaction hash.
        hash: String,
        #[command(flatten)]
        node: NodeArg,
    },
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Signatures to verify for the ed25519 figures.
    #[arg(long, default_value_t = 20_000)]
    pub signatures: usize,
    /// Transfers to execute for the execution figures.
    #[arg(long, default_value_t = 50_000)]
    pub txs: usize,
    /// Transactions per block in the execution benchmark.
    #[arg(long, default_value_t = 2_000)]
    pub block_txs: usize,
    /// Seconds of load against a temporary 4-validator loopback devnet (0 to skip).
    #[arg(long, default_value_t = 30)]
    pub devnet_secs: u64,
    /// Target submission rate for the devnet load, transfers per second.
    #[arg(long, default_value_t = 2_000)]
    pub rate: u64,
}
