//! Coverage parameters, set at genesis.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Distances, radio tolerances, timing, selection and units.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageParams {
    /// Closest a witness may be to the beaconer (asserted cells), m.
    pub min_witness_distance_m: u32,
    /// Farthest a witness may be from the beaconer, m (a cap over the link budget's range).
    pub max_witness_distance_m: u32,
    /// How much stronger than the credible maximum a reported signal may be, hundredths of dB.
    pub rssi_tolerance_centi_db: i32,
    /// Weakest plausible signal, hundredths of dBm: a link whose credible maximum (plus the
    /// tolerance) is below it is out of range.
    pub noise_floor_centi_dbm: i32,
    /// Highest antenna above flat ground the link budget credits at both ends, m: it sets the
    /// two-ray crossover distance (`terrane_geo::crossover_m`) past which ground reflection
    /// weakens a signal faster than free space.
    pub credible_antenna_height_m: u32,
    /// Path-loss exponent past the crossover, tenths (40: the two-ray model's `d^-4`; 20 would
    /// be free space at every distance).
    pub far_path_loss_exponent_x10: u32,
    /// A witness farther than this from the beaconer counts only if a nearer witness of the
    /// same beacon (another owner's) is within this distance of it, m.
    pub corroboration_radius_m: u32,
    /// Owners created by transfers from one funder at most this many blocks apart (or one
    /// funded by the other) count as one owner for the same-owner witness rule.
    pub funding_link_window_blocks: u64,
    /// Plausible SNR range, tenths of dB.
    pub snr_min_db_x10: i16,
    /// Plausible SNR range, tenths of dB.
    pub snr_max_db_x10: i16,
    /// Most a witness may differ in frequency from the beacon, kHz.
    pub frequency_tolerance_khz: u32,
    /// Longest delay from beacon to witness timestamp, ms.
    pub max_witness_delay_ms: u64,
    /// Most a beacon timestamp may differ from its block's, ms.
    pub max_beacon_skew_ms: u64,
    /// How far ahead of the chain's clock a device's clock may run, ms: a report may not
    /// claim a moment later than its own block's time (or, for a beacon, than the block that
    /// first held a witness of it) by more than this.
    pub max_clock_skew_ms: u64,
    /// How long a beacon's first matching witness may take to reach a block after the
    /// declared transmit time, ms: a declaration earlier than that is not the beacon's own
    /// work phase (refused without fault, since slow witnesses are not the beaconer's doing).
    pub max_report_lag_ms: u64,
    /// Witnesses rewarded per beacon (the rest are not selected).
    pub max_witnesses_selected: u32,
    /// Witnesses stored per beaconer per epoch (bounds state). Generous on purpose: junk
    /// witnesses (commitments no beacon opens) are only recognized at epoch close, so a low
    /// first-come limit would let them crowd out the real ones.
    pub max_witnesses_stored: u32,
    /// Units a beaconer earns at saturation.
    pub beacon_units: u64,
    /// Selected witnesses at which a beaconer's units saturate.
    pub beacon_saturation: u32,
    /// Units one witness earns while the beacon has at most `witness_saturation` witnesses.
    pub witness_units: u64,
    /// Witness count beyond which each witness's units shrink.
    pub witness_saturation: u32,
    /// Whole epochs after the epoch of a relocation in which the device earns no coverage
    /// rewards (its reports still count for its reputation).
    pub relocation_cooldown_epochs: u64,
    /// Highest antenna gain a coverage device may claim, tenths of dBi.
    pub max_antenna_gain_dbi_x10: i16,
    /// Highest conducted transmit power a coverage device may claim, tenths of dBm.
    pub max_tx_power_dbm_x10: i16,
}

impl Default for CoverageParams {
    fn default() -> Self {
        Self {
            min_witness_distance_m: 300,
            max_witness_distance_m: 100_000,
            rssi_tolerance_centi_db: 300,
            noise_floor_centi_dbm: -14_000,
            credible_antenna_height_m: 10,
            far_path_loss_exponent_x10: 40,
            corroboration_radius_m: 15_000,
            funding_link_window_blocks: 14_400,
            snr_min_db_x10: -300,
            snr_max_db_x10: 300,
            frequency_tolerance_khz: 50,
            max_witnesses_selected: 14,
            max_witnesses_stored: 1024,
            max_witness_delay_ms: 30_000,
            max_beacon_skew_ms: 300_000,
            max_clock_skew_ms: 5_000,
            max_report_lag_ms: 60_000,
            beacon_units: 100,
            beacon_saturation: 4,
            witness_units: 50,
            witness_saturation: 4,
            relocation_cooldown_epochs: 2,
            max_antenna_gain_dbi_x10: 120,
            max_tx_power_dbm_x10: 300,
        }
    }
}

