//! The radio model: who hears whom, and what they measure.
//!
//! A transmission goes from the transmitter's **true** position, with its **real** power and
//! antenna gain, to a receiver's true position:
//!
//! ```text
//! rssi = P_tx + G_tx + G_rx − FSPL(1 m, f) − 10·n·log10(d / 1 m) − S
//!        n = 2.8 (suburban), S = shadowing ~ N(0, σ = 2 dB) clamped to ±3σ, drawn from
//!        SHA-256(seed, epoch, beaconer, receiver): the same link in the same epoch always
//!        fades the same way, whatever order the fleet asks in
//! rssi = min(rssi, free-space rssi − 0.5 dB)     never louder than physics allows
//! heard iff rssi ≥ −125 dBm (LoRa SF12-class sensitivity)
//! snr  = clamp(rssi − (−120 dBm noise), −20 dB, +20 dB)
//! ```
//!
//! The reference distance is 1 m, so at every distance of at least 1 m the mean loss is at
//! least free-space loss; at the chain's 300 m minimum witness distance it exceeds free space by
//! `8 · log10(300) ≈ 19.8 dB`, far more than the 6 dB shadowing clamp. The final clamp makes
//! that hold by construction. Past the chain's two-ray crossover (3.6 km for its default 10 m
//! antennas at 868 MHz) its credible loss grows as `d^-4`, faster than the model's `d^-2.8`,
//! but the model starts so far below free space that it still loses more than the chain's
//! bound out to ~270 km (under the strongest shadowing the gap is `65 − 12·log10 d` dB): an
//! honest reading
//! never breaks the chain's `signal_too_strong` check (credible maximum plus a 3 dB tolerance,
//! between the asserted cells, which are within ~11 m of the true positions).
//!
//! # Range
//! For the reference hotspot (14 dBm conducted, 3 dBi antennas at both ends, 868.1 MHz) the
//! budget is 145 dB; FSPL(1 m) is 31.2 dB, so the mean range is
//! `10^((145 − 31.2) / 28) ≈ 11.6 km`. Across 2-5 dBi antennas it is 9.8-16 km, and shadowing
//! moves a given link's range by a factor of up to `10^(6/28) ≈ 1.6` either way. Devices are
//! placed 0.5-6 km from their city's center, so a city's hotspots hear each other and
//! neighbouring cities' hotspots rarely do.
//!
//! # Frequency
//! Beacons go out on one of the EU868 default channels (868.1, 868.3, 868.5 MHz, drawn per
//! beacon); a witness reports the channel plus a crystal error of at most ±3 kHz (the chain
//! tolerates 50 kHz).

use crate::rng::{draw, normal_of};
use terrane_coverage::radio::Band;
use terrane_devices::types::Capabilities;
use terrane_geo::offchain::log_distance_rssi_dbm;
use terrane_primitives::{DeviceId, Epoch};

/// A device's radio as built (its true capabilities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Radio {
    /// Conducted transmit power, tenths of dBm.
    pub tx_power_dbm_x10: i16,
    /// Antenna gain, tenths of dBi.
    pub antenna_gain_dbi_x10: i16,
    /// Band.
    pub band: Band,
}

impl Radio {
    /// The coverage capabilities describing this radio.
    pub fn capabilities(&self) -> Capabilities {
        terrane_coverage::radio::capabilities(
            self.antenna_gain_dbi_x10,
            self.tx_power_dbm_x10,
            self.band,
        )
    }

    fn tx_dbm(&self) -> f64 {
        f64::from(self.tx_power_dbm_x10) / 10.0
    }

    fn gain_dbi(&self) -> f64 {
        f64::from(self.antenna_gain_dbi_x10) / 10.0
    }
}

/// What a receiver measured, in the chain's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Received signal strength, tenths of dBm (rounded down: never louder than measured).
    pub rssi_dbm_x10: i16,
    /// Signal-to-noise ratio, tenths of dB.
    pub snr_db_x10: i16,
}

/// The propagation and receiver parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RadioModel {
    /// Log-distance path loss exponent (2 is free space).
    pub path_loss_exponent: f64,
    /// Standard deviation of the log-normal shadowing, dB.
    pub shadowing_sigma_db: f64,
    /// Shadowing is clamped to this many dB either way.
    pub shadowing_clamp_db: f64,
    /// Weakest signal a receiver decodes, dBm.
    pub sensitivity_dbm: f64,
    /// Receiver noise power used for SNR, dBm.
    pub noise_dbm: f64,
    /// SNR readings are clamped to ± this, dB.
    pub snr_limit_db: f64,
    /// A reading stays at least this far below the free-space maximum, dB.
    pub free_space_margin_db: f64,
    /// Channels beacons are sent on, kHz.
    pub channels_khz: Vec<u32>,
    /// Largest frequency error a witness reports, kHz.
    pub frequency_error_khz: u32,
}

