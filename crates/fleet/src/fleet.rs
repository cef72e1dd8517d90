//! The fleet: keys, registrations, and the per-block radio work of every device.
//!
//! ```text
//! Fleet::new(cfg, cities, chain, maker, fees) ─▶ placement · keys · capabilities · accounts
//! Fleet::funding()                            ─▶ genesis allocations (owners + relay)
//! every block: Fleet::step(ChainView of the head) ─▶ signed transactions for the next block
//!   first call: one RegisterDevice and one Stake (its bond) per device, signed by its owner
//!   then, in the current epoch (windows from the epoch randomness):
//!     reveals due ─────────────────────────────────┐
//!     devices whose window holds the next block:   │
//!       transmit (nonce, channel) ─▶ radio model ─▶ witnesses of every receiver ─┤
//!                                                                              ├─▶ relay bundles
//!     replayers (mid-epoch): copies of old and already-included reports ─▶ their own bundles
//! ```
//! The fleet never reads chain state beyond [`ChainView`]: it is the same against the
//! in-process simulator ([`crate::sim`]) and, over HTTP, a real devnet (there [`Fleet::set_nonce`]
//! resynchronizes an account after a dropped transaction).
//!
//! Timing follows the duty schedule ([`terrane_pow::schedule`]): a device transmits once, in the
//! work phase of its window, while at least `witness_margin_blocks` blocks of that phase remain
//! after the block its witnesses are meant for (so witnesses delayed by a busy mempool still
//! land in the work phase). Its reveal is emitted when the head reaches the last work-phase
//! block, so it lands in the first block of the reveal phase, which leaves the whole grace
//! period for a delayed reveal to still count.

use crate::{
    behavior::Behavior,
    cities::City,
    placement::{Counts, Placed, place},
    radio::{Radio, RadioModel, Reading},
    rng::{SimRng, draw, stream},
};
use commonware_codec::{Encode, EncodeSize};
use commonware_cryptography::{Signer as _, ed25519};
use std::collections::BTreeMap;
use terrane_accounts::{msg::Transfer, params::AccountsParams};
use terrane_app::tx::{Payload, Transaction};
use terrane_coverage::radio::Band;
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS,
    msg::{Beacon, Witness, commitment},
    params::CoverageParams,
};
use terrane_devices::{
    msg::{Domains, RegisterDevice, maker_message, registration_message},
    types::Capabilities,
};
use terrane_geo::{
    H3Cell, distance_m,
    offchain::{cell_at, center, haversine_m},
};
use terrane_pow::{
    msg::{SubmitReports, sign},
    params::PowParams,
    schedule,
    types::{Report, SignedReport},
};
use terrane_primitives::{
    Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, Namespace, Nonce,
};
use terrane_staking::{msg::Stake, params::StakingParams, types::Target};

/// How many devices of each kind, and how they behave.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetConfig {
    /// Seed of every draw (placement, keys, radio noise, nonces).
    pub seed: u64,
    /// Cities to place devices in (population-weighted sample).
    pub cities: usize,
    /// Honest devices.
    pub honest: usize,
    /// Spoofers.
    pub spoofers: usize,
    /// Colluding rings.
    pub rings: usize,
    /// Devices per ring.
    pub ring_size: usize,
    /// Give every ring member its own owner account instead of one per ring (sybil owners).
    /// Not a default behaviour: it measures what the chain cannot see (see the crate docs).
    pub sybil_ring_owners: bool,
    /// With sybil owners: create them all with transfers from one funder account in the
    /// registration block (the cheap way, which the chain's funding graph links), instead of
    /// funding each at genesis (what the funding graph cannot see).
    pub sybil_funder: bool,
    /// Replayers.
    pub replayers: usize,
    /// Gain inflators.
    pub inflators: usize,
    /// Timing-clique members (see [`Behavior::Skewer`]).
    pub skewers: usize,
    /// Wormhole far-end devices (see [`Behavior::Wormhole`]), six per sniffer.
    pub wormholes: usize,
    /// How the wormholes play.
    pub wormhole_tactic: WormholeTactic,
    /// Whether the sniffers also rebroadcast the far ends' beacons in their cities.
    pub wormhole_both_ways: bool,
    /// How far from its sniffer each far end is, m (uniform in the range).
    pub wormhole_range_m: (f64, f64),
    /// The coverage rules the chain enforces, as an adaptive attacker knows them (they must be
    /// the simulated chain's).
    pub rules: CoverageParams,
    /// Skewers declare the truth and wormholes relay nothing: the same devices playing fair,
    /// the baseline for attacks whose devices also do real radio work.
    pub fair_play: bool,
    /// Work-phase blocks that must remain after the block a transmission's witnesses target
    /// (slack for witnesses that miss their block).
    pub witness_margin_blocks: u64,
    /// Blocks after the registrations were emitted before radio work starts.
    pub activation_delay_blocks: u64,
    /// Reports each replayer resubmits per epoch (half old, half already included).
    pub replays_per_epoch: usize,
    /// The radio model.
    pub radio: RadioModel,
    /// Genesis balance per device an owner registers, base units (covers the onboarding fee).
    pub owner_funding_per_device: Amount,
    /// What each owner bonds behind each device it registers, in the registration's block
    /// (an unbonded device earns nothing); zero registers without bonding. Owners are funded
    /// with it on top of `owner_funding_per_device`.
    pub device_bond: Amount,
    /// Genesis balance of the relay and of each replayer's owner beyond its device, base units
    /// (fees of report bundles).
    pub relay_funding: Amount,
    /// Largest encoded report bundle, bytes (below the chain's 128 KiB transaction limit).
    pub max_bundle_bytes: usize,
    /// The chain's nominal block interval, ms: beacon times are placed on it (see
    /// [`Fleet::step`]), so every process simulating the fleet agrees on them.
    pub nominal_block_ms: u64,
}

