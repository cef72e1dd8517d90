//! A synthetic coverage network for the report and epoch-close benchmarks: honest hotspots in
//! towns, registered through real transactions, and the signed work one epoch of them produces.
//!
//! ```text
//! Network::new(hotspots, town_size)
//!   towns of `town_size` hotspots on a ring of 1.2-1.6 km radius (neighbours 0.7-3.2 km apart),
//!   towns ~30 km apart on a grid from 40°N 5°W; every hotspot its own owner account, one
//!   approved maker, one relay account that pays for the report bundles
//! registrations()      one RegisterDevice per hotspot: owner, device key and maker sign
//! bonds()              one Stake per hotspot: its owner's bond behind it
//! duties(epoch)        per hotspot: its duty window (from the epoch's randomness, which the
//!                      benchmark blocks fix in advance), its beacon, and as witnesses every
//!                      other hotspot of its town
//! witness / reveal     the signed reports, valid by every coverage rule: asserted cells
//!                      0.7-3.2 km apart, distinct owners, RSSI 8-20 dB under the free-space
//!                      budget, SNR = RSSI + 120 dB, frequency within 3 kHz of the beacon's,
//!                      heard 20-275 ms after it
//! bundle_txs           relay-signed SubmitReports of up to max_reports_per_bundle reports
//! ```
//! Witnesses belong in the beaconer's work phase, reveals in its reveal phase (see
//! `terrane_pow::schedule`); each benchmark places them in blocks accordingly. Keys derive
//! from public names: nothing here may hold value.
//!
//! Off-chain tooling: placement uses floats (the chain's checks are integer-only and re-judge
//! everything).

use crate::{BenchError, statedb, workload};
use commonware_codec::Encode;
use commonware_cryptography::ed25519;
use std::{num::NonZero, ops::Range};
use terrane_app::{
    BlockOutput, Executor, Genesis,
    events::EventKind,
    testkit::named_key,
    tx::{MAX_TX_BYTES, Payload, Transaction, encode_signed},
};
use terrane_coverage::radio::Band;
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS,
    msg::{Beacon, Witness, commitment},
};
use terrane_devices::{msg::Domains, testkit};
use terrane_geo::{
    DEVICE_RESOLUTION, H3Cell, distance_m, max_rssi_centi_dbm,
    offchain::{cell_at, offset},
};
use terrane_pow::events::PowEvent;
use terrane_pow::{
    msg::{SubmitReports, sign},
    schedule,
    types::{Report, SignedReport},
};
use terrane_primitives::{
    Address, Amount, ChainId, DeviceId, Epoch, Height, Namespace, Nonce, sha256,
};
use terrane_staking::{msg::Stake, types::Target};

/// Registrations per setup block (well inside the default block limits).
pub(crate) const REGISTRATIONS_PER_BLOCK: usize = 5_000;

/// Antenna gain every hotspot registers, tenths of dBi.
const GAIN_DBI_X10: i16 = 30;
/// Conducted transmit power every hotspot registers (the EU868 limit), tenths of dBm.
const TX_POWER_DBM_X10: i16 = 140;
/// The channels beacons go out on, kHz.
const CHANNELS_KHZ: [u32; 3] = [868_100, 868_300, 868_500];
/// Genesis balance of each owner: the onboarding fee, the registration's transaction fee with
/// room to spare, and the device's bond (an unbonded device earns nothing).
const OWNER_FUNDING: u64 = 100_000_000 + DEVICE_BOND;
/// What each owner bonds behind its hotspot: the default minimum.
const DEVICE_BOND: u64 = 100_000_000;
/// Genesis balance of the relay: the fees of every bundle a benchmark can submit.
const RELAY_FUNDING: u64 = 1_000_000_000_000_000;

/// One hotspot and its owner.
pub(crate) struct Hotspot {
    key: ed25519::PrivateKey,
    pub(crate) id: DeviceId,
    owner_key: ed25519::PrivateKey,
    pub(crate) owner: Address,
    cell: H3Cell,
}

/// A hotspot's work in one epoch: transmit a beacon in its window, be heard by its town.
pub(crate) struct Duty {
    /// Index of the beaconer in [`Network::hotspots`].
    pub(crate) beaconer: usize,
    /// Its window's work phase `[start, end)`; the reveal phase is `[end, end + grace)`.
    pub(crate) work: (Height, Height),
    /// What it transmitted (and reveals).
    beacon: Beacon,
    /// Indices of the hotspots that heard it.
    pub(crate) witnesses: Vec<usize>,
}

/// A report to sign: the index of the hotspot that signs it, and the report.
pub(crate) type Unsigned = (usize, Report);