impl CoverageParams {
    /// Checks the parameters are usable.
    pub fn validate(&self) -> Result<(), String> {
        if self.min_witness_distance_m >= self.max_witness_distance_m {
            return Err("coverage: min_witness_distance_m must be below max".into());
        }
        if self.credible_antenna_height_m == 0
            || !(20..=100).contains(&self.far_path_loss_exponent_x10)
        {
            return Err(
                "coverage: credible_antenna_height_m must be positive and far_path_loss_exponent_x10 \
                 within 20..=100 (free space to d^-10)"
                    .into(),
            );
        }
        if self.corroboration_radius_m < self.min_witness_distance_m {
            return Err(
                "coverage: corroboration_radius_m must be at least min_witness_distance_m".into(),
            );
        }
        if self.max_clock_skew_ms > self.max_beacon_skew_ms
            || self.max_report_lag_ms == 0
            || self.max_report_lag_ms > self.max_beacon_skew_ms
        {
            return Err(
                "coverage: need max_clock_skew_ms <= max_beacon_skew_ms and \
                 0 < max_report_lag_ms <= max_beacon_skew_ms"
                    .into(),
            );
        }
        if self.snr_min_db_x10 >= self.snr_max_db_x10 {
            return Err("coverage: snr_min_db_x10 must be below snr_max_db_x10".into());
        }
        if self.max_witnesses_selected == 0
            || self.max_witnesses_stored < self.max_witnesses_selected
        {
            return Err("coverage: need 0 < max_witnesses_selected <= max_witnesses_stored".into());
        }
        if self.beacon_saturation == 0 || self.witness_saturation == 0 {
            return Err("coverage: saturations must be positive".into());
        }
        if self.max_antenna_gain_dbi_x10 < 0
            || self.max_tx_power_dbm_x10 < crate::radio::MIN_TX_POWER_DBM_X10
        {
            return Err(format!(
                "coverage: max_antenna_gain_dbi_x10 must be at least 0 and max_tx_power_dbm_x10 \
                 at least {}",
                crate::radio::MIN_TX_POWER_DBM_X10
            ));
        }
        Ok(())
    }
}

impl Write for CoverageParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.min_witness_distance_m.write(buf);
        self.max_witness_distance_m.write(buf);
        self.rssi_tolerance_centi_db.write(buf);
        self.noise_floor_centi_dbm.write(buf);
        self.credible_antenna_height_m.write(buf);
        self.far_path_loss_exponent_x10.write(buf);
        self.corroboration_radius_m.write(buf);
        self.funding_link_window_blocks.write(buf);
        self.snr_min_db_x10.write(buf);
        self.snr_max_db_x10.write(buf);
        self.frequency_tolerance_khz.write(buf);
        self.max_witness_delay_ms.write(buf);
        self.max_beacon_skew_ms.write(buf);
        self.max_clock_skew_ms.write(buf);
        self.max_report_lag_ms.write(buf);
        self.max_witnesses_selected.write(buf);
        self.max_witnesses_stored.write(buf);
        self.beacon_units.write(buf);
        self.beacon_saturation.write(buf);
        self.witness_units.write(buf);
        self.witness_saturation.write(buf);
        self.relocation_cooldown_epochs.write(buf);
        self.max_antenna_gain_dbi_x10.write(buf);
        self.max_tx_power_dbm_x10.write(buf);
    }
}

impl Read for CoverageParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            min_witness_distance_m: u32::read(buf)?,
            max_witness_distance_m: u32::read(buf)?,
            rssi_tolerance_centi_db: i32::read(buf)?,
            noise_floor_centi_dbm: i32::read(buf)?,
            credible_antenna_height_m: u32::read(buf)?,
            far_path_loss_exponent_x10: u32::read(buf)?,
            corroboration_radius_m: u32::read(buf)?,
            funding_link_window_blocks: u64::read(buf)?,
            snr_min_db_x10: i16::read(buf)?,
            snr_max_db_x10: i16::read(buf)?,
            frequency_tolerance_khz: u32::read(buf)?,
            max_witness_delay_ms: u64::read(buf)?,
            max_beacon_skew_ms: u64::read(buf)?,
            max_clock_skew_ms: u64::read(buf)?,
            max_report_lag_ms: u64::read(buf)?,
            max_witnesses_selected: u32::read(buf)?,
            max_witnesses_stored: u32::read(buf)?,
            beacon_units: u64::read(buf)?,
            beacon_saturation: u32::read(buf)?,
            witness_units: u64::read(buf)?,
            witness_saturation: u32::read(buf)?,
            relocation_cooldown_epochs: u64::read(buf)?,
            max_antenna_gain_dbi_x10: i16::read(buf)?,
            max_tx_power_dbm_x10: i16::read(buf)?,
        })
    }
}

impl FixedSize for CoverageParams {
    const SIZE: usize = 4
        + 4
        + 4
        + 4
        + 4
        + 4
        + 4
        + 8
        + 2
        + 2
        + 4
        + 8
        + 8
        + 8
        + 8
        + 4
        + 4
        + 8
        + 4
        + 8
        + 4
        + 8
        + 2
        + 2;
}
