//! Shared by the integration tests: a fake [`Backend`], a server on a real socket, a tiny
//! Server-Sent Events reader, and a validator for the OpenAPI document's schemas.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};
use terrane_client::sse::{SseMessage, SseParser};

use serde_json::{Value, json};
use terrane_api::{
    AccountView, ApiError, Backend, BlockId, BlockView, CellClassDensityView, CellDensityView,
    CellView, ChainEvent, ClassView, CreditAccountView, CreditsView, DEVICE_CLASSES,
    DeviceListView, DeviceOutcomesView, DeviceQuery, DeviceRewardsView, DeviceSummaryView,
    DeviceView, EpochId, EpochSummaryView, EpochView, OracleReportView, OutcomeView, PriceView,
    ProofStepView, ReportKindView, ReportOutcomeView, RewardLedgerView, RewardLineView,
    RewardProofView, SessionView, StateProofView, StatusView, TxInBlock, TxStatus, TxStatusView,
    TxSubmitted, hex,
};
use tokio::{net::TcpListener, sync::broadcast, sync::oneshot, task::JoinHandle};

/// Height of the fake chain's latest finalized block.
pub const LATEST_HEIGHT: u64 = 10;

/// A 64-hex-character constant as bytes.
pub fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

/// A transaction the fake backend already knows: submitting it is a 409.
pub const KNOWN_TX: &[u8] = b"known";

/// Reason code the fake backend uses for a stateful rejection.
pub const BAD_SIGNATURE_CODE: u16 = 13;

/// Blocks per reward epoch on the fake chain: epoch `e` is heights `4e + 1 ..= 4e + 4`.
pub const EPOCH_LENGTH_BLOCKS: u64 = 4;

/// The epoch of [`LATEST_HEIGHT`]: open. Every earlier epoch is closed.
pub const CURRENT_EPOCH: u64 = (LATEST_HEIGHT - 1) / EPOCH_LENGTH_BLOCKS;

/// Duty windows per epoch on the fake chain.
pub const WINDOWS_PER_EPOCH: u32 = 4;

/// The fake's coverage device, also the OpenAPI document's example device.
pub const DEVICE_A: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// The fake's storage device, owned by [`OWNER_A`] too, in the same resolution-8 cell.
pub const DEVICE_B: &str = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
/// The fake's deactivated coverage device, owned by someone else, in another cell.
pub const DEVICE_C: &str = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
/// Owner of devices A and B, also the OpenAPI document's example owner.
pub const OWNER_A: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
/// Owner of device C.
pub const OWNER_C: &str = "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c";

/// Resolution-12 cell of device A (San Francisco), the document's example cell.
pub const CELL_A: u64 = 0x08c2_8308_2805_2dff;
/// Resolution-12 cell of device B: a sibling of [`CELL_A`].
pub const CELL_B: u64 = 0x08c2_8308_2805_2bff;
/// Resolution-12 cell of device C: outside [`AREA_AB`].
pub const CELL_C: u64 = 0x08c2_8306_2805_2dff;
/// The resolution-8 cell holding devices A and B, the document's example `cell` filter.
pub const AREA_AB: u64 = 0x0882_8308_281f_ffff;

/// Coarsest cell resolution the fake (like the node) will search.
pub const COARSEST_SEARCH_RESOLUTION: u64 = 5;

/// Resolution the fake counts working devices at.
pub const DENSITY_RESOLUTION: u64 = 8;

/// Reason code the fake gives a witness heard from too far away.
pub const WITNESS_TOO_FAR_CODE: u16 = 305;

/// An in-memory stand-in for the node.
pub struct FakeBackend {
    /// Chain events; the test publishes on it.
    pub events: broadcast::Sender<ChainEvent>,
    /// Published right after each subscription is made, to overflow a small channel on purpose.
    pub prefill_on_subscribe: Vec<ChainEvent>,
    /// Every transaction `submit_tx` accepted, in order.
    pub submitted: Mutex<Vec<Vec<u8>>>,
    /// Returned by `block` instead of a block, to test pass-through of backend errors.
    pub block_error: Option<ApiError>,
    /// Every query `devices` received, in order.
    pub device_queries: Mutex<Vec<DeviceQuery>>,
    /// Every raw index `cell` received, in order.
    pub cells_asked: Mutex<Vec<u64>>,
}

impl FakeBackend {
    pub fn new() -> Self {
        Self::with_event_capacity(64)
    }

    pub fn with_event_capacity(capacity: usize) -> Self {
        Self {
            events: broadcast::channel(capacity).0,
            prefill_on_subscribe: Vec::new(),
            submitted: Mutex::new(Vec::new()),
            block_error: None,
            device_queries: Mutex::new(Vec::new()),
            cells_asked: Mutex::new(Vec::new()),
        }
    }
}

pub fn outcome(code: u16) -> OutcomeView {
    let (name, description) = match code {
        0 => ("ok", "The transaction executed."),
        7 => ("malformed", "The transaction could not be decoded."),
        9 => ("tx_too_large", "The transaction exceeds the size limit."),
        13 => ("bad_signature", "The signature does not verify."),
        _ => ("unassigned", "No such rule."),
    };
    OutcomeView {
        code,
        name: name.into(),
        description: description.into(),
    }
}

/// The fake's transaction hash: the bytes of `tx`, cycled to 32 bytes.
pub fn fake_hash(tx: &[u8]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = tx[i % tx.len()];
    }
    hash
}

pub fn block_view(height: u64) -> BlockView {
    BlockView {
        height,
        digest: hex::encode([height.to_le_bytes(), [1; 8], [2; 8], [3; 8]].concat()),
        parent: hex::encode([0xaa; 32]),
        timestamp_ms: 1_700_000_000_000 + height * 1_000,
        epoch: height / 100,
        view: height + 2,
        proposer: hex::encode([0xbb; 32]),
        header: hex::encode([0xab; 64]),
        state_root: hex::encode([0xcc; 32]),
        seed: height.is_multiple_of(2).then(|| hex::encode([0xdd; 48])),
        tx_count: 2,
        txs: vec![
            TxInBlock {
                hash: hex::encode([0x11; 32]),
                tx: hex::encode(b"tx one"),
                outcome: outcome(0),
            },
            TxInBlock {
                hash: hex::encode([0x22; 32]),
                tx: hex::encode(b"tx two"),
                outcome: outcome(BAD_SIGNATURE_CODE),
            },
        ],
        finalization: (height != LATEST_HEIGHT).then(|| hex::encode([0xee; 96])),
    }
}

