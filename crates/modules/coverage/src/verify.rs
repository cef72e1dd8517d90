//! The coverage verifier: pure functions of (report, device records, beacon, randomness).
//!
//! Each check returns the rule it broke and whether the reporting device is accountable
//! ([`Judgement::accountable`]): a witness of a beaconer whose asserted location is wrong
//! breaks a distance or signal rule through no fault of its own, so those rules refuse the
//! report without a reputation penalty.

use crate::{
    msg::{Beacon, Witness, commitment},
    outcome::CoverageRejection,
    params::CoverageParams,
    types::BeaconRecord,
};
use terrane_devices::types::Device;
use terrane_geo::{DEVICE_RESOLUTION, distance_m, max_credible_rssi_centi_dbm};
use terrane_primitives::{DeviceId, Hash32, sha256};

/// A broken rule and who answers for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The rule.
    pub code: CoverageRejection,
    /// Whether the reporting device's reputation should fall.
    pub accountable: bool,
}

const fn invalid(code: CoverageRejection) -> Judgement {
    Judgement {
        code,
        accountable: true,
    }
}

const fn refused(code: CoverageRejection) -> Judgement {
    Judgement {
        code,
        accountable: false,
    }
}

/// Radio capabilities of a coverage device: (gain tenths dBi, power tenths dBm, band).
fn radio(d: &Device) -> Option<(i16, i16, crate::radio::Band)> {
    crate::radio::Radio::decode(&d.capabilities)
        .map(|r| (r.antenna_gain_dbi_x10, r.tx_power_dbm_x10, r.band))
}

/// Checks a beacon reveal against the beaconer's record and the block.
///
/// `block_timestamp_ms` is the including block's time; `in_window` whether the block height is
/// inside the beaconer's scheduled window (plus grace); `already_revealed` whether the
/// beaconer revealed one this epoch.
pub fn check_beacon(
    beaconer: &Device,
    beacon: &Beacon,
    p: &CoverageParams,
    block_timestamp_ms: u64,
    in_window: bool,
    already_revealed: bool,
) -> Result<(), Judgement> {
    let Some((_, _, band)) = radio(beaconer) else {
        return Err(refused(CoverageRejection::UnknownBeaconer));
    };
    if beaconer.location.validate(DEVICE_RESOLUTION).is_err() {
        return Err(invalid(CoverageRejection::NoAssertedLocation));
    }
    if !band.contains(beacon.frequency_khz) {
        return Err(invalid(CoverageRejection::BeaconFrequencyOutOfBand));
    }
    if beacon.timestamp_ms.abs_diff(block_timestamp_ms) > p.max_beacon_skew_ms {
        return Err(invalid(CoverageRejection::BeaconTimestampSkew));
    }
    if !in_window {
        return Err(invalid(CoverageRejection::BeaconOutsideWindow));
    }
    if already_revealed {
        return Err(invalid(CoverageRejection::DuplicateBeacon));
    }
    Ok(())
}

/// Checks a witness when it arrives, against both devices' records. Returns the distance
/// between the asserted cells.
pub fn check_witness(
    witness: &Device,
    beaconer: &Device,
    body: &Witness,
    p: &CoverageParams,
) -> Result<u32, Judgement> {
    let Some((beacon_gain, beacon_power, band)) = radio(beaconer) else {
        return Err(refused(CoverageRejection::UnknownBeaconer));
    };
    let Some((witness_gain, _, _)) = radio(witness) else {
        return Err(refused(CoverageRejection::UnknownBeaconer));
    };
    if witness.id == beaconer.id {
        return Err(invalid(CoverageRejection::SelfWitness));
    }
    if witness.owner == beaconer.owner {
        return Err(invalid(CoverageRejection::SameOwnerWitness));
    }
    if witness.location.validate(DEVICE_RESOLUTION).is_err()
        || beaconer.location.validate(DEVICE_RESOLUTION).is_err()
    {
        return Err(refused(CoverageRejection::NoAssertedLocation));
    }
    let Some(distance) = distance_m(witness.location, beaconer.location) else {
        return Err(refused(CoverageRejection::WitnessTooFar));
    };
    if distance < p.min_witness_distance_m {
        return Err(refused(CoverageRejection::WitnessTooClose));
    }
    if distance > p.max_witness_distance_m {
        return Err(refused(CoverageRejection::WitnessTooFar));
    }
    if !band.contains(body.frequency_khz) {
        return Err(invalid(CoverageRejection::WitnessFrequencyOutOfBand));
    }
    // The strongest signal a ground link over the asserted distance credibly delivers: beyond
    // the two-ray crossover a near-free-space reading is a relayed beacon, not radio.
    let max = accepted_rssi_centi_dbm(
        beacon_power,
        beacon_gain,
        witness_gain,
        distance,
        body.frequency_khz,
        p,
    );
    if max < p.noise_floor_centi_dbm {
        return Err(refused(CoverageRejection::WitnessBeyondRange));
    }
    let rssi_centi = i32::from(body.rssi_dbm_x10) * 10;
    if rssi_centi < p.noise_floor_centi_dbm {
        return Err(invalid(CoverageRejection::SignalBelowNoise));
    }
    if body.snr_db_x10 < p.snr_min_db_x10 || body.snr_db_x10 > p.snr_max_db_x10 {
        return Err(invalid(CoverageRejection::SnrImplausible));
    }
    if rssi_centi > max {
        return Err(refused(CoverageRejection::SignalTooStrong));
    }
    Ok(distance)
}

