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
    /// Register and manage devices; see their outcomes and rewards; claim.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Buy data credits by burning TRN at the oracle price; show an account's credits.
    #[command(subcommand)]
    Credits(CreditsCommand),
    /// Paid data sessions with hotspots: open, sign and submit usage receipts, close, show.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Stake TRN behind devices and validators: bond as the operator, delegate to someone
    /// else's, unbond, withdraw, set a commission, claim rewards; show pools and positions.
    #[command(subcommand)]
    Stake(StakeCommand),
    /// Slashing: submit evidence of an offence (the bounty is yours if it executes), appeal a
    /// slash of your device with a counter-proof, show slashes.
    #[command(subcommand)]
    Slash(SlashCommand),
    /// Measure signature, execution and network throughput.
    Bench(BenchArgs),
    /// Soak test: run a devnet with its fleet, load and adversarial clients for a while, sample
    /// every validator's handles, memory, disk and height, and fail if any grows without bound
    Soak(SoakArgs),
    /// Run a devnet's simulated hotspot fleet against a node: registrations, beacons,
    /// witnesses and reveals signed by the devices, per-epoch reward shares.
    Agent(AgentArgs),
}

#[derive(Args, Debug, Clone)]
pub struct LocationArg {
    /// H3 cell at resolution 12 (15 hex characters).
    #[arg(long, conflicts_with_all = ["lat", "lng"])]
    pub cell: Option<String>,
    /// Latitude in degrees (with --lng; converted to the resolution-12 cell).
    #[arg(long, requires = "lng", allow_negative_numbers = true)]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    pub lng: Option<f64>,
}