pub fn block_event(height: u64) -> ChainEvent {
    ChainEvent::Block {
        height,
        digest: hex::encode([0x01; 32]),
        tx_count: 1,
        state_root: hex::encode([0x02; 32]),
        timestamp_ms: 1_700_000_000_000 + height,
    }
}

pub fn tx_outcome_event(height: u64, index: u32) -> ChainEvent {
    ChainEvent::TxOutcome {
        hash: hex::encode([0x03; 32]),
        height,
        index,
        code: 0,
        name: "ok".into(),
        charged: true,
    }
}

pub fn epoch_closed_event(epoch: u64) -> ChainEvent {
    let summary = epoch_summary(epoch);
    ChainEvent::EpochClosed {
        epoch,
        height: summary.closed_at,
        emission: summary.emission,
        distributed: summary.distributed.values().sum(),
        reward_root: summary.reward_root,
    }
}

/// A judged report: valid with a known device, or rejected with an unrecognized signer.
pub fn report_outcome_event(height: u64, device: Option<&str>) -> ChainEvent {
    let (code, name, units) = match device {
        Some(_) => (0, "ok", 1),
        None => (WITNESS_TOO_FAR_CODE, "witness_too_far", 0),
    };
    ChainEvent::ReportOutcome {
        report_id: hex::encode([0x5e; 32]),
        device: device.map(str::to_owned),
        height,
        code,
        name: name.into(),
        units,
    }
}

/// A registered device of the fake chain.
struct FakeDevice {
    id: [u8; 32],
    owner: [u8; 32],
    class: &'static str,
    location: u64,
    active: bool,
}

fn key(text: &str) -> [u8; 32] {
    hex::decode_array(text).unwrap()
}

fn fake_devices() -> [FakeDevice; 3] {
    [
        FakeDevice {
            id: key(DEVICE_A),
            owner: key(OWNER_A),
            class: "coverage",
            location: CELL_A,
            active: true,
        },
        FakeDevice {
            id: key(DEVICE_B),
            owner: key(OWNER_A),
            class: "storage",
            location: CELL_B,
            active: true,
        },
        FakeDevice {
            id: key(DEVICE_C),
            owner: key(OWNER_C),
            class: "coverage",
            location: CELL_C,
            active: false,
        },
    ]
}

fn find_device(id: &[u8; 32]) -> Option<FakeDevice> {
    fake_devices().into_iter().find(|device| &device.id == id)
}

impl FakeDevice {
    fn summary(&self) -> DeviceSummaryView {
        DeviceSummaryView {
            id: hex::encode(self.id),
            owner: hex::encode(self.owner),
            class: self.class.into(),
            location: cell_text(self.location),
            status: self.status().into(),
        }
    }

    fn status(&self) -> &'static str {
        if self.active { "active" } else { "deactivated" }
    }

    /// Whether it earned in closed epochs (the deactivated device never did).
    fn rewarded(&self) -> bool {
        self.active
    }

    fn capabilities(&self) -> Value {
        match self.class {
            "coverage" => json!({
                "antenna_gain_dbi_x10": 30,
                "tx_power_dbm_x10": 270,
                "band": "eu868",
            }),
            _ => json!({ "capacity_gib": 4096 }),
        }
    }

    fn ledger(&self) -> RewardLedgerView {
        let cumulative: u64 = (0..CURRENT_EPOCH)
            .filter(|_| self.rewarded())
            .map(|epoch| self.line(epoch).amount)
            .sum();
        let claimed = cumulative / 4;
        RewardLedgerView {
            cumulative,
            claimed,
            delegated: 0,
            claimable: cumulative - claimed,
            last_epoch: if self.rewarded() {
                CURRENT_EPOCH - 1
            } else {
                0
            },
        }
    }

    /// Its reward breakdown in closed `epoch`.
    fn line(&self, epoch: u64) -> RewardLineView {
        let units = 30 + epoch;
        let (cell_scale_ppm, reputation_ppm, vetting_ppm) =
            (1_000_000u32, 800_000u32, 1_000_000u32);
        let scaled_units = u128::from(units)
            * u128::from(cell_scale_ppm)
            * u128::from(reputation_ppm)
            * u128::from(vetting_ppm);
        let amount = 6_000 * units;
        RewardLineView {
            epoch,
            class: self.class.into(),
            units,
            cell_devices: 2,
            cell_scale_ppm,
            reputation_ppm,
            vetting_ppm,
            eligible: true,
            demand_cap: 0,
            backing_ppm: 1_000_000,
            scaled_units: scaled_units.to_string(),
            uncapped: amount,
            capped_by: "none".into(),
            amount,
            usage_credits: 0,
            usage_face: 0,
            usage_paid: 0,
            total: amount,
            leaf_index: Some(u32::from(self.class != "coverage")),
        }
    }

    /// The 134-byte reward leaf of `line` (layout in `docs/spec/api.md`).
    fn leaf(&self, line: &RewardLineView) -> Vec<u8> {
        let capped_by: u8 = match line.capped_by.as_str() {
            "none" => 0,
            "device" => 1,
            "cell" => 2,
            _ => 3,
        };
        let scaled_units: u128 = line.scaled_units.parse().unwrap();
        [
            &line.epoch.to_be_bytes()[..],
            &self.id,
            &line.units.to_be_bytes(),
            &line.cell_devices.to_be_bytes(),
            &line.cell_scale_ppm.to_be_bytes(),
            &line.reputation_ppm.to_be_bytes(),
            &line.vetting_ppm.to_be_bytes(),
            &[u8::from(line.eligible)],
            &line.demand_cap.to_be_bytes(),
            &line.backing_ppm.to_be_bytes(),
            &scaled_units.to_be_bytes(),
            &line.uncapped.to_be_bytes(),
            &[capped_by],
            &line.amount.to_be_bytes(),
            &line.usage_credits.to_be_bytes(),
            &line.usage_face.to_be_bytes(),
            &line.usage_paid.to_be_bytes(),
        ]
        .concat()
    }

    fn view(&self) -> DeviceView {
        DeviceView {
            id: hex::encode(self.id),
            owner: hex::encode(self.owner),
            class: self.class.into(),
            capabilities: self.capabilities(),
            maker: hex::encode([0x3a; 32]),
            location: cell_text(self.location),
            status: self.status().into(),
            registered_at: 2,
            registered_epoch: 0,
            relocations: 0,
            eligible_from: 0,
            reputation_ppm: 800_000,
            valid_reports: if self.active { 41 } else { 3 },
            invalid_reports: 2,
            rewards: self.ledger(),
            record: state_proof(0x10, &self.id, Some(&[self.id, self.owner].concat())),
        }
    }
}

