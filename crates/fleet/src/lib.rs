//! Simulated device fleets: real-city placement, a radio model, honest and cheating hotspots
//! that sign and submit proof-of-work reports.
//!
//! ```text
//! cities15000.csv ─▶ cities::load ─▶ Fleet::new(FleetConfig, cities, chain, maker, fees)
//!                                      placement (real cities) · keys · radios · owners · relay
//! genesis ◀─ Fleet::funding(), Fleet::maker()
//! each block: ChainView (head height/time, epoch, its randomness, pow params)
//!   ─▶ Fleet::step ─▶ signed txs: registrations, then relay bundles of beacons' witnesses
//!      (radio model, true positions) and reveals; replayers' and inflators' doomed attempts
//!   ─▶ sim::Sim (Executor on a MemStore) or, later, a devnet over HTTP
//! closed epoch ─▶ reward lines ─▶ report::EpochShares (honest vs each kind of cheater)
//! ```
//!
//! # The fleet
//! A few hundred coverage hotspots (EU868) placed around real cities drawn by population
//! ([`cities`], [`placement`]): devices sit 0.5-6 km from a city's center, so the 5-14 hotspots
//! of a city hear each other and a typical beacon collects 4-12 witnesses. Every key, position,
//! radio, nonce and noise draw derives from one seed ([`rng`]), per device, so the honest
//! devices of a fleet with cheaters are exactly those of the same fleet without them
//! ([`FleetConfig::without_cheaters`]) — which is how the tests measure the cheaters' effect.
//!
//! # Behaviours and how the chain defeats them ([`Behavior`])
//! - **Honest**: true capabilities, true cell; transmits in its duty window, witnesses every
//!   beacon it hears before the reveal, reveals a few blocks later inside window + grace.
//! - **Spoofer**: honest radio, asserted cell 150-300 km away. Its witnesses and the witnesses
//!   of its beacon break the distance rule between asserted cells (`witness_too_far`; a shorter
//!   lie would be `signal_too_strong`: the real signal is louder than free space allows at the
//!   claimed distance). Refusals cost the honest witnesses nothing.
//! - **Ring**: one owner's devices in one building, asserting cells 2-10 km apart somewhere
//!   remote, sharing nonces and fabricating each other's witnesses with RSSI consistent with
//!   the claimed geometry: physics cannot tell, ownership can (`same_owner_witness`).
//! - **Replayer**: resubmits other devices' signed reports, old ones (`stale_epoch`) and
//!   already-included ones (`duplicate_report`); reported as events, charged to nobody.
//! - **GainInflator**: registers a 9 dBi antenna its maker attested as 3 dBi
//!   (`bad_maker_signature`: the attestation covers the capabilities), then reports anyway
//!   (`unknown_report_signer`).
//!
//! # The market ([`market`])
//! An oracle at a constant price, consumers buying credits and paying population-weighted
//! honest hotspots through data sessions, and two cheats of the economy played by honest
//! hotspots' owners: the **self-dealer** pays his own hotspot for fabricated traffic (usage pays
//! at most face value less the network's fee, and the subsidy bound it raises is everyone's:
//! docs/spec/economy.md), the **over-claimer** submits its customers' receipts inflated
//! (`receipt_bad_signature`) and replayed (`receipt_stale`). [`sim::Sim::with_market`] runs it
//! next to the fleet; `tests/market_sim.rs` measures each cheat against the same run without it.
//!
//! # The radio model ([`radio`])
//! Log-distance path loss from the transmitter's true position with its real power and gain:
//! exponent 2.8, 1 m reference (so never less loss than free space), log-normal shadowing
//! σ = 2 dB clamped to ±6 dB and seeded by (seed, epoch, beaconer, receiver), readings clamped
//! 0.5 dB under the free-space maximum; heard at ≥ −125 dBm; SNR = RSSI + 120 dB clamped to
//! ±20 dB; channels 868.1/868.3/868.5 MHz with ±3 kHz witness error. Reference range (14 dBm,
//! 3 dBi both ends): ~11.6 km.
//!
//! Off-chain tooling: floats are used freely here (the chain's own checks are integer-only and
//! re-judge everything the fleet claims).

pub mod behavior;
pub mod cities;
pub mod fleet;
pub mod market;
pub mod placement;
pub mod radio;
pub mod report;
pub mod rng;
pub mod sim;

pub use behavior::Behavior;
pub use cities::{CitiesError, City};
pub use fleet::{ChainView, DeviceInfo, Fleet, FleetConfig, WormholeTactic};
pub use market::{Market, MarketConfig};
pub use radio::{Radio, RadioModel, Reading};
pub use report::EpochShares;
pub use sim::{Sim, SimConfig};