/// The strongest RSSI, hundredths of dBm, the witness rules accept over `distance_m` at
/// `freq_khz` from a beaconer with `tx_power_dbm_x10` and `tx_gain_dbi_x10` into a witness
/// with `rx_gain_dbi_x10`: the credible maximum of the link budget plus the tolerance. Below
/// the noise floor, the link is out of range.
pub fn accepted_rssi_centi_dbm(
    tx_power_dbm_x10: i16,
    tx_gain_dbi_x10: i16,
    rx_gain_dbi_x10: i16,
    distance_m: u32,
    freq_khz: u32,
    p: &CoverageParams,
) -> i32 {
    max_credible_rssi_centi_dbm(
        i32::from(tx_power_dbm_x10) * 10,
        i32::from(tx_gain_dbi_x10) * 10,
        i32::from(rx_gain_dbi_x10) * 10,
        distance_m,
        freq_khz,
        p.credible_antenna_height_m,
        p.far_path_loss_exponent_x10,
    )
    .saturating_add(p.rssi_tolerance_centi_db)
}

/// Checks a witness's claimed moment of hearing against the block that includes it: a device
/// cannot have heard a beacon later than it reported it (beyond the clock skew).
pub fn check_witness_time(
    body: &Witness,
    block_timestamp_ms: u64,
    p: &CoverageParams,
) -> Result<(), Judgement> {
    if body.timestamp_ms > block_timestamp_ms.saturating_add(p.max_clock_skew_ms) {
        return Err(invalid(CoverageRejection::WitnessFromFuture));
    }
    Ok(())
}

/// Binds a beacon's declared transmit time to its own work phase, by the chain's clock:
/// `first_heard_ms` is the time of the block that first held a witness the reveal opens.
/// Declaring a moment after it is a provable lie (accountable); declaring one more than
/// `max_report_lag_ms` before it is not a moment of the work phase, but slow witnesses could
/// cause that too, so it is refused without fault.
pub fn check_beacon_time(
    beacon: &BeaconRecord,
    first_heard_ms: u64,
    p: &CoverageParams,
) -> Result<(), Judgement> {
    if beacon.timestamp_ms > first_heard_ms.saturating_add(p.max_clock_skew_ms) {
        return Err(invalid(CoverageRejection::BeaconAfterWitness));
    }
    if beacon.timestamp_ms.saturating_add(p.max_report_lag_ms) < first_heard_ms {
        return Err(refused(CoverageRejection::BeaconBeforeWork));
    }
    Ok(())
}

/// Checks a stored witness against the beaconer's revealed beacon at epoch close.
pub fn check_against_beacon(
    beaconer: &DeviceId,
    body: &Witness,
    beacon: Option<&BeaconRecord>,
    p: &CoverageParams,
) -> Result<(), CoverageRejection> {
    let Some(beacon) = beacon else {
        return Err(CoverageRejection::BeaconNotRevealed);
    };
    if body.commitment != beacon.commitment || &body.beaconer != beaconer {
        return Err(CoverageRejection::UnmatchedWitness);
    }
    if body.frequency_khz.abs_diff(beacon.frequency_khz) > p.frequency_tolerance_khz {
        return Err(CoverageRejection::WitnessFrequencyMismatch);
    }
    let delay = body.timestamp_ms.checked_sub(beacon.timestamp_ms);
    if delay.is_none_or(|d| d > p.max_witness_delay_ms) {
        return Err(CoverageRejection::WitnessTimingInvalid);
    }
    Ok(())
}

/// Whether `witnesses` of one beacon are consistent with one transmission: their times within
/// `max_witness_delay_ms` of each other and their frequencies within twice
/// `frequency_tolerance_khz` (so one declared time and channel would satisfy all of them).
pub fn one_story<'a>(
    witnesses: impl Iterator<Item = &'a crate::types::WitnessRecord>,
    p: &CoverageParams,
) -> bool {
    let mut span: Option<(u64, u64, u32, u32)> = None;
    for w in witnesses {
        let (t, f) = (w.body.timestamp_ms, w.body.frequency_khz);
        span = Some(match span {
            None => (t, t, f, f),
            Some((t0, t1, f0, f1)) => (t0.min(t), t1.max(t), f0.min(f), f1.max(f)),
        });
    }
    span.is_none_or(|(t0, t1, f0, f1)| {
        t1 - t0 <= p.max_witness_delay_ms && f1 - f0 <= p.frequency_tolerance_khz.saturating_mul(2)
    })
}

/// The beacon commitment a reveal opens.
pub fn reveal_commitment(beaconer: &DeviceId, beacon: &Beacon) -> Hash32 {
    commitment(beaconer, &beacon.nonce)
}

/// The draw that orders a beacon's witnesses for selection: SHA-256 of the epoch-close
/// randomness, the beaconer and the witness. Lower draws are selected first. It depends on
/// neither arrival order nor device age, and nobody knew the randomness when reporting.
pub fn selection_draw(randomness: &Hash32, beaconer: &DeviceId, witness: &DeviceId) -> Hash32 {
    sha256(&[
        b"terrane/witness-draw/v1",
        randomness.as_ref(),
        beaconer.as_ref(),
        witness.as_ref(),
    ])
}

/// Units a beaconer earns for `selected` witnesses: rising to `beacon_units` at saturation,
/// flat after (rounded down).
pub fn beacon_units(selected: u32, p: &CoverageParams) -> u64 {
    let sat = p.beacon_saturation.max(1);
    p.beacon_units * u64::from(selected.min(sat)) / u64::from(sat)
}

/// Units each of `selected` witnesses earns: `witness_units` up to saturation, then shrinking
/// so all witnesses together earn at most `witness_units × saturation` (rounded down).
pub fn witness_units(selected: u32, p: &CoverageParams) -> u64 {
    let sat = p.witness_saturation.max(1);
    if selected == 0 {
        return 0;
    }
    p.witness_units * u64::from(sat) / u64::from(selected.max(sat))
}