/// A state record and a stand-in proof at the latest height. The key is a fake of
/// `SHA-256("terrane/state/v1" ‖ table ‖ key)`: the API only carries it.
fn state_proof(table: u8, logical_key: &[u8], value: Option<&[u8]>) -> StateProofView {
    let mut key = [table; 32];
    for (slot, byte) in key.iter_mut().skip(1).zip(logical_key) {
        *slot ^= byte;
    }
    StateProofView {
        height: LATEST_HEIGHT,
        state_root: hex::encode([0x49; 32]),
        key: hex::encode(key),
        value: value.map(hex::encode),
        proof: hex::encode([0x52; 80]),
    }
}

/// The API's spelling of an H3 cell.
pub fn cell_text(cell: u64) -> String {
    format!("{cell:015x}")
}

fn resolution(cell: u64) -> u64 {
    (cell >> 52) & 0xf
}

/// Digit `level` (1..=15) of an H3 index.
fn digit(cell: u64, level: u64) -> u64 {
    (cell >> ((15 - level) * 3)) & 0b111
}

/// A loose H3 cell check, as the node's library makes it: cell mode, no reserved bits, a base
/// cell in range, digits up to the resolution set and those below it unused (7).
pub fn is_cell(raw: u64) -> bool {
    let res = resolution(raw);
    raw >> 63 == 0
        && (raw >> 59) & 0xf == 1
        && (raw >> 56) & 0b111 == 0
        && (raw >> 45) & 0x7f < 122
        && (1..=15).all(|level| (digit(raw, level) == 7) == (level > res))
}

/// The ancestor of `cell` at resolution `res` (which must not be finer than the cell's).
fn parent(cell: u64, res: u64) -> u64 {
    let unused = (res + 1..=15).fold(0, |mask, level| mask | (0b111 << ((15 - level) * 3)));
    (cell & !(0xf << 52)) | (res << 52) | unused
}

fn contains(area: u64, cell: u64) -> bool {
    resolution(area) <= resolution(cell) && parent(cell, resolution(area)) == area
}

fn not_a_cell(raw: u64) -> ApiError {
    ApiError::malformed(format!("{raw:x} is not an H3 cell index"))
}

/// Emission of every fake epoch, base units.
const EMISSION: u64 = 1_000_000;

fn epoch_start_height(epoch: u64) -> u64 {
    epoch * EPOCH_LENGTH_BLOCKS + 1
}

fn reward_root(epoch: u64) -> [u8; 32] {
    [0x70 ^ epoch.to_le_bytes()[0]; 32]
}

fn class_amounts(coverage: u64, storage: u64) -> std::collections::BTreeMap<String, u64> {
    DEVICE_CLASSES
        .into_iter()
        .zip([coverage, storage, 0, 0, 0])
        .map(|(class, amount)| (class.to_owned(), amount))
        .collect()
}

/// The summary of closed `epoch`.
fn epoch_summary(epoch: u64) -> EpochSummaryView {
    let paid: Vec<RewardLineView> = fake_devices()
        .iter()
        .filter(|device| device.rewarded())
        .map(|device| device.line(epoch))
        .collect();
    let coverage = paid[0].amount;
    let storage = paid[1].amount;
    EpochSummaryView {
        emission: EMISSION,
        pools: class_amounts(EMISSION * 6 / 10, EMISSION * 2 / 10),
        distributed: class_amounts(coverage, storage),
        dust: 3,
        not_issued: EMISSION - coverage - storage - 3,
        reward_root: hex::encode(reward_root(epoch)),
        devices: 2,
        rewarded: 2,
        closed_at: epoch_start_height(epoch + 1),
        validators: 0,
        economy: terrane_api::EconomyView {
            base_emission: EMISSION,
            reminted: 0,
            price: 1_000_000,
            usage_credits: 0,
            usage_face: 0,
            usage_fee: 0,
            usage_cap: EMISSION / 2,
            usage_paid: 0,
            usage_dust: 0,
            usage_cut: 0,
            subsidy_floor: EMISSION,
            subsidy_bound: EMISSION,
            subsidy: EMISSION,
            bound_not_issued: 0,
        },
    }
}

/// The encoded summary record (layout of the rewards module's `EpochSummary`).
fn summary_record(summary: &EpochSummaryView) -> Vec<u8> {
    let mut out = summary.emission.to_be_bytes().to_vec();
    for amounts in [&summary.pools, &summary.distributed] {
        for class in DEVICE_CLASSES {
            out.extend(amounts[class].to_be_bytes());
        }
    }
    out.extend(summary.dust.to_be_bytes());
    out.extend(summary.not_issued.to_be_bytes());
    out.extend(hex::decode(&summary.reward_root).unwrap());
    out.extend(summary.devices.to_be_bytes());
    out.extend(summary.rewarded.to_be_bytes());
    out.extend(summary.closed_at.to_be_bytes());
    let e = &summary.economy;
    for v in [
        e.base_emission,
        e.reminted,
        e.price,
        e.usage_credits,
        e.usage_face,
        e.usage_fee,
        e.usage_cap,
        e.usage_paid,
        e.usage_dust,
        e.usage_cut,
        e.subsidy_floor,
        e.subsidy_bound,
        e.subsidy,
        e.bound_not_issued,
    ] {
        out.extend(v.to_be_bytes());
    }
    out.extend(summary.validators.to_be_bytes());
    out
}