/// The population, its chain, and the relay's nonce.
pub(crate) struct Network {
    pub(crate) executor: Executor,
    pub(crate) hotspots: Vec<Hotspot>,
    /// Each town's hotspots, as a range of indices.
    towns: Vec<Range<usize>>,
    maker: ed25519::PrivateKey,
    relay_key: ed25519::PrivateKey,
    relay: Address,
    relay_nonce: u64,
    report_namespace: Vec<u8>,
}

impl Network {
    /// `hotspots` hotspots in towns of `town_size` (a last town of one joins the one before,
    /// so every hotspot has a neighbour), on the benchmark chain with default parameters.
    ///
    /// # Panics
    /// If `hotspots` or `town_size` is below 2.
    #[cfg(test)]
    pub(crate) fn new(hotspots: usize, town_size: usize) -> Self {
        let pow = terrane_pow::params::PowParams::default();
        Self::with_epoch(
            hotspots,
            town_size,
            pow.epoch_length_blocks,
            pow.window_grace_blocks,
        )
    }

    /// As [`Network::new`], on a chain whose epochs last `epoch_blocks` blocks with
    /// `grace_blocks` of reveal phase at their end.
    ///
    /// # Panics
    /// If `hotspots` or `town_size` is below 2, or the epoch parameters are not valid.
    pub(crate) fn with_epoch(
        hotspots: usize,
        town_size: usize,
        epoch_blocks: u64,
        grace_blocks: u64,
    ) -> Self {
        Self::with_genesis(hotspots, town_size, epoch_blocks, grace_blocks, |_| {})
    }

    /// As [`Network::with_epoch`], with `tweak` applied to the genesis (more funded accounts,
    /// an oracle) before the chain is built.
    pub(crate) fn with_genesis(
        hotspots: usize,
        town_size: usize,
        epoch_blocks: u64,
        grace_blocks: u64,
        tweak: impl FnOnce(&mut Genesis),
    ) -> Self {
        assert!(hotspots >= 2 && town_size >= 2, "a town needs two hotspots");
        let mut towns: Vec<Range<usize>> = (0..hotspots.div_ceil(town_size))
            .map(|t| t * town_size..((t + 1) * town_size).min(hotspots))
            .collect();
        if towns.len() > 1 && towns.last().is_some_and(|t| t.len() == 1) {
            let last = towns.pop().expect("two towns");
            towns.last_mut().expect("one town").end = last.end;
        }
        // Towns on a square grid: ceil(sqrt(towns)) per row.
        let mut grid = towns.len().isqrt().max(1);
        if grid * grid < towns.len() {
            grid += 1;
        }
        let mut placement = Vec::with_capacity(hotspots);
        for (t, town) in towns.iter().enumerate() {
            // ~33 km between town centres: no town hears another's beacons in this model.
            let (lat, lng) = (
                40.0 + 0.3 * (t / grid) as f64,
                -5.0 + 0.4 * (t % grid) as f64,
            );
            let radius_m = 1_200.0 + 100.0 * (t % 5) as f64;
            for k in 0..town.len() {
                let angle = std::f64::consts::TAU * k as f64 / town.len() as f64 + 0.37 * t as f64;
                placement.push(offset(
                    lat,
                    lng,
                    radius_m * angle.cos(),
                    radius_m * angle.sin(),
                ));
            }
        }
        let indices: Vec<usize> = (0..hotspots).collect();
        let hotspots: Vec<Hotspot> = parallel_map(&indices, |&i| {
            let key = testkit::key(&format!("terrane-bench/hotspot/{i}"));
            let owner_key = named_key(&format!("terrane-bench/owner/{i}"));
            let (lat, lng) = placement[i];
            Hotspot {
                id: testkit::id_of(&key),
                owner: testkit::address_of(&owner_key),
                cell: cell_at(lat, lng, DEVICE_RESOLUTION),
                key,
                owner_key,
            }
        });
        let maker = testkit::key("terrane-bench/maker");
        let relay_key = named_key("terrane-bench/relay");
        let relay = testkit::address_of(&relay_key);
        let mut funding: Vec<(Address, Amount)> = hotspots
            .iter()
            .map(|h| (h.owner, Amount::new(OWNER_FUNDING)))
            .collect();
        funding.push((relay, Amount::new(RELAY_FUNDING)));
        let mut genesis = Genesis::for_tests(workload::CHAIN, &funding);
        genesis.makers = vec![testkit::address_of(&maker).to_string()];
        genesis.params.pow.epoch_length_blocks = epoch_blocks;
        genesis.params.pow.window_grace_blocks = grace_blocks;
        tweak(&mut genesis);
        genesis
            .params
            .pow
            .validate()
            .expect("benchmark epoch parameters are valid");
        let executor = Executor::new(genesis);
        Self {
            report_namespace: executor.chain_id().namespace(Namespace::DeviceReport),
            executor,
            hotspots,
            towns,
            maker,
            relay_key,
            relay,
            relay_nonce: 0,
        }
    }