impl FleetConfig {
    /// The devnet default: 300 devices in 24 cities, 20 % of them cheaters of every kind.
    pub fn devnet(seed: u64) -> Self {
        Self {
            seed,
            cities: 24,
            honest: 240,
            spoofers: 20,
            rings: 4,
            ring_size: 4,
            sybil_ring_owners: false,
            sybil_funder: false,
            replayers: 12,
            inflators: 12,
            skewers: 0,
            wormholes: 0,
            wormhole_tactic: WormholeTactic::Adaptive,
            wormhole_both_ways: true,
            wormhole_range_m: (35_000.0, 80_000.0),
            rules: CoverageParams::default(),
            fair_play: false,
            witness_margin_blocks: 3,
            activation_delay_blocks: 1,
            replays_per_epoch: 16,
            radio: RadioModel::default(),
            owner_funding_per_device: Amount::new(100_000_000),
            device_bond: Amount::new(StakingParams::default().min_device_bond),
            relay_funding: Amount::new(10_000_000_000_000),
            max_bundle_bytes: 100_000,
            nominal_block_ms: 250,
        }
    }

    /// The same fleet with every cheater removed: identical honest devices (same keys,
    /// positions and radios), for comparing rewards against an honest-only model.
    pub fn without_cheaters(&self) -> Self {
        Self {
            spoofers: 0,
            rings: 0,
            replayers: 0,
            inflators: 0,
            skewers: 0,
            wormholes: 0,
            ..self.clone()
        }
    }

    /// Cheating devices.
    pub const fn cheaters(&self) -> usize {
        self.spoofers
            + self.rings * self.ring_size
            + self.replayers
            + self.inflators
            + self.skewers
            + self.wormholes
    }

    /// All devices.
    pub const fn devices(&self) -> usize {
        self.honest + self.cheaters()
    }
}

/// How a wormhole's relayed witnesses (and rebroadcast beacons) are shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WormholeTactic {
    /// The naive relay: every relayed witness reports 1 dB below the free-space maximum for
    /// the asserted distance, and the sniffer rebroadcasts at full power.
    FreeSpace,
    /// Just inside the rules: a relayed witness reports 1 dB below the chain's credible maximum
    /// (plus tolerance), and only when it is in range and a real witness of the beacon is
    /// nearer the beaconer and within the corroboration radius of it; the sniffer rebroadcasts
    /// just weak enough that every city device hearing it reads no more than the credible
    /// maximum for the far end's asserted distance.
    Adaptive,
}

/// What the fleet needs to know about the chain at its head (the last executed block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainView {
    /// The head's height (0 before the first block).
    pub height: Height,
    /// The head's timestamp, ms.
    pub timestamp_ms: u64,
    /// The head's epoch.
    pub epoch: Epoch,
    /// The first height of that epoch.
    pub epoch_start: Height,
    /// That epoch's randomness (schedules duty windows).
    pub epoch_randomness: Hash32,
    /// The timestamp of that epoch's first block, ms.
    pub epoch_start_timestamp_ms: u64,
    /// The timestamps of the blocks just before this epoch's work phases, for those that
    /// exist ([`ChainView::window_open_heights`]): beacons are timed from them, on the chain's
    /// clock, because the chain binds a beacon's declared time to its work phase.
    pub window_opened_ms: BTreeMap<Height, u64>,
    /// The framework parameters.
    pub pow: PowParams,
    /// The chain.
    pub chain: ChainId,
}

impl ChainView {
    /// The height of the block just before each work phase of the epoch starting at
    /// `epoch_start` (none for a phase starting at height 1), in window order.
    pub fn window_open_heights(epoch_start: Height, pow: &PowParams) -> Vec<Height> {
        (0..pow.windows_per_epoch)
            .filter_map(|w| {
                let (start, _) = schedule::window_bounds(
                    epoch_start,
                    pow.epoch_length_blocks,
                    pow.window_grace_blocks,
                    pow.windows_per_epoch,
                    w,
                );
                (start.get() > 1).then(|| Height::new(start.get() - 1))
            })
            .collect()
    }
}

/// One simulated device, as the outside world may inspect it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceInfo {
    /// Its key.
    pub id: DeviceId,
    /// What it does.
    pub behavior: Behavior,
    /// Its owner's account.
    pub owner: Address,
    /// The city it is in (index into the city list given to [`Fleet::new`]), if any.
    pub city: Option<usize>,
    /// Where it is, (lat, lng) degrees.
    pub true_position: (f64, f64),
    /// The cell it asserts (resolution 12).
    pub asserted_cell: H3Cell,
    /// Its radio as built.
    pub radio: Radio,
    /// The capabilities its registration claims.
    pub claimed: Capabilities,
    /// Its ring, for ring members.
    pub ring: Option<usize>,
    /// Its wormhole, for wormhole far ends.
    pub tunnel: Option<usize>,
}

struct Member {
    info: DeviceInfo,
    key: ed25519::PrivateKey,
    owner: usize,
    /// Other radio devices within hearing distance: (member index, true distance m).
    neighbours: Vec<(usize, f64)>,
}