/// The fake's slashes, both against [`DEVICE_A`] and reported by [`OWNER_C`]: slash 1, an
/// equivocation filed in epoch 0 and executed at the close of epoch 1 (5 % of the device's
/// 150 TRN pool: 7.5 TRN, 10 % of it the bounty, the rest burned); slash 2, missed duties in
/// epochs 0 and 1, filed in the current epoch and pending until the close of the next.
pub const SLASHES: u64 = 2;

/// The slash bounty the fake's executed slash paid, base units.
pub const SLASH_BOUNTY: u64 = 750_000;

fn slash_outcome(code: u16) -> OutcomeView {
    let (name, description) = match code {
        1150 => (
            "device_equivocation",
            "The device signed two different reports for one duty.",
        ),
        1152 => (
            "missed_duties",
            "The device missed its duties in too many epochs.",
        ),
        _ => ("unassigned", "No such rule."),
    };
    OutcomeView {
        code,
        name: name.into(),
        description: description.into(),
    }
}

/// Slash `id` of the fake chain ([`SLASHES`]).
pub fn fake_slash(id: u64) -> Option<terrane_api::SlashView> {
    let device = DEVICE_A.to_owned();
    let (reason, status, fraction_bps, offence_epoch, filed_height, due_epoch, slashed, evidence) =
        match id {
            1 => (
                1150,
                "executed",
                500,
                0,
                3,
                1,
                7_500_000,
                terrane_api::EvidenceView::DeviceEquivocation {
                    device: device.clone(),
                    epoch: 0,
                    first: "a1".repeat(40),
                    second: "b2".repeat(40),
                },
            ),
            2 => (
                1152,
                "pending",
                100,
                1,
                LATEST_HEIGHT - 1,
                CURRENT_EPOCH + 1,
                0,
                terrane_api::EvidenceView::MissedDuties {
                    device: device.clone(),
                    epochs: vec![0, 1],
                },
            ),
            _ => return None,
        };
    let bounty = if slashed == 0 { 0 } else { SLASH_BOUNTY };
    Some(terrane_api::SlashView {
        id,
        kind: "device".to_owned(),
        target: device,
        reason: slash_outcome(reason),
        status: status.to_owned(),
        ended_by: None,
        fraction_bps,
        reporter: OWNER_C.to_owned(),
        offence_epoch,
        filed_height,
        filed_epoch: (filed_height - 1) / EPOCH_LENGTH_BLOCKS,
        due_epoch,
        appeals: 0,
        slashed,
        bounty,
        burned: slashed - bounty,
        evidence,
        height: LATEST_HEIGHT,
        state_root: "00".repeat(32),
        key: "44".repeat(32),
        value: "55".repeat(8),
        proof: "66".repeat(8),
    })
}

/// The notice the fake's maintenance parameters ask, blocks.
pub const MAINTENANCE_NOTICE_BLOCKS: u64 = 6;
/// The fake's rationing period, epochs: each allows 10 epochs of rest in at most 4 windows.
pub const MAINTENANCE_PERIOD_EPOCHS: u64 = 100;

/// The first epoch a window declared in the block after [`LATEST_HEIGHT`] may start at on
/// the fake chain: its first block `5 * 4 = 20` is the first multiple of the epoch length at
/// least [`MAINTENANCE_NOTICE_BLOCKS`] after block 11.
pub const MAINTENANCE_EARLIEST_START: u64 = 5;

fn maintenance_record(value: Option<String>) -> StateProofView {
    StateProofView {
        height: LATEST_HEIGHT,
        state_root: "00".repeat(32),
        key: "a0".repeat(32),
        value,
        proof: "77".repeat(8),
    }
}

/// The fake's maintenance parameters view.
pub fn fake_maintenance_params() -> terrane_api::MaintenanceParamsView {
    terrane_api::MaintenanceParamsView {
        height: LATEST_HEIGHT,
        epoch: CURRENT_EPOCH,
        epoch_length_blocks: EPOCH_LENGTH_BLOCKS,
        notice_blocks: MAINTENANCE_NOTICE_BLOCKS,
        period_epochs: MAINTENANCE_PERIOD_EPOCHS,
        epochs_per_period: 10,
        windows_per_period: 4,
        earliest_start_epoch: MAINTENANCE_EARLIEST_START,
        latest_start_epoch: CURRENT_EPOCH + MAINTENANCE_PERIOD_EPOCHS,
        record: maintenance_record(Some("a1".repeat(24))),
    }
}