impl Default for RadioModel {
    fn default() -> Self {
        Self {
            path_loss_exponent: 2.8,
            shadowing_sigma_db: 2.0,
            shadowing_clamp_db: 6.0,
            sensitivity_dbm: -125.0,
            noise_dbm: -120.0,
            snr_limit_db: 20.0,
            free_space_margin_db: 0.5,
            channels_khz: vec![868_100, 868_300, 868_500],
            frequency_error_khz: 3,
        }
    }
}

/// `v` rounded down to tenths, as the chain's `_x10` integer, clamped to `lo..=hi`.
pub fn floor_x10(v: f64, lo: i16, hi: i16) -> i16 {
    let t = (v * 10.0).floor().clamp(f64::from(lo), f64::from(hi));
    // Clamped to the i16 range just above; NaN (never produced here) would become 0.
    #[allow(clippy::cast_possible_truncation)]
    let out = t as i16;
    out
}

impl RadioModel {
    /// The free-space signal (the most physics allows), dBm.
    pub fn free_space_rssi_dbm(
        &self,
        tx: &Radio,
        rx: &Radio,
        distance_m: f64,
        freq_khz: u32,
    ) -> f64 {
        log_distance_rssi_dbm(
            tx.tx_dbm(),
            tx.gain_dbi(),
            rx.gain_dbi(),
            distance_m,
            f64::from(freq_khz) * 1e3,
            2.0,
            0.0,
        )
    }

    /// The signal under the model with shadowing `shadowing_db` (positive is weaker), clamped
    /// below the free-space maximum, dBm.
    pub fn rssi_dbm(
        &self,
        tx: &Radio,
        rx: &Radio,
        distance_m: f64,
        freq_khz: u32,
        shadowing_db: f64,
    ) -> f64 {
        let modeled = log_distance_rssi_dbm(
            tx.tx_dbm(),
            tx.gain_dbi(),
            rx.gain_dbi(),
            distance_m,
            f64::from(freq_khz) * 1e3,
            self.path_loss_exponent,
            shadowing_db,
        );
        modeled
            .min(self.free_space_rssi_dbm(tx, rx, distance_m, freq_khz) - self.free_space_margin_db)
    }

    /// The shadowing of the link `beaconer → receiver` in `epoch`, dB (positive is weaker).
    pub fn shadowing_db(
        &self,
        seed: u64,
        epoch: Epoch,
        beaconer: &DeviceId,
        receiver: &DeviceId,
    ) -> f64 {
        let z = normal_of(&draw(
            "shadowing",
            &[
                &seed.to_be_bytes(),
                &epoch.get().to_be_bytes(),
                beaconer.as_ref(),
                receiver.as_ref(),
            ],
        ));
        (z * self.shadowing_sigma_db).clamp(-self.shadowing_clamp_db, self.shadowing_clamp_db)
    }

    /// What a receiver reports for a signal of `rssi_dbm`.
    pub fn reading(&self, rssi_dbm: f64) -> Reading {
        let snr = (rssi_dbm - self.noise_dbm).clamp(-self.snr_limit_db, self.snr_limit_db);
        Reading {
            rssi_dbm_x10: floor_x10(rssi_dbm, i16::MIN, i16::MAX),
            snr_db_x10: floor_x10(snr, i16::MIN, i16::MAX),
        }
    }

    /// Whether a signal of `rssi_dbm` is decoded.
    pub fn hears(&self, rssi_dbm: f64) -> bool {
        rssi_dbm >= self.sensitivity_dbm
    }

    /// The measurement of a real transmission over `distance_m` (true positions), or `None`
    /// if the receiver does not decode it.
    pub fn measure(
        &self,
        tx: &Radio,
        rx: &Radio,
        distance_m: f64,
        freq_khz: u32,
        shadowing_db: f64,
    ) -> Option<Reading> {
        let rssi = self.rssi_dbm(tx, rx, distance_m, freq_khz, shadowing_db);
        self.hears(rssi).then(|| self.reading(rssi))
    }