    /// Towns in the network.
    pub(crate) fn towns(&self) -> usize {
        self.towns.len()
    }

    /// Every address that ever holds a balance: the owners, the relay and the treasury.
    pub(crate) fn holders(&self) -> Vec<Address> {
        let genesis = self.executor.genesis();
        self.hotspots
            .iter()
            .map(|h| h.owner)
            .chain([
                self.relay,
                genesis
                    .treasury()
                    .expect("a validated genesis has a treasury"),
            ])
            .collect()
    }

    /// The device-report signing namespace.
    pub(crate) fn report_namespace(&self) -> &[u8] {
        &self.report_namespace
    }

    /// The owner key of hotspot `i`.
    pub(crate) fn owner_key(&self, i: usize) -> &ed25519::PrivateKey {
        &self.hotspots[i].owner_key
    }

    fn chain(&self) -> &ChainId {
        self.executor.chain_id()
    }

    /// One signed RegisterDevice transaction per hotspot, in hotspot order (each owner's
    /// first transaction).
    pub(crate) fn registrations(&self) -> Vec<Vec<u8>> {
        let genesis = self.executor.genesis();
        let fees = genesis.params.accounts;
        let domains = Domains::of(self.chain());
        let capabilities =
            terrane_coverage::radio::capabilities(GAIN_DBI_X10, TX_POWER_DBM_X10, Band::Eu868);
        parallel_map(&self.hotspots, |h| {
            let msg = testkit::registration(
                &domains,
                &h.owner,
                &h.key,
                capabilities,
                h.cell,
                &self.maker,
            );
            let mut tx = Transaction {
                signer: h.owner,
                nonce: Nonce::new(0),
                fee: Amount::ZERO,
                payload: Payload::RegisterDevice(msg),
            };
            tx.fee = tx.min_fee(&fees);
            encode_signed(&tx.sign(&h.owner_key, self.chain())).to_vec()
        })
    }

    /// One signed Stake transaction per hotspot bonding it (each owner's second transaction,
    /// after its registration), in hotspot order.
    pub(crate) fn bonds(&self) -> Vec<Vec<u8>> {
        let fees = self.executor.genesis().params.accounts;
        let bond = Amount::new(DEVICE_BOND);
        parallel_map(&self.hotspots, |h| {
            let mut tx = Transaction {
                signer: h.owner,
                nonce: Nonce::new(1),
                fee: Amount::ZERO,
                payload: Payload::Stake(Stake {
                    target: Target::Device(h.id),
                    amount: bond,
                }),
            };
            tx.fee = tx.min_fee(&fees);
            encode_signed(&tx.sign(&h.owner_key, self.chain())).to_vec()
        })
    }

    /// Every hotspot's duty in `epoch`, in the order their work phases start (then hotspot
    /// order). The windows come from the randomness the benchmark gives `epoch`'s first block.
    pub(crate) fn duties(&self, epoch: Epoch) -> Vec<Duty> {
        let p = &self.executor.genesis().params.pow;
        let start = schedule::epoch_start(epoch, p.epoch_length_blocks);
        let randomness = statedb::randomness(start.get());
        let mut duties: Vec<Duty> = Vec::with_capacity(self.hotspots.len());
        for town in &self.towns {
            for b in town.clone() {
                let id = &self.hotspots[b].id;
                let window = schedule::window_of(&randomness, id, p.windows_per_epoch);
                let work = schedule::window_bounds(
                    start,
                    p.epoch_length_blocks,
                    p.window_grace_blocks,
                    p.windows_per_epoch,
                    window,
                );
                let draw = sha256(&[
                    b"terrane/bench/beacon",
                    &epoch.get().to_be_bytes(),
                    id.as_ref(),
                ]);
                let d = draw.as_bytes();
                duties.push(Duty {
                    beaconer: b,
                    work,
                    beacon: Beacon {
                        nonce: d[..16].try_into().expect("16 bytes"),
                        frequency_khz: CHANNELS_KHZ[usize::from(d[16]) % CHANNELS_KHZ.len()],
                        // Sent in the work phase's first block.
                        timestamp_ms: work.0.get() * statedb::BLOCK_MS + 250,
                    },
                    witnesses: town.clone().filter(|&w| w != b).collect(),
                });
            }
        }
        duties.sort_by_key(|d| (d.work.0, d.beaconer));
        duties
    }