/// Device `id`'s windows on the fake chain: [`DEVICE_A`] declared one that is past (epoch
/// 0), one active now (epochs 2 and 3) and one upcoming (epoch 5); every other registered
/// device none (an exclusion proof); an unregistered id has no view.
pub fn fake_maintenance(id: &[u8; 32]) -> Option<terrane_api::MaintenanceView> {
    find_device(id)?;
    let window = |start: u64, epochs: u32, declared_at: u64, status: &str| {
        terrane_api::MaintenanceWindowView {
            start,
            epochs,
            end: start + u64::from(epochs),
            declared_at,
            status: status.to_owned(),
        }
    };
    let windows = if *id == key(DEVICE_A) {
        vec![
            window(0, 1, 0, "past"),
            window(2, 2, 1, "active"),
            window(5, 1, 9, "upcoming"),
        ]
    } else {
        Vec::new()
    };
    let epochs_used: u64 = windows.iter().map(|w| u64::from(w.epochs)).sum();
    let period =
        |index: u64, epochs_used: u64, windows_used: u32| terrane_api::MaintenancePeriodView {
            index,
            first_epoch: index * MAINTENANCE_PERIOD_EPOCHS,
            end_epoch: (index + 1) * MAINTENANCE_PERIOD_EPOCHS,
            epochs_used,
            epochs_allowed: 10,
            windows_used,
            windows_allowed: 4,
        };
    Some(terrane_api::MaintenanceView {
        device: hex::encode(id),
        height: LATEST_HEIGHT,
        epoch: CURRENT_EPOCH,
        notice_blocks: MAINTENANCE_NOTICE_BLOCKS,
        period_epochs: MAINTENANCE_PERIOD_EPOCHS,
        earliest_start_epoch: MAINTENANCE_EARLIEST_START,
        latest_start_epoch: CURRENT_EPOCH + MAINTENANCE_PERIOD_EPOCHS,
        period: period(0, epochs_used, u32::try_from(windows.len()).unwrap()),
        next_period: period(1, 0, 0),
        record: maintenance_record((!windows.is_empty()).then(|| "a2".repeat(24))),
        windows,
    })
}

/// What a target's list shows of a slash.
pub fn slash_summary(s: &terrane_api::SlashView) -> terrane_api::SlashSummaryView {
    terrane_api::SlashSummaryView {
        id: s.id,
        reason: s.reason.clone(),
        status: s.status.clone(),
        ended_by: s.ended_by.clone(),
        fraction_bps: s.fraction_bps,
        reporter: s.reporter.clone(),
        offence_epoch: s.offence_epoch,
        filed_epoch: s.filed_epoch,
        due_epoch: s.due_epoch,
        slashed: s.slashed,
        bounty: s.bounty,
        burned: s.burned,
    }
}

impl Backend for FakeBackend {
    async fn status(&self) -> Result<StatusView, ApiError> {
        Ok(StatusView {
            chain_id: "terrane-test".into(),
            genesis_hash: hex::encode([0x47; 32]),
            finalized_height: LATEST_HEIGHT,
            finalized_block: hex::encode([0x48; 32]),
            state_root: hex::encode([0x49; 32]),
            peers: 3,
            validators: 4,
            mempool_size: 0,
            network_identity: hex::encode([0x4a; 96]),
        })
    }

    async fn submit_tx(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        if tx == KNOWN_TX {
            return Err(ApiError::conflict(
                0,
                "already_known",
                "transaction already known",
            ));
        }
        if tx.first() == Some(&0xff) {
            return Err(ApiError::bad_request(
                BAD_SIGNATURE_CODE,
                "bad_signature",
                "the signature does not verify",
            ));
        }
        let hash = hex::encode(fake_hash(&tx));
        self.submitted.lock().unwrap().push(tx);
        Ok(TxSubmitted { hash })
    }

    /// Hash first byte 0: unknown; 1: pending; anything else: included at height 5.
    async fn tx(&self, hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        let (status, height, index, outcome) = match hash[0] {
            0 => (TxStatus::Unknown, None, None, None),
            1 => (TxStatus::Pending, None, None, None),
            _ => (TxStatus::Included, Some(5), Some(1), Some(outcome(0))),
        };
        Ok(TxStatusView {
            hash: hex::encode(hash),
            status,
            height,
            index,
            outcome,
        })
    }

    /// Hash first byte 0 or 1 (unknown, pending): no receipt; anything else: a receipt.
    async fn receipt(&self, hash: [u8; 32]) -> Result<Option<StateProofView>, ApiError> {
        Ok((hash[0] > 1).then(|| StateProofView {
            height: LATEST_HEIGHT,
            state_root: hex::encode([0xcc; 32]),
            key: hex::encode([0x44; 32]),
            value: Some(hex::encode([0; 14])),
            proof: hex::encode([0x55; 40]),
        }))
    }

    /// Address first byte 0: no record (exclusion proof); anything else: a funded account.
    async fn account(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        let exists = address[0] != 0;
        Ok(AccountView {
            address: hex::encode(address),
            balance: if exists { 1_000 } else { 0 },
            nonce: if exists { 4 } else { 0 },
            height: LATEST_HEIGHT,
            state_root: hex::encode([0x49; 32]),
            key: hex::encode([0x50; 32]),
            value: exists.then(|| hex::encode([0x51; 16])),
            proof: hex::encode([0x52; 64]),
        })
    }

    async fn block(&self, id: BlockId) -> Result<Option<BlockView>, ApiError> {
        if let Some(error) = &self.block_error {
            return Err(error.clone());
        }
        Ok(match id {
            BlockId::Latest => Some(block_view(LATEST_HEIGHT)),
            BlockId::Height(height) if height <= LATEST_HEIGHT => Some(block_view(height)),
            BlockId::Height(_) => None,
        })
    }

    async fn device(&self, id: [u8; 32]) -> Result<Option<DeviceView>, ApiError> {
        Ok(find_device(&id).map(|device| device.view()))
    }

    async fn devices(&self, query: DeviceQuery) -> Result<DeviceListView, ApiError> {
        self.device_queries.lock().unwrap().push(query.clone());
        if let Some(cell) = query.cell
            && !is_cell(cell)
        {
            return Err(not_a_cell(cell));
        }
        let matching: Vec<DeviceSummaryView> = fake_devices()
            .iter()
            .filter(|device| {
                query.owner.is_none_or(|owner| owner == device.owner)
                    && query
                        .cell
                        .is_none_or(|cell| contains(cell, device.location))
                    && query
                        .class
                        .as_deref()
                        .is_none_or(|class| class == device.class)
            })
            .map(FakeDevice::summary)
            .collect();
        let start = usize::try_from(query.cursor).unwrap().min(matching.len());
        let end = (start + usize::try_from(query.limit).unwrap()).min(matching.len());
        Ok(DeviceListView {
            total: u32::try_from(matching.len()).unwrap(),
            next_cursor: (end < matching.len()).then(|| u32::try_from(end).unwrap()),
            devices: matching[start..end].to_vec(),
        })
    }