/// A wormhole's receiver in a city: hears like a reference hotspot, is no device.
struct Sniffer {
    /// Radio devices within hearing distance: (member index, true distance m).
    neighbours: Vec<(usize, f64)>,
}

struct Account {
    key: ed25519::PrivateKey,
    address: Address,
    nonce: Nonce,
    funding: Amount,
}

struct EpochPlan {
    epoch: Epoch,
    start: Height,
    /// Per member: its window `[start, end)`.
    windows: Vec<(Height, Height)>,
    transmitted: Vec<bool>,
    replayed: Vec<bool>,
}

struct PendingReveal {
    member: usize,
    epoch: Epoch,
    /// Emit once the head reaches this height.
    due: Height,
    beacon: Beacon,
}

/// How far after its real transmission a skewer's declared beacon time is, ms: inside the
/// chain's beacon skew, and far enough that its clique's witnesses and honest ones tell no
/// one story (more than the 30 s witness delay apart), or the chain would count them all.
const SKEW_MS: u64 = 40_000;

/// Links longer than this are never heard (the longest mean range is ~16 km, shadowing
/// stretches it by at most 1.7×), m.
const HEARING_CUTOFF_M: f64 = 60_000.0;

/// A simulated fleet of coverage hotspots, honest and not.
pub struct Fleet {
    cfg: FleetConfig,
    chain: ChainId,
    report_namespace: Vec<u8>,
    domains: Domains,
    fee_params: AccountsParams,
    maker_key: ed25519::PrivateKey,
    cities: Vec<usize>,
    members: Vec<Member>,
    /// The wormholes' unregistered receivers, by tunnel.
    sniffers: Vec<Sniffer>,
    /// The sybil funder and the owner accounts it creates in the registration block.
    sybil_funding: Option<(usize, Vec<(usize, Amount)>)>,
    index: BTreeMap<DeviceId, usize>,
    accounts: Vec<Account>,
    relay: usize,
    registered_at: Option<Height>,
    plan: Option<EpochPlan>,
    reveals: Vec<PendingReveal>,
    /// Reports the fleet submitted in the previous epoch.
    log_previous: Vec<SignedReport>,
    /// Reports submitted in the current epoch, with the head height they were emitted at.
    log_current: Vec<(Height, SignedReport)>,
    /// When set, only these members' transactions are submitted (see [`Fleet::restrict_to`]).
    only: Option<std::collections::BTreeSet<usize>>,
}

fn key_of(seed: u64, name: &str, index: usize) -> ed25519::PrivateKey {
    ed25519::PrivateKey::from_seed(stream(seed, name, index as u64))
}

fn address_of(key: &ed25519::PrivateKey) -> Address {
    Address::from_slice(key.public_key().as_ref()).expect("ed25519 keys are 32 bytes")
}

fn device_of(key: &ed25519::PrivateKey) -> DeviceId {
    DeviceId::from_slice(key.public_key().as_ref()).expect("ed25519 keys are 32 bytes")
}

/// Antenna gains makers ship, tenths of dBi.
const GAINS_DBI_X10: [i16; 4] = [20, 30, 40, 50];
/// Conducted power of every hotspot (EU868 limit), tenths of dBm.
const TX_POWER_DBM_X10: i16 = 140;
/// What an inflator's maker attests, and what it claims, tenths of dBi.
const INFLATOR_TRUE_GAIN: i16 = 30;
const INFLATOR_CLAIMED_GAIN: i16 = 90;
/// A sniffer's receiver: a reference hotspot radio.
const SNIFFER_RADIO: Radio = Radio {
    tx_power_dbm_x10: TX_POWER_DBM_X10,
    antenna_gain_dbi_x10: 30,
    band: Band::Eu868,
};