    /// The witness report of `duty`'s beacon by hotspot `w`, for `epoch`.
    pub(crate) fn witness(&self, epoch: Epoch, duty: &Duty, w: usize) -> Unsigned {
        let (b, h) = (&self.hotspots[duty.beaconer], &self.hotspots[w]);
        let draw = sha256(&[b"terrane/bench/witness", b.id.as_ref(), h.id.as_ref()]);
        let d = draw.as_bytes();
        let distance = distance_m(h.cell, b.cell).expect("two resolution-12 cells");
        let frequency_khz = duty.beacon.frequency_khz + u32::from(d[0] % 7) - 3;
        let free_space = max_rssi_centi_dbm(
            i32::from(TX_POWER_DBM_X10) * 10,
            i32::from(GAIN_DBI_X10) * 10,
            i32::from(GAIN_DBI_X10) * 10,
            distance,
            frequency_khz,
        );
        // A real link loses more than free space: 8-20 dB more here. Rounded down to tenths,
        // so never above the budget.
        let excess_centi_db = 800 + i32::from(u16::from_be_bytes([d[1], d[2]]) % 1_201);
        let rssi_dbm_x10 = i16::try_from((free_space - excess_centi_db).div_euclid(10))
            .expect("a few-km link is within i16 tenths of a dBm");
        let body = Witness {
            beaconer: b.id,
            commitment: commitment(&b.id, &duty.beacon.nonce),
            rssi_dbm_x10,
            snr_db_x10: rssi_dbm_x10.saturating_add(1_200).clamp(-200, 200),
            frequency_khz,
            timestamp_ms: duty.beacon.timestamp_ms + 20 + u64::from(d[3]),
        };
        (
            w,
            self.report(w, epoch, KIND_WITNESS, body.encode().to_vec()),
        )
    }

    /// `duty`'s beacon reveal, for `epoch`.
    pub(crate) fn reveal(&self, epoch: Epoch, duty: &Duty) -> Unsigned {
        let payload = duty.beacon.encode().to_vec();
        (
            duty.beaconer,
            self.report(duty.beaconer, epoch, KIND_BEACON, payload),
        )
    }

    fn report(&self, device: usize, epoch: Epoch, kind: u8, payload: Vec<u8>) -> Report {
        Report {
            device: self.hotspots[device].id,
            epoch,
            class: terrane_coverage::CLASS,
            kind,
            payload,
        }
    }

    /// Signs `reports` with their hotspots' keys (on every core: none of it is timed).
    pub(crate) fn sign(&self, reports: &[Unsigned]) -> Vec<SignedReport> {
        parallel_map(reports, |(device, report)| {
            sign(
                &self.report_namespace,
                report.clone(),
                &self.hotspots[*device].key,
            )
        })
    }

    /// Relay-signed SubmitReports transactions carrying `reports` in order, in bundles of the
    /// chain's `max_reports_per_bundle`. Consumes relay nonces: submit the bundles in the
    /// order they were made.
    pub(crate) fn bundle_txs(
        &mut self,
        reports: &[SignedReport],
    ) -> Result<Vec<Vec<u8>>, BenchError> {
        let genesis = self.executor.genesis();
        let fees = genesis.params.accounts;
        let per_bundle = (genesis.params.pow.max_reports_per_bundle as usize).max(1);
        let mut bundles: Vec<(u64, &[SignedReport])> = Vec::new();
        for chunk in reports.chunks(per_bundle) {
            bundles.push((self.relay_nonce, chunk));
            self.relay_nonce += 1;
        }
        let txs = parallel_map(&bundles, |(nonce, chunk)| {
            let mut tx = Transaction {
                signer: self.relay,
                nonce: Nonce::new(*nonce),
                fee: Amount::ZERO,
                payload: Payload::SubmitReports(SubmitReports {
                    reports: chunk.to_vec(),
                }),
            };
            tx.fee = tx.min_fee(&fees);
            encode_signed(&tx.sign(&self.relay_key, self.chain())).to_vec()
        });
        if let Some(big) = txs.iter().find(|t| t.len() > MAX_TX_BYTES) {
            return Err(BenchError::Setup(format!(
                "a bundle of {per_bundle} reports encodes to {} bytes, over the {MAX_TX_BYTES}-byte \
                 transaction limit",
                big.len()
            )));
        }
        Ok(txs)
    }

    /// Most reports one bundle carries on this chain.
    pub(crate) fn max_reports_per_bundle(&self) -> usize {
        (self.executor.genesis().params.pow.max_reports_per_bundle as usize).max(1)
    }