    /// The mean range (no shadowing) of a link between these radios, m.
    pub fn range_m(&self, tx: &Radio, rx: &Radio, freq_khz: u32) -> f64 {
        let at_1m = log_distance_rssi_dbm(
            tx.tx_dbm(),
            tx.gain_dbi(),
            rx.gain_dbi(),
            1.0,
            f64::from(freq_khz) * 1e3,
            self.path_loss_exponent,
            0.0,
        );
        10f64.powf((at_1m - self.sensitivity_dbm) / (10.0 * self.path_loss_exponent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use terrane_coverage::params::CoverageParams;
    use terrane_geo::{distance_m, max_credible_rssi_centi_dbm, offchain};

    fn radio(power_x10: i16, gain_x10: i16) -> Radio {
        Radio {
            tx_power_dbm_x10: power_x10,
            antenna_gain_dbi_x10: gain_x10,
            band: Band::Eu868,
        }
    }

    #[test]
    fn readings_never_exceed_the_chains_credible_maximum_from_300_m_to_100_km() {
        let model = RadioModel::default();
        let p = CoverageParams::default();
        let mut rng = SimRng::new(7);
        for _ in 0..5_000 {
            // Anywhere between ±60° latitude, 300 m to 100 km log-uniform, any bearing.
            let a = (rng.range(-60.0, 60.0), rng.range(-180.0, 180.0));
            let d = 10f64.powf(rng.range(300f64.log10(), 100_000f64.log10()));
            let bearing = rng.range(0.0, core::f64::consts::TAU);
            let b = offchain::offset(a.0, a.1, d * bearing.cos(), d * bearing.sin());
            let true_m = offchain::haversine_m(a, b);
            // Every power and gain the devices module accepts.
            let tx = radio(
                floor_x10(rng.range(0.0, 30.0), 0, 300),
                floor_x10(rng.range(0.0, 12.0), 0, 120),
            );
            let rx = radio(140, floor_x10(rng.range(0.0, 12.0), 0, 120));
            let freq = model.channels_khz[rng.below(3)];
            let shadow = rng.range(-model.shadowing_clamp_db, model.shadowing_clamp_db);
            let reading = model.reading(model.rssi_dbm(&tx, &rx, true_m, freq, shadow));
            let cells = (
                offchain::cell_at(a.0, a.1, 12),
                offchain::cell_at(b.0, b.1, 12),
            );
            let chain_m = distance_m(cells.0, cells.1).unwrap();
            // The ground-link bound (without the chain's tolerance on top): the log-distance
            // model with n = 2.8 from 1 m loses more than free space to the two-ray crossover
            // and than d^-4 beyond it, by more than the shadowing clamp up to ~270 km.
            let max = max_credible_rssi_centi_dbm(
                i32::from(tx.tx_power_dbm_x10) * 10,
                i32::from(tx.antenna_gain_dbi_x10) * 10,
                i32::from(rx.antenna_gain_dbi_x10) * 10,
                chain_m,
                freq,
                p.credible_antenna_height_m,
                p.far_path_loss_exponent_x10,
            );
            assert!(
                i32::from(reading.rssi_dbm_x10) * 10 <= max,
                "{true_m:.0} m (cells {chain_m} m): reading {} > credible max {max}",
                reading.rssi_dbm_x10
            );
        }
    }

    #[test]
    fn mean_loss_is_never_below_free_space_beyond_one_meter() {
        let model = RadioModel::default();
        let r = radio(140, 30);
        for d in [1.0, 10.0, 300.0, 1_000.0, 30_000.0, 100_000.0] {
            let fs = model.free_space_rssi_dbm(&r, &r, d, 868_100);
            let mean = log_distance_rssi_dbm(1.4e1, 3.0, 3.0, d, 868.1e6, 2.8, 0.0);
            assert!(mean <= fs + 1e-9, "{d} m");
        }
    }

    #[test]
    fn reference_hotspot_range_is_about_twelve_km_as_documented() {
        let model = RadioModel::default();
        let reference = radio(140, 30);
        let range = model.range_m(&reference, &reference, 868_100);
        assert!((11_000.0..12_500.0).contains(&range), "{range}");
        let small = model.range_m(&radio(140, 20), &radio(140, 20), 868_100);
        let large = model.range_m(&radio(140, 50), &radio(140, 50), 868_100);
        assert!((9_000.0..10_500.0).contains(&small), "{small}");
        assert!((15_000.0..17_000.0).contains(&large), "{large}");
        // Heard just inside the range, not just outside (no shadowing).
        assert!(
            model
                .measure(&reference, &reference, range * 0.99, 868_100, 0.0)
                .is_some()
        );
        assert!(
            model
                .measure(&reference, &reference, range * 1.01, 868_100, 0.0)
                .is_none()
        );
    }

    #[test]
    fn snr_is_clamped_and_shadowing_is_deterministic_and_bounded() {
        let model = RadioModel::default();
        assert_eq!(model.reading(-60.0).snr_db_x10, 200);
        assert_eq!(model.reading(-124.0).snr_db_x10, -40);
        let (a, b) = (DeviceId::new([1; 32]), DeviceId::new([2; 32]));
        let s = model.shadowing_db(9, Epoch::new(3), &a, &b);
        assert_eq!(s, model.shadowing_db(9, Epoch::new(3), &a, &b));
        assert_ne!(s, model.shadowing_db(9, Epoch::new(4), &a, &b));
        for e in 0..1_000 {
            assert!(model.shadowing_db(1, Epoch::new(e), &a, &b).abs() <= 6.0);
        }
    }
}