#[derive(Subcommand, Debug)]
pub enum DeviceCommand {
    /// Register a device: signed by its owner, by the device key, and attested by its maker.
    Register {
        /// The owner's key (pays the onboarding fee).
        #[arg(long)]
        owner: String,
        /// The device's key (in the keystore).
        #[arg(long)]
        device: String,
        /// The maker's key in the keystore (signs the attestation).
        #[arg(long)]
        maker: String,
        /// Resource class, by name (`GET /v1/classes` lists the ones the chain runs).
        #[arg(long, default_value = "coverage")]
        class: String,
        /// Coverage: antenna gain, dBi.
        #[arg(long, default_value_t = 3.0)]
        gain_dbi: f64,
        /// Coverage: conducted transmit power, dBm.
        #[arg(long, default_value_t = 27.0)]
        power_dbm: f64,
        /// Coverage: band (eu868, us915, as923, ism2400).
        #[arg(long, default_value = "eu868")]
        band: String,
        /// Any class other than coverage: the class's encoding of the capabilities, hex
        /// (see the class's docs/spec page).
        #[arg(long)]
        capabilities_hex: Option<String>,
        #[command(flatten)]
        location: LocationArg,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Re-assert a device's location (fee burned; coverage rewards pause for a cooldown).
    AssertLocation {
        /// The owner's key.
        #[arg(long)]
        owner: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        #[command(flatten)]
        location: LocationArg,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Give a device to another owner.
    Transfer {
        /// The owner's key.
        #[arg(long)]
        owner: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        /// New owner: hex address or @name.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Switch a device off.
    Deactivate {
        /// The owner's key.
        #[arg(long)]
        owner: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Show a device, its record proven against a finality certificate by default.
    Show {
        /// The device: hex id or @name.
        device: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// A device's recent report outcomes with their reason codes.
    Outcomes {
        /// The device: hex id or @name.
        device: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// A device's rewards, or one epoch's line with its proof (verified by default).
    Rewards {
        /// The device: hex id or @name.
        device: String,
        /// Show and verify this epoch's line.
        #[arg(long)]
        epoch: Option<u64>,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
    /// Pay a device's claimable rewards to its owner.
    Claim {
        /// The owner's key.
        #[arg(long)]
        owner: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Maintenance windows: declare ahead of time the epochs a device will be down, or show
    /// its windows and what its periods still allow.
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
}

#[derive(Subcommand, Debug)]
pub enum MaintenanceCommand {
    /// Declare that a device rests for --epochs epochs from epoch --start. Inside the window
    /// its reports are refused without fault and earn nothing, its reputation does not decay,
    /// and missed duties there cannot be slashed. The window's first block must be at least
    /// the chain's notice ahead, it starts at most a period ahead, and each period allows only
    /// so many epochs and windows (`maintenance show` prints them all).
    Declare {
        /// The owner's key.
        #[arg(long)]
        owner: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        /// The window's first epoch.
        #[arg(long)]
        start: u64,
        /// How many epochs it lasts (at least 1).
        #[arg(long)]
        epochs: u32,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// A device's windows (active, upcoming or past), what the current and next period have
    /// used and allow, and the start epochs a declaration may use now; the window list proven
    /// against a finality certificate by default.
    Show {
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum CreditsCommand {
    /// Burn TRN for data credits at the chain's fresh oracle price.
    Buy {
        /// The key whose TRN is burned.
        #[arg(long)]
        from: String,
        /// Who receives the credits: hex address or @name (default: the burner).
        #[arg(long)]
        to: Option<String>,
        /// TRN to burn (e.g. 1.5) or base units with a `u` suffix.
        #[arg(long)]
        amount: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// An account's credits (proven against a finality certificate by default), its open
    /// sessions, and the network's credit ledger.
    Show {
        /// Hex address or @name.
        address: String,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum SessionCommand {
    /// Open a data session with a hotspot, escrowing credits.
    Open {
        /// The consumer's key (pays, and signs the receipts).
        #[arg(long)]
        from: String,
        /// The hotspot: hex id or @name.
        #[arg(long)]
        device: String,
        /// Credits to escrow.
        #[arg(long)]
        deposit: u64,
        /// How long the session runs, in blocks.
        #[arg(long, default_value_t = 10_000)]
        blocks: u64,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Sign a cumulative usage receipt as the session's payer, and submit it (or only print
    /// it with --print, to hand to the hotspot).
    Receipt {
        /// The payer's key.
        #[arg(long)]
        payer: String,
        /// The session id.
        #[arg(long)]
        session: u64,
        /// Bytes delivered since the session opened.
        #[arg(long)]
        bytes: u64,
        /// The receipt's nonce: above the last paid one (default: the last paid one + 1).
        #[arg(long)]
        nonce: Option<u64>,
        /// Print the signed receipt as hex instead of submitting it.
        #[arg(long)]
        print: bool,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Submit a receipt a payer signed (hex from `session receipt --print`); any key may relay.
    Submit {
        /// The relaying key (pays the fee).
        #[arg(long)]
        from: String,
        /// The signed receipt, hex.
        #[arg(long)]
        receipt: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Close a session: the hotspot's owner any time, the payer after expiry and grace.
    Close {
        /// The closing key.
        #[arg(long)]
        from: String,
        /// The session id.
        #[arg(long)]
        session: u64,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Show an open session.
    Show {
        /// The session id.
        session: u64,
        #[command(flatten)]
        node: NodeArg,
    },
}

/// What stake stands behind: exactly one device or validator.
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct TargetArg {
    /// A device: hex id or @name (of its key in the keystore).
    #[arg(long)]
    pub device: Option<String>,
    /// A genesis validator: hex account (its consensus key) or @name.
    #[arg(long)]
    pub validator: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum StakeCommand {
    /// Bond your own TRN behind a device you own or a validator you run: the operator's stake,
    /// which must reach the chain's minimum bond for the target to earn. To stake on a target
    /// someone else operates, use `delegate`.
    Bond {
        /// The operator's key (pays the stake).
        #[arg(long)]
        from: String,
        #[command(flatten)]
        target: TargetArg,
        /// TRN to bond (e.g. 150) or base units with a `u` suffix (e.g. 150000000u).
        amount: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Delegate TRN to a device or validator someone else operates and has bonded: you earn
    /// a share of its rewards after its commission, and its slashes cut your stake too.
    Delegate {
        /// The delegator's key (pays the stake).
        #[arg(long)]
        from: String,
        #[command(flatten)]
        target: TargetArg,
        /// TRN to delegate (e.g. 5) or base units with a `u` suffix.
        amount: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Start unbonding part of your stake on a target (bond or delegation): it stops earning,
    /// stays slashable, and can be withdrawn after the chain's unbonding period.
    Unbond {
        /// The staker's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        target: TargetArg,
        /// TRN to unbond (e.g. 10) or base units with a `u` suffix.
        amount: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Withdraw every unbonding entry whose release epoch has come to your balance.
    Withdraw {
        /// The staker's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Set the commission of a target you operate, in basis points (100 = 1 %); it applies
    /// after the chain's notice period, so delegators can leave first.
    Commission {
        /// The operator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        target: TargetArg,
        /// The new commission, basis points (at most the chain's maximum).
        bps: u16,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Claim your settled staking rewards on a target.
    Claim {
        /// The staker's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        target: TargetArg,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// A target's pool (proven against a finality certificate by default) and slashes, and an
    /// account's positions and unbonding entries.
    #[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["device", "validator", "address"])))]
    Show {
        /// A device: hex id or @name.
        #[arg(long, conflicts_with = "validator")]
        device: Option<String>,
        /// A validator: hex account or @name.
        #[arg(long)]
        validator: Option<String>,
        /// A staker: hex address or @name. With a target, its position there; alone, its
        /// positions on every validator and on the devices it owns.
        #[arg(long)]
        address: Option<String>,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum SlashCommand {
    /// Submit evidence of an offence by a device or a validator; you earn the bounty if the
    /// slash executes.
    #[command(subcommand)]
    Submit(SlashSubmitCommand),
    /// Answer a pending slash of your device with a counter-proof: for missed duties, the
    /// signed beacon reveal of one listed epoch whose beacon a witness recorded.
    Appeal {
        /// The slash id.
        slash: u64,
        /// The accused device's owner's key.
        #[arg(long)]
        from: String,
        /// The counter-proof: a signed report, hex of its encoding.
        #[arg(long)]
        counter: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Show one slash with its evidence (its record proven by default).
    Show {
        /// The slash id.
        id: u64,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        trust: TrustArg,
    },
    /// A device's or validator's latest slashes, newest first.
    List {
        #[command(flatten)]
        target: TargetArg,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        store: KeystoreArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum SlashSubmitCommand {
    /// Two different reports the device signed for the same duty.
    Equivocation {
        /// The reporter's key (pays the fee, earns the bounty).
        #[arg(long)]
        from: String,
        /// One signed report, hex of its encoding.
        #[arg(long)]
        first: String,
        /// The other, for the same device, epoch and duty.
        #[arg(long)]
        second: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// The chain's own verdicts: at least the threshold of the device's reports judged invalid,
    /// with the device accountable, in the window of epochs ending at --epoch.
    InvalidProofs {
        /// The reporter's key.
        #[arg(long)]
        from: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        /// The last (closed) epoch of the window.
        #[arg(long)]
        epoch: u64,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Closed epochs in which the device owed a beacon and the chain recorded none.
    MissedDuties {
        /// The reporter's key.
        #[arg(long)]
        from: String,
        /// The device: hex id or @name.
        #[arg(long)]
        device: String,
        /// The epochs missed, ascending, comma-separated (e.g. 3,4,5).
        #[arg(long, value_delimiter = ',', required = true)]
        epochs: Vec<u64>,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Two consensus votes a validator signed that simplex forbids together, as a node logged
    /// them. Refused while the chain's validator_equivocation_bps is 0 (the default: threshold
    /// votes are not attributable, so such evidence could frame an honest validator).
    Validator {
        /// The reporter's key.
        #[arg(long)]
        from: String,
        /// The accused genesis validator: hex account (its consensus key) or @name.
        #[arg(long)]
        validator: String,
        /// The conflicting-vote activity (ConflictingNotarize, ConflictingFinalize or
        /// NullifyFinalize), hex of its codec encoding.
        #[arg(long)]
        votes: String,
        #[command(flatten)]
        tx: TxOpts,
    },
}

/// Options every transaction-sending command takes.
#[derive(Args, Debug, Clone)]
pub struct TxOpts {
    /// Fee in base units (default: the minimum).
    #[arg(long)]
    pub fee: Option<u64>,
    /// Return after submitting instead of waiting for the outcome.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub store: KeystoreArg,
    #[command(flatten)]
    pub node: NodeArg,
    #[command(flatten)]
    pub trust: TrustArg,
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
    /// Seed of the simulated hotspot fleet (only when creating a new devnet).
    #[arg(long, default_value_t = 7)]
    pub fleet_seed: u64,
    /// Create the devnet without a simulated fleet.
    #[arg(long)]
    pub no_fleet: bool,
    /// The GeoNames cities15000.csv the fleet is placed from (default:
    /// ../shared/data/cities15000.csv next to the checkout).
    #[arg(long)]
    pub cities: Option<PathBuf>,
    /// Do not run the fleet's agent in this process (run `terrane agent` instead).
    #[arg(long)]
    pub no_agent: bool,
    /// Epoch length in blocks (only when creating; default 400, about 100 s at 4 blocks/s).
    #[arg(long)]
    pub epoch_blocks: Option<u64>,
}

#[derive(Args, Debug)]
pub struct AgentArgs {
    /// The devnet directory whose fleet to run (its fleet.json and keystore).
    #[arg(long, default_value = ".terrane/devnet")]
    pub dir: PathBuf,
    /// Node API to talk to (default: the devnet's validator 0).
    #[arg(long)]
    pub node: Option<String>,
    /// Run only this device of the fleet (its index in `--list`, a range of indices `A-B`, or
    /// its hex key); repeatable. Its owner pays for its reports. Default: every device.
    #[arg(long = "device", value_name = "INDEX|KEY")]
    pub devices: Vec<String>,
    /// List the fleet's devices (index, key, behaviour, city, asserted cell) and exit.
    #[arg(long)]
    pub list: bool,
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
        #[command(flatten)]
        tx: TxOpts,
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
    /// Coverage hotspots for the device-report and epoch-close figures (0 to skip).
    #[arg(long, default_value_t = 10_000)]
    pub hotspots: usize,
    /// Hotspots per town: each hears every other one in its town, so each beacon gets
    /// `town - 1` witnesses.
    #[arg(long, default_value_t = 9)]
    pub town: usize,
    /// Providers (hotspots with a paying consumer each) for the usage-receipt and usage-close
    /// figures (0 to skip).
    #[arg(long, default_value_t = 10_000)]
    pub usage_providers: usize,
    /// Receipts per provider in the usage figures.
    #[arg(long, default_value_t = 5)]
    pub usage_rounds: u64,
    /// Seconds of load against a temporary 4-validator loopback devnet (0 to skip).
    #[arg(long, default_value_t = 30)]
    pub devnet_secs: u64,
    /// Target submission rate for the devnet load, transfers per second.
    #[arg(long, default_value_t = 2_000)]
    pub rate: u64,
}

#[derive(Args, Debug)]
pub struct SoakArgs {
    /// How long to run, e.g. `180s`, `30m`, `6h`.
    #[arg(long, default_value = "180s", value_parser = parse_duration)]
    pub duration: std::time::Duration,
    /// Where the soak's devnet lives (created fresh).
    #[arg(long, default_value = ".terrane/soak")]
    pub dir: PathBuf,
    /// Transfers per second the load generator offers, spread over all validators.
    #[arg(long, default_value_t = 50)]
    pub rate: u32,
    /// Silent sockets held open against validator 0.
    #[arg(long, default_value_t = 100)]
    pub idle_sockets: usize,
    /// The GeoNames cities15000.csv the fleet is placed from (default: ../shared/data).
    #[arg(long)]
    pub cities: Option<PathBuf>,
    /// First API port (validator i serves on port + i); away from the devnet's by default.
    #[arg(long, default_value_t = 19_650)]
    pub api_port: u16,
    /// First p2p port.
    #[arg(long, default_value_t = 39_650)]
    pub p2p_port: u16,
}

/// Parses `90`, `90s`, `30m` or `6h`.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 180s, 30m or 6h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("unknown unit {unit:?} in {text:?}: use s, m or h")),
    };
    Ok(std::time::Duration::from_secs(secs))
}