    /// The chain's block limits: (transactions, transaction bytes).
    pub(crate) fn block_limits(&self) -> (usize, usize) {
        let limits = self.executor.genesis().params.block;
        (limits.max_txs as usize, limits.max_tx_bytes as usize)
    }

    /// Checks a block's transactions against the chain's block limits (which the node
    /// enforces before execution; the executor does not).
    pub(crate) fn check_block_limits(
        &self,
        height: u64,
        txs: &[Vec<u8>],
    ) -> Result<(), BenchError> {
        let limits = self.executor.genesis().params.block;
        let bytes: usize = txs.iter().map(Vec::len).sum();
        if txs.len() > limits.max_txs as usize || bytes > limits.max_tx_bytes as usize {
            return Err(BenchError::InvalidArgument(format!(
                "block {height} would hold {} transactions of {bytes} bytes, over the chain's \
                 limits of {} transactions and {} bytes: use fewer reports per block",
                txs.len(),
                limits.max_txs,
                limits.max_tx_bytes
            )));
        }
        Ok(())
    }
}

/// Checks that `output` judged exactly `reports`, in order, and accepted each one: code 0
/// (valid, or pending until the epoch closes) with its own device charged.
pub(crate) fn check_accepted(
    height: u64,
    output: &BlockOutput,
    reports: &[SignedReport],
) -> Result<(), BenchError> {
    let judged: Vec<_> = output
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Pow(PowEvent::ReportJudged {
                report_id,
                device,
                code,
                ..
            }) if e.tx.is_some() => Some((report_id, device, *code)),
            _ => None,
        })
        .collect();
    if judged.len() != reports.len() {
        return Err(BenchError::StateMismatch(format!(
            "block {height} judged {} reports, {} were submitted",
            judged.len(),
            reports.len()
        )));
    }
    for (index, (signed, (id, device, code))) in reports.iter().zip(judged).enumerate() {
        if code != 0 {
            return Err(BenchError::ReportRejected {
                height,
                index,
                code,
                name: terrane_app::outcome::lookup(code).map_or("unregistered", |i| i.name),
            });
        }
        if *id != signed.report.id() || *device != Some(signed.report.device) {
            return Err(BenchError::StateMismatch(format!(
                "block {height}: judgement {index} is of report {id} charged to {device:?}, \
                 expected report {} of device {}",
                signed.report.id(),
                signed.report.device
            )));
        }
    }
    Ok(())
}

/// `f` over `items` on every core, results in input order. For untimed setup (key generation,
/// signing): deterministic whatever the number of threads.
///
/// # Panics
/// If `f` panics.
pub(crate) fn parallel_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, NonZero::get);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a setup thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_coverage::{params::CoverageParams, verify::check_witness};
    use terrane_devices::types::{Device, DeviceStatus};

    fn device(n: &Network, i: usize) -> Device {
        let h = &n.hotspots[i];
        Device {
            id: h.id,
            owner: h.owner,
            capabilities: terrane_coverage::radio::capabilities(
                GAIN_DBI_X10,
                TX_POWER_DBM_X10,
                Band::Eu868,
            ),
            maker: testkit::address_of(&n.maker),
            location: h.cell,
            status: DeviceStatus::Active,
            registered_at: Height::new(2),
            registered_epoch: Epoch::new(0),
            relocations: 0,
            owner_slot: 0,
            cell_slot: 0,
            class_slot: 0,
            session_generation: 0,
        }
    }

    #[test]
    fn a_last_town_of_one_joins_the_town_before() {
        let n = Network::new(11, 5);
        assert_eq!(n.towns, vec![0..5, 5..11]);
        let n = Network::new(12, 5);
        assert_eq!(n.towns, vec![0..5, 5..10, 10..12]);
    }

    #[test]
    fn every_witness_passes_the_chains_arrival_checks() {
        let n = Network::new(40, 9);
        let params = CoverageParams::default();
        for duty in n.duties(Epoch::new(1)) {
            assert_eq!(duty.witnesses.len(), if duty.beaconer < 36 { 8 } else { 3 });
            for &w in &duty.witnesses {
                let (_, report) = n.witness(Epoch::new(1), &duty, w);
                let body = <Witness as commonware_codec::DecodeExt<()>>::decode(
                    bytes::Bytes::from(report.payload),
                )
                .unwrap();
                let (witness, beaconer) = (device(&n, w), device(&n, duty.beaconer));
                check_witness(&witness, &beaconer, &body, &params)
                    .unwrap_or_else(|j| panic!("witness {w} of {}: {j:?}", duty.beaconer));
            }
        }
    }
}