    async fn device_outcomes(&self, id: [u8; 32]) -> Result<Option<DeviceOutcomesView>, ApiError> {
        Ok(find_device(&id).map(|device| {
            let (valid, rejected) = match device.class {
                "coverage" => ("beacon", "witness"),
                _ => ("report", "report"),
            };
            DeviceOutcomesView {
                device: hex::encode(device.id),
                outcomes: vec![
                    ReportOutcomeView {
                        report_id: hex::encode([0x5f; 32]),
                        height: LATEST_HEIGHT,
                        epoch: CURRENT_EPOCH,
                        kind: valid.into(),
                        code: 0,
                        name: "ok".into(),
                        units: 1,
                    },
                    ReportOutcomeView {
                        report_id: hex::encode([0x5e; 32]),
                        height: LATEST_HEIGHT - 3,
                        epoch: CURRENT_EPOCH - 1,
                        kind: rejected.into(),
                        code: WITNESS_TOO_FAR_CODE,
                        name: "witness_too_far".into(),
                        units: 0,
                    },
                ],
            }
        }))
    }

    async fn device_rewards(&self, id: [u8; 32]) -> Result<Option<DeviceRewardsView>, ApiError> {
        Ok(find_device(&id).map(|device| DeviceRewardsView {
            device: hex::encode(device.id),
            ledger: device.ledger(),
            lines: (0..CURRENT_EPOCH)
                .rev()
                .filter(|_| device.rewarded())
                .map(|epoch| device.line(epoch))
                .collect(),
        }))
    }