impl Fleet {
    /// Places and keys the fleet for `chain`, attested by `maker` (which genesis must approve,
    /// see [`Fleet::maker`]), paying fees under `fee_params`.
    ///
    /// # Panics
    /// If `cities` has fewer populated cities than `cfg.cities`, or if no city is remote enough
    /// for a ring.
    pub fn new(
        cfg: FleetConfig,
        cities: &[City],
        chain: ChainId,
        maker: ed25519::PrivateKey,
        fee_params: AccountsParams,
    ) -> Self {
        let counts = Counts {
            cities: cfg.cities,
            honest: cfg.honest,
            spoofers: cfg.spoofers,
            rings: cfg.rings,
            ring_size: cfg.ring_size,
            replayers: cfg.replayers,
            inflators: cfg.inflators,
            skewers: cfg.skewers,
            wormholes: cfg.wormholes,
            wormhole_range_m: cfg.wormhole_range_m,
        };
        let (sampled, placed, sniffers) = place(cfg.seed, cities, &counts);
        let mut accounts = Vec::new();
        let mut ring_owner: Vec<Option<usize>> = vec![None; cfg.rings];
        let mut funder: Option<usize> = None;
        let mut fund_later: Vec<(usize, Amount)> = Vec::new();
        let mut members = Vec::with_capacity(placed.len());
        for p in &placed {
            let members_name = format!("device/{}", p.behavior.name());
            let key = key_of(cfg.seed, &members_name, p.index);
            let owner = match p.ring {
                Some(r) if !cfg.sybil_ring_owners => *ring_owner[r].get_or_insert_with(|| {
                    accounts.push(new_account(key_of(cfg.seed, "owner/ring-shared", r)));
                    accounts.len() - 1
                }),
                _ => {
                    let name = format!("owner/{}", p.behavior.name());
                    accounts.push(new_account(key_of(cfg.seed, &name, p.index)));
                    accounts.len() - 1
                }
            };
            let needs = cfg.owner_funding_per_device.saturating_add(cfg.device_bond);
            if p.ring.is_some() && cfg.sybil_ring_owners && cfg.sybil_funder {
                let f = *funder.get_or_insert_with(|| {
                    accounts.push(new_account(key_of(cfg.seed, "owner/sybil-funder", 0)));
                    accounts.len() - 1
                });
                // The funder pays the transfers' fees too.
                accounts[f].funding = accounts[f]
                    .funding
                    .saturating_add(needs)
                    .saturating_add(cfg.owner_funding_per_device);
                fund_later.push((owner, needs));
            } else {
                accounts[owner].funding = accounts[owner].funding.saturating_add(needs);
            }
            if p.behavior == Behavior::Replayer {
                accounts[owner].funding = accounts[owner].funding.saturating_add(cfg.relay_funding);
            }
            let (radio, claimed) = radio_of(cfg.seed, p);
            members.push(Member {
                info: DeviceInfo {
                    id: device_of(&key),
                    behavior: p.behavior,
                    owner: accounts[owner].address,
                    city: p.city,
                    true_position: p.true_position,
                    asserted_cell: cell_at(p.asserted_position.0, p.asserted_position.1, 12),
                    radio,
                    claimed,
                    ring: p.ring,
                    tunnel: p.tunnel,
                },
                key,
                owner,
                neighbours: Vec::new(),
            });
        }
        let mut relay = new_account(key_of(cfg.seed, "relay", 0));
        relay.funding = cfg.relay_funding;
        accounts.push(relay);
        let relay = accounts.len() - 1;
        link_neighbours(&mut members);
        let sniffers = sniffers
            .into_iter()
            .map(|position| Sniffer {
                neighbours: near(&members, position),
            })
            .collect();
        let index = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.info.id, i))
            .collect();
        Self {
            report_namespace: chain.namespace(Namespace::DeviceReport),
            domains: Domains::of(&chain),
            chain,
            fee_params,
            maker_key: maker,
            cities: sampled,
            members,
            sniffers,
            sybil_funding: funder.map(|f| (f, fund_later)),
            index,
            accounts,
            relay,
            registered_at: None,
            plan: None,
            reveals: Vec::new(),
            log_previous: Vec::new(),
            log_current: Vec::new(),
            only: None,
            cfg,
        }
    }

    /// Submits only the work of `devices` from now on, each device's reports paid for by its
    /// own owner instead of the shared relay. The whole fleet is still simulated (who hears
    /// whom, every beacon), and it is deterministic, so several processes each running a
    /// different part of one fleet together submit exactly what one process would: a device
    /// agent per device. Unknown devices are ignored; returns how many were selected.
    pub fn restrict_to(&mut self, devices: &[DeviceId]) -> usize {
        let set: std::collections::BTreeSet<usize> = devices
            .iter()
            .filter_map(|d| self.index.get(d).copied())
            .collect();
        let n = set.len();
        self.only = Some(set);
        n
    }

    /// The devices whose work this fleet submits (all, unless [`Fleet::restrict_to`]).
    pub fn submitted_devices(&self) -> Vec<DeviceId> {
        (0..self.members.len())
            .filter(|&m| self.submits(m))
            .map(|m| self.members[m].info.id)
            .collect()
    }

    fn submits(&self, member: usize) -> bool {
        self.only.as_ref().is_none_or(|s| s.contains(&member))
    }

    /// The configuration.
    pub fn config(&self) -> &FleetConfig {
        &self.cfg
    }

    /// Genesis allocations the fleet needs: every owner (onboarding fees; replayers' owners
    /// also pay their bundles' fees) and the relay account. Addresses are distinct.
    pub fn funding(&self) -> Vec<(Address, Amount)> {
        self.accounts
            .iter()
            .filter(|a| !a.funding.is_zero())
            .map(|a| (a.address, a.funding))
            .collect()
    }

    /// The maker key's address (genesis must list it as an approved maker).
    pub fn maker(&self) -> Address {
        address_of(&self.maker_key)
    }

    /// The relay account that submits the fleet's report bundles.
    pub fn relay(&self) -> Address {
        self.accounts[self.relay].address
    }

    /// Every device and its behaviour, in fleet order.
    pub fn devices(&self) -> Vec<(DeviceId, Behavior)> {
        self.members
            .iter()
            .map(|m| (m.info.id, m.info.behavior))
            .collect()
    }

    /// The behaviour of `device`, if it is in the fleet.
    pub fn behavior_of(&self, device: &DeviceId) -> Option<Behavior> {
        self.index
            .get(device)
            .map(|&m| self.members[m].info.behavior)
    }

    /// The details of `device`, if it is in the fleet.
    pub fn device(&self, device: &DeviceId) -> Option<&DeviceInfo> {
        self.index.get(device).map(|&m| &self.members[m].info)
    }

    /// Every device's details, in fleet order.
    pub fn device_info(&self) -> impl Iterator<Item = &DeviceInfo> {
        self.members.iter().map(|m| &m.info)
    }

    /// The cities devices were placed in (indices into the list given to [`Fleet::new`]).
    pub fn cities(&self) -> &[usize] {
        &self.cities
    }

    /// Skips registration: an earlier run registered the devices (at or before `height`), as
    /// when an agent restarts against a running chain.
    pub fn assume_registered(&mut self, height: Height) {
        self.registered_at = Some(height);
    }

    /// Every account the fleet signs with (owners and the relay).
    pub fn accounts(&self) -> Vec<Address> {
        self.accounts.iter().map(|a| a.address).collect()
    }

    /// Resynchronizes `account`'s next nonce (after a dropped or rejected transaction on a real
    /// network). Unknown accounts are ignored.
    pub fn set_nonce(&mut self, account: Address, nonce: Nonce) {
        if let Some(a) = self.accounts.iter_mut().find(|a| a.address == account) {
            a.nonce = nonce;
        }
    }

    /// The transactions (encoded, signed) to submit for the block after `view`'s head. Call it
    /// once per block, in height order.
    ///
    /// # Panics
    /// If `view` is for another chain.
    pub fn step(&mut self, view: &ChainView) -> Vec<Vec<u8>> {
        assert_eq!(view.chain, self.chain, "chain view of another chain");
        let mut txs = Vec::new();
        let Some(registered_at) = self.registered_at else {
            self.register(&mut txs);
            self.registered_at = Some(view.height);
            return txs;
        };
        if view.height.get() == 0
            || view.height.get() < registered_at.get() + self.cfg.activation_delay_blocks
        {
            return txs;
        }
        self.roll_epoch(view);
        let mut reports = self.due_reveals(view);
        self.transmit(view, &mut reports);
        // Only registered devices' reports are worth replaying (an inflator's never counted).
        for r in &reports {
            if self.behavior_of(&r.report.device) != Some(Behavior::GainInflator) {
                self.log_current.push((view.height, r.clone()));
            }
        }
        match self.only.clone() {
            None => {
                let relay = self.relay;
                self.bundles(relay, reports, &view.pow, &mut txs);
            }
            Some(only) => {
                // Each selected device's owner pays for its own reports.
                let mut by_owner: BTreeMap<usize, Vec<SignedReport>> = BTreeMap::new();
                for r in reports {
                    if let Some(&m) = self.index.get(&r.report.device)
                        && only.contains(&m)
                    {
                        by_owner.entry(self.members[m].owner).or_default().push(r);
                    }
                }
                for (owner, reports) in by_owner {
                    self.bundles(owner, reports, &view.pow, &mut txs);
                }
            }
        }
        self.replay(view, &mut txs);
        txs
    }

    fn register(&mut self, txs: &mut Vec<Vec<u8>>) {
        if let Some((funder, owners)) = self.sybil_funding.clone()
            && self.only.is_none()
        {
            for (owner, amount) in owners {
                let to = self.accounts[owner].address;
                txs.push(self.sign_tx(
                    funder,
                    Payload::Transfer(Transfer {
                        to,
                        amount,
                        memo: Vec::new(),
                    }),
                ));
            }
        }
        for m in 0..self.members.len() {
            if !self.submits(m) {
                continue;
            }
            let member = &self.members[m];
            let info = &member.info;
            let maker = address_of(&self.maker_key);
            // The maker attests what it built; an inflator claims more than that.
            let attested = info.radio.capabilities();
            let msg = RegisterDevice {
                device: info.id,
                capabilities: info.claimed,
                location: info.asserted_cell,
                maker,
                maker_signature: self
                    .maker_key
                    .sign(&self.domains.maker, &maker_message(&info.id, &attested)),
                device_signature: member.key.sign(
                    &self.domains.registration,
                    &registration_message(&info.owner, &info.id, info.asserted_cell, &maker),
                ),
            };
            let owner = member.owner;
            let device = info.id;
            txs.push(self.sign_tx(owner, Payload::RegisterDevice(msg)));
            if !self.cfg.device_bond.is_zero() {
                let bond = Stake {
                    target: Target::Device(device),
                    amount: self.cfg.device_bond,
                };
                txs.push(self.sign_tx(owner, Payload::Stake(bond)));
            }
        }
    }

    fn sign_tx(&mut self, account: usize, payload: Payload) -> Vec<u8> {
        let a = &mut self.accounts[account];
        sign_encoded(&self.chain, &self.fee_params, &a.key, &mut a.nonce, payload)
    }

    fn roll_epoch(&mut self, view: &ChainView) {
        if self.plan.as_ref().is_some_and(|p| p.epoch == view.epoch) {
            return;
        }
        let p = &view.pow;
        let windows = self
            .members
            .iter()
            .map(|m| {
                let w =
                    schedule::window_of(&view.epoch_randomness, &m.info.id, p.windows_per_epoch);
                schedule::window_bounds(
                    view.epoch_start,
                    p.epoch_length_blocks,
                    p.window_grace_blocks,
                    p.windows_per_epoch,
                    w,
                )
            })
            .collect();
        let n = self.members.len();
        self.plan = Some(EpochPlan {
            epoch: view.epoch,
            start: view.epoch_start,
            windows,
            transmitted: vec![false; n],
            replayed: vec![false; n],
        });
        self.reveals.retain(|r| r.epoch == view.epoch);
        self.log_previous = core::mem::take(&mut self.log_current)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
    }

    fn report(&self, member: usize, epoch: Epoch, kind: u8, payload: Vec<u8>) -> SignedReport {
        let m = &self.members[member];
        sign(
            &self.report_namespace,
            Report {
                device: m.info.id,
                epoch,
                class: terrane_coverage::CLASS,
                kind,
                payload,
            },
            &m.key,
        )
    }

    fn due_reveals(&mut self, view: &ChainView) -> Vec<SignedReport> {
        let (due, later): (Vec<_>, Vec<_>) = core::mem::take(&mut self.reveals)
            .into_iter()
            .partition(|r| r.due <= view.height);
        self.reveals = later;
        due.into_iter()
            .map(|r| self.report(r.member, r.epoch, KIND_BEACON, r.beacon.encode().to_vec()))
            .collect()
    }

    fn transmit(&mut self, view: &ChainView, reports: &mut Vec<SignedReport>) {
        let next = view.height.get() + 1;
        let margin = self.cfg.witness_margin_blocks;
        let plan = self.plan.as_ref().expect("rolled");
        let senders: Vec<usize> = (0..self.members.len())
            .filter(|&m| {
                let (start, end) = plan.windows[m];
                self.members[m].info.behavior.does_radio_work()
                    && !plan.transmitted[m]
                    && start.get() <= next
                    && next.saturating_add(margin) < end.get()
            })
            .collect();
        let seed = self.cfg.seed;
        for b in senders {
            let id = self.members[b].info.id;
            let e = view.epoch.get().to_be_bytes();
            let nonce_draw = draw("nonce", &[&seed.to_be_bytes(), &e, id.as_ref()]);
            let nonce: [u8; 16] = nonce_draw[..16].try_into().expect("16 bytes");
            let channels = &self.cfg.radio.channels_khz;
            let channel = channels[usize::from(nonce_draw[16]) % channels.len()];
            // Two nominal blocks after the block before the work phase, on the chain's clock:
            // the same in every process simulating this fleet, whenever each one noticed the
            // window opening, and inside the work phase however slowly blocks really come.
            // (Before that block exists, the nominal clock from the epoch's first block.)
            let window_start = self.plan.as_ref().expect("rolled").windows[b].0;
            let opened = Height::new(window_start.get().saturating_sub(1));
            let sent_ms = match view.window_opened_ms.get(&opened) {
                Some(&t) => t + 2 * self.cfg.nominal_block_ms,
                None => {
                    let offset_blocks = window_start.get().saturating_sub(view.epoch_start.get());
                    view.epoch_start_timestamp_ms + (offset_blocks + 1) * self.cfg.nominal_block_ms
                }
            };
            let skewer = !self.cfg.fair_play && self.members[b].info.behavior == Behavior::Skewer;
            let beacon = Beacon {
                nonce,
                frequency_khz: channel,
                timestamp_ms: if skewer { sent_ms + SKEW_MS } else { sent_ms },
            };
            let heard = self.receivers(b, view.epoch, channel);
            for &(w, reading) in &heard {
                // Fellow skewers are told the declared time; everyone else reports the time
                // they really heard the beacon.
                let told = skewer && self.members[w].info.behavior == Behavior::Skewer;
                let heard_ms = if told { beacon.timestamp_ms } else { sent_ms };
                reports.push(self.witness(b, w, view.epoch, &beacon, heard_ms, reading));
            }
            for (w, reading) in self.relayed(b, view.epoch, channel, &heard) {
                reports.push(self.witness(b, w, view.epoch, &beacon, sent_ms, reading));
            }
            // Emitted when the head is the last work-phase block: lands in the reveal phase.
            let end = self.plan.as_ref().expect("rolled").windows[b].1;
            self.reveals.push(PendingReveal {
                member: b,
                epoch: view.epoch,
                due: Height::new(end.get() - 1),
                beacon,
            });
            self.plan.as_mut().expect("rolled").transmitted[b] = true;
        }
    }

    /// Who reports hearing `b`'s beacon and what: real measurements from true positions, and
    /// for ring mates, readings fabricated for their asserted cells.
    fn receivers(&self, b: usize, epoch: Epoch, channel: u32) -> Vec<(usize, Reading)> {
        let model = &self.cfg.radio;
        let seed = self.cfg.seed;
        let beaconer = &self.members[b].info;
        let mut out = Vec::new();
        for &(w, true_m) in &self.members[b].neighbours {
            let wi = &self.members[w].info;
            let shadow = model.shadowing_db(seed, epoch, &beaconer.id, &wi.id);
            if beaconer.ring.is_some() && beaconer.ring == wi.ring {
                // Co-located: they "hear" each other at any power, and report what their
                // asserted cells would make plausible.
                let asserted_m =
                    haversine_m(center(beaconer.asserted_cell), center(wi.asserted_cell));
                let rssi = model
                    .rssi_dbm(&beaconer.radio, &wi.radio, asserted_m, channel, shadow)
                    .max(model.sensitivity_dbm);
                out.push((w, model.reading(rssi)));
            } else if let Some(r) =
                model.measure(&beaconer.radio, &wi.radio, true_m, channel, shadow)
            {
                out.push((w, r));
            }
        }
        out
    }

    /// The witnesses of `b`'s beacon the wormholes add to `real` (its true receivers): far ends
    /// reporting beacons their sniffer heard, and, for a far end's own beacon rebroadcast by
    /// its sniffer, the city devices that really hear the rebroadcast.
    fn relayed(
        &self,
        b: usize,
        epoch: Epoch,
        channel: u32,
        real: &[(usize, Reading)],
    ) -> Vec<(usize, Reading)> {
        let model = &self.cfg.radio;
        let beaconer = &self.members[b].info;
        let heard: std::collections::BTreeSet<usize> = real.iter().map(|r| r.0).collect();
        let mut out = Vec::new();
        if self.cfg.fair_play {
            return out;
        }
        for (t, sniffer) in self.sniffers.iter().enumerate() {
            if beaconer.tunnel == Some(t) {
                continue;
            }
            let Some(&(_, d)) = sniffer.neighbours.iter().find(|(m, _)| *m == b) else {
                continue;
            };
            if model
                .measure(&beaconer.radio, &SNIFFER_RADIO, d, channel, 0.0)
                .is_none()
            {
                continue;
            }
            for (f, m) in self.members.iter().enumerate() {
                if m.info.tunnel == Some(t)
                    && f != b
                    && !heard.contains(&f)
                    && let Some(r) = self.forged_reading(b, f, channel, real)
                {
                    out.push((f, r));
                }
            }
        }
        if let Some(t) = beaconer.tunnel
            && self.cfg.wormhole_both_ways
        {
            let hearers: Vec<(usize, f64)> = self.sniffers[t]
                .neighbours
                .iter()
                .filter(|(m, _)| *m != b && !heard.contains(m))
                .map(|&(m, d)| {
                    let rx = &self.members[m].info;
                    let shadow = model.shadowing_db(self.cfg.seed, epoch, &beaconer.id, &rx.id);
                    (
                        m,
                        model.rssi_dbm(&beaconer.radio, &rx.radio, d, channel, shadow),
                    )
                })
                .collect();
            let attenuation = match self.cfg.wormhole_tactic {
                WormholeTactic::FreeSpace => 0.0,
                WormholeTactic::Adaptive => hearers
                    .iter()
                    .filter(|(_, rssi)| model.hears(*rssi))
                    .filter_map(|&(m, rssi)| {
                        let cap = self.credible_max_x10(b, m, channel)?;
                        Some(rssi - (f64::from(cap) / 10.0 - 1.0))
                    })
                    .fold(0.0, f64::max),
            };
            for (m, rssi) in hearers {
                let weakened = rssi - attenuation;
                if model.hears(weakened) {
                    out.push((m, model.reading(weakened)));
                }
            }
        }
        out
    }

    /// The strongest reading the chain accepts from `w` of `b`'s beacon (its credible maximum
    /// plus tolerance), tenths of dBm; `None` outside the chain's witness distances.
    fn credible_max_x10(&self, b: usize, w: usize, channel: u32) -> Option<i32> {
        let rules = &self.cfg.rules;
        let (bi, wi) = (&self.members[b].info, &self.members[w].info);
        let d = distance_m(bi.asserted_cell, wi.asserted_cell)?;
        if d < rules.min_witness_distance_m || d > rules.max_witness_distance_m {
            return None;
        }
        let max = terrane_coverage::verify::accepted_rssi_centi_dbm(
            bi.radio.tx_power_dbm_x10,
            bi.radio.antenna_gain_dbi_x10,
            wi.radio.antenna_gain_dbi_x10,
            d,
            channel,
            rules,
        );
        Some(max.div_euclid(10))
    }

    /// What wormhole far end `f` reports for `b`'s relayed beacon, or `None` where the tactic
    /// holds back.
    fn forged_reading(
        &self,
        b: usize,
        f: usize,
        channel: u32,
        real: &[(usize, Reading)],
    ) -> Option<Reading> {
        let rules = &self.cfg.rules;
        let model = &self.cfg.radio;
        let (bi, fi) = (&self.members[b].info, &self.members[f].info);
        let d = distance_m(bi.asserted_cell, fi.asserted_cell)?;
        match self.cfg.wormhole_tactic {
            WormholeTactic::FreeSpace => {
                if d > rules.max_witness_distance_m {
                    return None;
                }
                let fs = model.free_space_rssi_dbm(&bi.radio, &fi.radio, f64::from(d), channel);
                Some(model.reading(fs - 1.0))
            }
            WormholeTactic::Adaptive => {
                let rssi_x10 = self.credible_max_x10(b, f, channel)? - 10;
                if rssi_x10 * 10 < rules.noise_floor_centi_dbm {
                    return None;
                }
                let radius = rules.corroboration_radius_m;
                let corroborated = d <= radius
                    || real.iter().any(|&(r, _)| {
                        let ri = &self.members[r].info;
                        ri.owner != fi.owner
                            && distance_m(bi.asserted_cell, ri.asserted_cell)
                                .is_some_and(|x| x <= d)
                            && distance_m(ri.asserted_cell, fi.asserted_cell)
                                .is_some_and(|x| x <= radius)
                    });
                corroborated.then(|| model.reading(f64::from(rssi_x10) / 10.0))
            }
        }
    }

    fn witness(
        &self,
        b: usize,
        w: usize,
        epoch: Epoch,
        beacon: &Beacon,
        heard_ms: u64,
        reading: Reading,
    ) -> SignedReport {
        let beaconer = self.members[b].info.id;
        let wid = self.members[w].info.id;
        let d = draw(
            "witness",
            &[
                &self.cfg.seed.to_be_bytes(),
                &epoch.get().to_be_bytes(),
                beaconer.as_ref(),
                wid.as_ref(),
            ],
        );
        let err = self.cfg.radio.frequency_error_khz;
        let offset = u32::from(u16::from_be_bytes([d[0], d[1]])) % (2 * err + 1);
        let delay_ms = 20 + u64::from(u16::from_be_bytes([d[2], d[3]])) % 480;
        let body = Witness {
            beaconer,
            commitment: commitment(&beaconer, &beacon.nonce),
            rssi_dbm_x10: reading.rssi_dbm_x10,
            snr_db_x10: reading.snr_db_x10,
            frequency_khz: beacon.frequency_khz + offset - err,
            timestamp_ms: heard_ms + delay_ms,
        };
        self.report(w, epoch, KIND_WITNESS, body.encode().to_vec())
    }

    fn bundles(
        &mut self,
        account: usize,
        reports: Vec<SignedReport>,
        pow: &PowParams,
        txs: &mut Vec<Vec<u8>>,
    ) {
        let max_reports = (pow.max_reports_per_bundle as usize).max(1);
        let mut bundle: Vec<SignedReport> = Vec::new();
        let mut bytes = 0;
        for r in reports {
            let size = r.encode_size();
            if !bundle.is_empty()
                && (bundle.len() >= max_reports || bytes + size > self.cfg.max_bundle_bytes)
            {
                let full = core::mem::take(&mut bundle);
                txs.push(self.sign_tx(
                    account,
                    Payload::SubmitReports(SubmitReports { reports: full }),
                ));
                bytes = 0;
            }
            bytes += size;
            bundle.push(r);
        }
        if !bundle.is_empty() {
            txs.push(self.sign_tx(
                account,
                Payload::SubmitReports(SubmitReports { reports: bundle }),
            ));
        }
    }

    /// Replayers act once per epoch, from its middle: copies of last epoch's reports (stale)
    /// and of this epoch's reports emitted at least two blocks ago (included, so duplicates).
    fn replay(&mut self, view: &ChainView, txs: &mut Vec<Vec<u8>>) {
        let plan = self.plan.as_ref().expect("rolled");
        let middle = plan.start.get() + view.pow.epoch_length_blocks / 2;
        if view.height.get() + 1 < middle {
            return;
        }
        let included: Vec<&SignedReport> = self
            .log_current
            .iter()
            .filter(|(h, _)| h.get() + 2 <= view.height.get())
            .map(|(_, r)| r)
            .collect();
        let half = self.cfg.replays_per_epoch.div_ceil(2);
        let mut work = Vec::new();
        for m in 0..self.members.len() {
            if self.members[m].info.behavior != Behavior::Replayer
                || plan.replayed[m]
                || !self.submits(m)
            {
                continue;
            }
            let name = format!("replay/{}", view.epoch.get());
            let mut rng = SimRng::new(stream(self.cfg.seed, &name, m as u64));
            let mut copies = Vec::new();
            for pool in [
                self.log_previous.iter().collect::<Vec<_>>(),
                included.clone(),
            ] {
                for _ in 0..half.min(pool.len()) {
                    copies.push(pool[rng.below(pool.len())].clone());
                }
            }
            work.push((m, copies));
        }
        for (m, copies) in work {
            self.plan.as_mut().expect("rolled").replayed[m] = true;
            if !copies.is_empty() {
                let owner = self.members[m].owner;
                self.bundles(owner, copies, &view.pow, txs);
            }
        }
    }
}

