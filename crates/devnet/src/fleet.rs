//! The devnet's simulated fleet: which one it is (`fleet.json`), and how to rebuild it.
//!
//! A fleet is fully determined by its seed, its configuration, the cities file, the chain, the
//! maker key and the fee parameters, so the devnet stores only the first three: genesis funds
//! the fleet's accounts when the devnet is created, and every later run (the devnet's own agent
//! or `terrane agent --dir`) rebuilds the identical fleet, keys included.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use terrane_accounts::params::AccountsParams;
use terrane_fleet::{Fleet, FleetConfig, cities};
use terrane_primitives::ChainId;

/// `fleet.json`: the devnet's fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetSpec {
    /// Seed of every draw (placement, keys, radio noise).
    pub seed: u64,
    /// The GeoNames `cities15000` file devices are placed from.
    pub cities: PathBuf,
    /// Honest devices.
    pub honest: usize,
    /// Spoofers.
    pub spoofers: usize,
    /// Colluding rings, and devices per ring.
    pub rings: usize,
    /// Devices per ring.
    pub ring_size: usize,
    /// Replayers.
    pub replayers: usize,
    /// Gain inflators.
    pub inflators: usize,
    /// Timing-clique members (`terrane_fleet::Behavior::Skewer`).
    #[serde(default)]
    pub skewers: usize,
    /// Wormhole far ends (`terrane_fleet::Behavior::Wormhole`), six per sniffer, relaying
    /// adaptively both ways.
    #[serde(default)]
    pub wormholes: usize,
}

impl FleetSpec {
    /// The devnet default: 324 hotspots in 24 cities, 26 % of them cheaters of every kind,
    /// the adaptive ones (a timing clique, wormholes) included.
    pub fn devnet(seed: u64, cities: PathBuf) -> Self {
        let c = FleetConfig::devnet(seed);
        Self {
            seed,
            cities,
            honest: c.honest,
            spoofers: c.spoofers,
            rings: c.rings,
            ring_size: c.ring_size,
            replayers: c.replayers,
            inflators: c.inflators,
            skewers: 12,
            wormholes: 12,
        }
    }

    /// The fleet configuration.
    pub fn config(&self) -> FleetConfig {
        FleetConfig {
            honest: self.honest,
            spoofers: self.spoofers,
            rings: self.rings,
            ring_size: self.ring_size,
            replayers: self.replayers,
            inflators: self.inflators,
            skewers: self.skewers,
            wormholes: self.wormholes,
            // Over HTTP registrations take a few blocks to land: start the radio work after.
            activation_delay_blocks: 20,
            ..FleetConfig::devnet(self.seed)
        }
    }

    /// Builds the fleet for `chain`, attested by `maker`.
    pub fn build(
        &self,
        chain: ChainId,
        maker: commonware_cryptography::ed25519::PrivateKey,
        fees: AccountsParams,
    ) -> Result<Fleet, cities::CitiesError> {
        let cities = cities::load(&self.cities)?;
        Ok(Fleet::new(self.config(), &cities, chain, maker, fees))
    }
}

/// Where the cities file usually is: `../shared/data/cities15000.csv` next to the checkout,
/// looked up from the current directory, then from this crate's source directory (a build
/// from the checkout). `None` if neither exists.
pub fn default_cities() -> Option<PathBuf> {
    let relative = Path::new("../shared/data/cities15000.csv");
    let from_source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cities15000.csv");
    [relative.to_path_buf(), from_source]
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| p.canonicalize().unwrap_or(p))
}