    /// Lines exist for the two active devices in every closed epoch.
    async fn reward_proof(
        &self,
        id: [u8; 32],
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ApiError> {
        let Some(device) = find_device(&id).filter(FakeDevice::rewarded) else {
            return Ok(None);
        };
        if epoch >= CURRENT_EPOCH {
            return Ok(None);
        }
        let line = device.line(epoch);
        let summary = epoch_summary(epoch);
        // Two leaves: the one sibling is the other device's leaf hash.
        let side = if line.leaf_index == Some(0) {
            "right"
        } else {
            "left"
        };
        Ok(Some(RewardProofView {
            epoch,
            device: hex::encode(device.id),
            leaf: hex::encode(device.leaf(&line)),
            line,
            path: vec![ProofStepView {
                sibling: hex::encode([0x6b; 32]),
                side: side.into(),
            }],
            reward_root: summary.reward_root.clone(),
            summary: state_proof(0x30, &epoch.to_be_bytes(), Some(&summary_record(&summary))),
        }))
    }

    async fn price(&self) -> Result<PriceView, ApiError> {
        Ok(PriceView {
            price: Some(2_500_000),
            at_ms: 1_000_000,
            fresh_reports: 1,
            min_fresh_reports: 1,
            max_report_age_ms: 600_000,
            reports: vec![OracleReportView {
                oracle: OWNER_A.to_owned(),
                price: 2_500_000,
                timestamp_ms: 999_000,
                height: 7,
                fresh: true,
            }],
        })
    }

    async fn credits(&self) -> Result<CreditsView, ApiError> {
        Ok(CreditsView {
            height: 7,
            micro_usd_per_credit: 10,
            price: Some(2_500_000),
            credits_per_trn: Some(250_000),
            bytes_per_credit: 24,
            trn_burned: 4_000_000,
            minted: 1_000_000,
            spent: 2_000,
            balances: 990_000,
            escrowed: 8_000,
            outstanding: 998_000,
            escrows_open: 1,
        })
    }

    async fn credit_account(&self, address: [u8; 32]) -> Result<CreditAccountView, ApiError> {
        Ok(CreditAccountView {
            address: hex::encode(address),
            balance: 990_000,
            sessions: self.session(1).await?.into_iter().collect(),
            height: 7,
            state_root: "00".repeat(32),
            key: "11".repeat(32),
            value: Some("00000000000f1b30".to_owned()),
            proof: "22".repeat(8),
        })
    }

    async fn staking(&self) -> Result<terrane_api::StakingView, ApiError> {
        Ok(terrane_api::StakingView {
            height: LATEST_HEIGHT,
            bonded: 20_000_000_000,
            unbonding: 5_000_000,
            rewards_owed: 1_000,
            rewards_distributed: 9_000,
            slashed: 0,
            pools: 2,
            min_device_bond: 100_000_000,
            min_validator_bond: 10_000_000_000,
            unbonding_epochs: 7,
            max_commission_bps: 5_000,
            validators: vec![terrane_api::ValidatorStakeView {
                address: OWNER_C.to_owned(),
                bonded: true,
                operator_stake: 10_000_000_000,
                total: 19_900_000_000,
            }],
        })
    }

    async fn stake_pool(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<Option<terrane_api::StakePoolView>, ApiError> {
        // Every target has a pool operated by owner A with one delegation, except validator
        // OWNER_C, on which nothing is staked.
        Ok(
            (target != terrane_api::StakeTarget::Validator(hex32(OWNER_C))).then(|| {
                terrane_api::StakePoolView {
                    kind: target.kind().to_owned(),
                    target: hex::encode(target.id()),
                    operator: OWNER_A.to_owned(),
                    bonded: true,
                    min_bond: 100_000_000,
                    total: 150_000_000,
                    operator_stake: 100_000_000,
                    delegated: 50_000_000,
                    unbonding: 0,
                    slashed: 0,
                    commission_bps: 1_000,
                    next_commission_bps: 1_000,
                    commission_from: 0,
                    owed: 1_000,
                    height: LATEST_HEIGHT,
                    state_root: "00".repeat(32),
                    key: "11".repeat(32),
                    value: "22".repeat(8),
                    proof: "33".repeat(8),
                }
            }),
        )
    }

    async fn stake_position(
        &self,
        target: terrane_api::StakeTarget,
        staker: [u8; 32],
    ) -> Result<terrane_api::StakePositionView, ApiError> {
        let owner = staker == hex32(OWNER_A);
        Ok(terrane_api::StakePositionView {
            height: LATEST_HEIGHT,
            staker: hex::encode(staker),
            kind: target.kind().to_owned(),
            target: hex::encode(target.id()),
            operator: owner,
            amount: if owner { 100_000_000 } else { 0 },
            claimable: if owner { 100 } else { 0 },
        })
    }

    async fn unbonding(&self, address: [u8; 32]) -> Result<terrane_api::UnbondingView, ApiError> {
        Ok(terrane_api::UnbondingView {
            height: LATEST_HEIGHT,
            epoch: CURRENT_EPOCH,
            address: hex::encode(address),
            total: 5_000_000,
            withdrawable: 0,
            entries: vec![terrane_api::UnbondingEntryView {
                kind: "device".to_owned(),
                target: DEVICE_A.to_owned(),
                amount: 5_000_000,
                release: CURRENT_EPOCH + 7,
            }],
        })
    }

    async fn slashing(&self) -> Result<terrane_api::SlashingView, ApiError> {
        Ok(terrane_api::SlashingView {
            height: LATEST_HEIGHT,
            epoch: CURRENT_EPOCH,
            params: terrane_api::SlashingParamsView {
                appeal_window_epochs: 1,
                evidence_max_age_epochs: 4,
                bounty_bps: 1_000,
                equivocation_bps: 500,
                invalid_proofs_bps: 100,
                invalid_threshold: 20,
                invalid_window_epochs: 3,
                missed_duty_bps: 100,
                missed_threshold: 2,
                missed_window_epochs: 4,
                max_due_per_epoch: 256,
                validator_equivocation_bps: 0,
            },
            count: SLASHES,
            pending: 1,
            slashed: 7_500_000,
            bounties: SLASH_BOUNTY,
            burned: 7_500_000 - SLASH_BOUNTY,
            due_from: CURRENT_EPOCH,
            due_to: CURRENT_EPOCH + 1,
            due: vec![terrane_api::DueSlashesView {
                epoch: CURRENT_EPOCH + 1,
                ids: vec![2],
            }],
        })
    }

    async fn slash(&self, id: u64) -> Result<Option<terrane_api::SlashView>, ApiError> {
        Ok(fake_slash(id))
    }

    async fn target_slashes(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<terrane_api::SlashListView, ApiError> {
        let slashes = if target == terrane_api::StakeTarget::Device(hex32(DEVICE_A)) {
            (1..=SLASHES)
                .rev()
                .filter_map(fake_slash)
                .map(|s| slash_summary(&s))
                .collect()
        } else {
            Vec::new()
        };
        Ok(terrane_api::SlashListView {
            height: LATEST_HEIGHT,
            kind: target.kind().to_owned(),
            target: hex::encode(target.id()),
            slashes,
        })
    }

    async fn maintenance(&self) -> Result<terrane_api::MaintenanceParamsView, ApiError> {
        Ok(fake_maintenance_params())
    }

    async fn device_maintenance(
        &self,
        id: [u8; 32],
    ) -> Result<Option<terrane_api::MaintenanceView>, ApiError> {
        Ok(fake_maintenance(&id))
    }

    async fn session(&self, id: u64) -> Result<Option<SessionView>, ApiError> {
        Ok((id == 1).then(|| SessionView {
            id: 1,
            payer: OWNER_A.to_owned(),
            device: DEVICE_A.to_owned(),
            deposit: 10_000,
            paid: 2_000,
            remaining: 8_000,
            paid_bytes: 48_000,
            last_nonce: 2,
            bytes_per_credit: 24,
            opened: 3,
            expires: 53,
            settle_until: 153,
        }))
    }

    async fn epoch(&self, id: EpochId) -> Result<Option<EpochView>, ApiError> {
        let epoch = match id {
            EpochId::Current => CURRENT_EPOCH,
            EpochId::Number(epoch) if epoch <= CURRENT_EPOCH => epoch,
            EpochId::Number(_) => return Ok(None),
        };
        let closed = epoch < CURRENT_EPOCH;
        Ok(Some(EpochView {
            epoch,
            start_height: epoch_start_height(epoch),
            end_height: epoch_start_height(epoch) + EPOCH_LENGTH_BLOCKS - 1,
            randomness: hex::encode([0x8d ^ epoch.to_le_bytes()[0]; 32]),
            workers: 2,
            windows: WINDOWS_PER_EPOCH,
            closed,
            summary: closed.then(|| epoch_summary(epoch)),
        }))
    }

    async fn cell(&self, cell: u64) -> Result<CellView, ApiError> {
        self.cells_asked.lock().unwrap().push(cell);
        if !is_cell(cell) {
            return Err(not_a_cell(cell));
        }
        let res = resolution(cell);
        if res < COARSEST_SEARCH_RESOLUTION {
            return Err(ApiError::malformed(format!(
                "cell resolution {res} is too coarse: use {COARSEST_SEARCH_RESOLUTION} or finer"
            )));
        }
        let density_cell = if res > DENSITY_RESOLUTION {
            parent(cell, DENSITY_RESOLUTION)
        } else {
            cell
        };
        let devices = fake_devices();
        let working = devices
            .iter()
            .filter(|device| device.active && contains(density_cell, device.location))
            .count();
        let working = u32::try_from(working).unwrap();
        Ok(CellView {
            cell: cell_text(cell),
            resolution: u8::try_from(res).unwrap(),
            devices: devices
                .iter()
                .filter(|device| contains(cell, device.location))
                .map(FakeDevice::summary)
                .collect(),
            truncated: false,
            density_cell: cell_text(density_cell),
            epoch: CURRENT_EPOCH,
            working_devices: working,
            // Target one device per density cell: each of n gets 1/n.
            last_closed: Some(CellDensityView {
                epoch: CURRENT_EPOCH - 1,
                classes: vec![CellClassDensityView {
                    class: "coverage".into(),
                    cell_devices: working,
                    cell_scale_ppm: 1_000_000 / working.max(1),
                }],
            }),
        })
    }

    fn params(&self) -> Value {
        json!({
            "chain_id": "terrane-test",
            "genesis_hash": hex::encode([0x47; 32]),
            "makers": [hex::encode([0x3a; 32])],
            "treasury": hex::encode([0x7a; 32]),
            "params": {
                "pow": {
                    "epoch_length_blocks": EPOCH_LENGTH_BLOCKS,
                    "windows_per_epoch": WINDOWS_PER_EPOCH,
                    "density_resolution": DENSITY_RESOLUTION,
                },
                "rewards": { "epoch_emission": EMISSION, "target_devices_per_cell": 1 },
            },
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        let receiver = self.events.subscribe();
        for event in &self.prefill_on_subscribe {
            let _ = self.events.send(event.clone());
        }
        receiver
    }

    fn metrics(&self) -> String {
        "# TYPE terrane_finalized_height gauge\nterrane_finalized_height 10\n".into()
    }

    fn outcomes(&self) -> Vec<OutcomeView> {
        [0, 7, 9, BAD_SIGNATURE_CODE]
            .into_iter()
            .map(outcome)
            .collect()
    }

    fn classes(&self) -> Vec<ClassView> {
        DEVICE_CLASSES
            .iter()
            .zip(0u8..)
            .map(|(name, id)| ClassView {
                id,
                name: (*name).to_owned(),
                status: if id == 0 { "running" } else { "reserved" }.to_owned(),
                report_kinds: if id == 0 {
                    vec![ReportKindView {
                        kind: 0,
                        name: "beacon".to_owned(),
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect()
    }
}

/// A running API server on 127.0.0.1 with an ephemeral port.
pub struct TestServer {
    pub base: String,
    pub backend: Arc<FakeBackend>,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(backend: FakeBackend) -> Self {
        let backend = Arc::new(backend);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, signal) = oneshot::channel::<()>();
        let handle = tokio::spawn(terrane_api::serve(
            Arc::clone(&backend),
            listener,
            async move {
                let _ = signal.await;
            },
        ));
        Self {
            base,
            backend,
            client: reqwest::Client::new(),
            shutdown: Some(shutdown),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Waits until `count` event-stream subscribers are attached to the backend.
    pub async fn wait_for_subscribers(&self, count: usize) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while self.backend.events.receiver_count() < count {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("event-stream subscriber never attached");
    }

    /// Signals shutdown and returns how `serve` ended.
    pub async fn shut_down(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let handle = self.handle.take().unwrap();
        tokio::time::timeout(Duration::from_secs(5), handle)
            .await
            .expect("serve did not return after shutdown")
            .unwrap()
    }
}

/// Reads Server-Sent Event messages from a streaming response, with the client's parser.
pub struct SseReader {
    response: reqwest::Response,
    parser: SseParser,
    ready: std::collections::VecDeque<SseMessage>,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            parser: SseParser::new(),
            ready: std::collections::VecDeque::new(),
        }
    }

    /// The next message with data, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<SseMessage> {
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Some(message);
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    let mut out = Vec::new();
                    self.parser.push(&chunk, &mut out);
                    self.ready.extend(out);
                }
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Like [`SseReader::next`] but fails the test after five seconds.
    pub async fn expect_next(&mut self) -> SseMessage {
        tokio::time::timeout(Duration::from_secs(5), self.next())
            .await
            .expect("no event within 5 s")
            .expect("stream ended")
    }
}

/// Checks that an error response is the documented JSON error object.
pub async fn error_body(response: reqwest::Response) -> Value {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "error content type {content_type:?}, body {text:?}"
    );
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert!(body["code"].is_u64(), "no numeric code in {body}");
    assert!(body["reason"].is_string(), "no reason in {body}");
    assert!(body["message"].is_string(), "no message in {body}");
    body
}

/// Validates `value` against `schema`, a schema of the OpenAPI `document` (a component, a
/// parameter's or a response's), with a JSON Schema 2020-12 validator: OpenAPI 3.1 schemas are
/// 2020-12 schemas, and the `$ref`s in `schema` resolve within `document`.
///
/// Stricter than the document in one way: every object schema that lists `properties` and
/// says nothing of others is closed (`additionalProperties: false`), so a field added to a view
/// without documenting it fails the test.
pub fn check_schema(
    document: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
) -> Result<(), String> {
    let mut root = document.clone();
    close_objects(&mut root);
    // The document is the validator's root resource, so `#/components/...` resolves in it;
    // its own members are not schema keywords and are ignored.
    root["x-checked"] = schema.clone();
    root["$ref"] = json!("#/x-checked");
    let validator = jsonschema::draft202012::new(&root)
        .map_err(|error| format!("{at}: the schema does not compile: {error}"))?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|error| format!("{at}{}: {error}", error.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn close_objects(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            object.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Asserts that the OpenAPI document lists `status` for `method` on the concrete `path`, and
/// that `body` matches the schema it documents there.
pub fn assert_documented(method: &str, path: &str, status: u16, body: &Value) {
    let document = terrane_api::openapi::document();
    let (template, operation) = find_operation(document, method, path)
        .unwrap_or_else(|| panic!("{method} {path} is not a documented operation"));
    let schema =
        &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{method} {template}: {status} is not documented"
    );
    check_schema(
        document,
        schema,
        body,
        &format!("{method} {template} {status}"),
    )
    .unwrap_or_else(|error| panic!("{error}\nbody: {body}"));
}

/// The operation in `document` serving `method` on concrete `path` (its query string, if any,
/// is ignored), with its path template.
pub fn find_operation<'a>(
    document: &'a Value,
    method: &str,
    path: &str,
) -> Option<(&'a str, &'a Value)> {
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let concrete: Vec<&str> = path.split('/').collect();
    document["paths"]
        .as_object()?
        .iter()
        .find_map(|(template, item)| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == concrete.len()
                && parts
                    .iter()
                    .zip(&concrete)
                    .all(|(part, segment)| part.starts_with('{') || part == segment);
            matches
                .then(|| item.get(method.to_ascii_lowercase()))
                .flatten()
                .map(|operation| (template.as_str(), operation))
        })
}