/// `payload` signed by `key` with nonce `*nonce` (then advanced) and the minimum fee under
/// `fees`, encoded for submission.
pub(crate) fn sign_encoded(
    chain: &ChainId,
    fees: &AccountsParams,
    key: &ed25519::PrivateKey,
    nonce: &mut Nonce,
    payload: Payload,
) -> Vec<u8> {
    let mut tx = Transaction {
        signer: address_of(key),
        nonce: *nonce,
        fee: Amount::ZERO,
        payload,
    };
    tx.fee = tx.min_fee(fees);
    *nonce = nonce.checked_next().expect("nonce below 2^64");
    tx.sign(key, chain).encode().to_vec()
}

fn new_account(key: ed25519::PrivateKey) -> Account {
    Account {
        address: address_of(&key),
        key,
        nonce: Nonce::new(0),
        funding: Amount::ZERO,
    }
}

/// The device's true radio and the capabilities it registers.
fn radio_of(seed: u64, p: &Placed) -> (Radio, Capabilities) {
    let mut rng = SimRng::new(stream(
        seed,
        &format!("radio/{}", p.behavior.name()),
        p.index as u64,
    ));
    let gain = if p.behavior == Behavior::GainInflator {
        INFLATOR_TRUE_GAIN
    } else {
        GAINS_DBI_X10[rng.below(GAINS_DBI_X10.len())]
    };
    let radio = Radio {
        tx_power_dbm_x10: TX_POWER_DBM_X10,
        antenna_gain_dbi_x10: gain,
        band: Band::Eu868,
    };
    let claimed = if p.behavior == Behavior::GainInflator {
        Radio {
            antenna_gain_dbi_x10: INFLATOR_CLAIMED_GAIN,
            ..radio
        }
        .capabilities()
    } else {
        radio.capabilities()
    };
    (radio, claimed)
}

/// Radio devices within hearing distance of `position`: (member index, true distance m).
fn near(members: &[Member], position: (f64, f64)) -> Vec<(usize, f64)> {
    members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.info.behavior.does_radio_work())
        .map(|(i, m)| (i, haversine_m(position, m.info.true_position)))
        .filter(|&(_, d)| d <= HEARING_CUTOFF_M)
        .collect()
}

fn link_neighbours(members: &mut [Member]) {
    let n = members.len();
    for a in 0..n {
        if !members[a].info.behavior.does_radio_work() {
            continue;
        }
        let mut list = Vec::new();
        for b in 0..n {
            if a == b || !members[b].info.behavior.does_radio_work() {
                continue;
            }
            let d = haversine_m(members[a].info.true_position, members[b].info.true_position);
            if d <= HEARING_CUTOFF_M {
                list.push((b, d));
            }
        }
        members[a].neighbours = list;
    }
}
