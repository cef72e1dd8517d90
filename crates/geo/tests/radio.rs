//! Free-space path loss and the strongest signal physics allows.

use proptest::prelude::*;
use terrane_geo::{fspl_centi_db, max_rssi_centi_dbm};

/// 868 MHz (EU LoRa) in kHz.
const EU868_KHZ: u32 = 868_000;

#[test]
fn fspl_at_1_km_and_868_mhz_is_91_22_db() {
    let loss = fspl_centi_db(1_000, EU868_KHZ);
    // Exact: 20·log10(1000) + 20·log10(868e6) − 147.552… = 91.218 dB.
    assert!((loss - 9122).abs() <= 2, "{loss}");
}

#[test]
fn fspl_rises_6_db_per_doubling_of_distance_and_20_db_per_decade() {
    let base = fspl_centi_db(1_000, EU868_KHZ);
    assert!((fspl_centi_db(2_000, EU868_KHZ) - base - 602).abs() <= 1);
    assert_eq!(fspl_centi_db(10_000, EU868_KHZ) - base, 2_000);
    assert_eq!(fspl_centi_db(1_000, EU868_KHZ * 10) - base, 2_000);
}

#[test]
fn fspl_clamps_distances_below_1_m_and_survives_extremes() {
    assert_eq!(fspl_centi_db(0, EU868_KHZ), fspl_centi_db(1, EU868_KHZ));
    assert_eq!(fspl_centi_db(0, 0), fspl_centi_db(1, 1));
    assert!(fspl_centi_db(u32::MAX, u32::MAX) < 30_000);
}

#[test]
fn max_rssi_is_eirp_plus_rx_gain_minus_fspl_and_saturates() {
    // 14 dBm, 2 dBi and 3 dBi antennas, 1 km at 868 MHz.
    let loss = fspl_centi_db(1_000, EU868_KHZ);
    assert_eq!(
        max_rssi_centi_dbm(1_400, 200, 300, 1_000, EU868_KHZ),
        1_900 - loss
    );
    assert_eq!(max_rssi_centi_dbm(i32::MAX, i32::MAX, 0, 1, 1), i32::MAX);
    assert_eq!(
        max_rssi_centi_dbm(i32::MIN, 0, 0, u32::MAX, u32::MAX),
        i32::MIN
    );
}

proptest! {
    #[test]
    fn fspl_is_monotone_in_distance(d in any::<u32>(), step in 0..=u32::MAX, f in 1..=u32::MAX) {
        let farther = d.saturating_add(step);
        prop_assert!(fspl_centi_db(d, f) <= fspl_centi_db(farther, f));
    }

    #[test]
    fn fspl_is_monotone_in_frequency(d in any::<u32>(), f in any::<u32>(), step in 0..=u32::MAX) {
        let higher = f.saturating_add(step);
        prop_assert!(fspl_centi_db(d, f) <= fspl_centi_db(d, higher));
    }

    #[test]
    fn fspl_is_monotone_for_neighboring_inputs(d in 1..=u32::MAX - 1, f in 1..=u32::MAX - 1) {
        prop_assert!(fspl_centi_db(d, f) <= fspl_centi_db(d + 1, f));
        prop_assert!(fspl_centi_db(d, f) <= fspl_centi_db(d, f + 1));
    }

    #[test]
    fn max_rssi_falls_as_distance_grows(d in any::<u32>(), step in 0..=u32::MAX) {
        let farther = d.saturating_add(step);
        prop_assert!(
            max_rssi_centi_dbm(1_400, 200, 300, farther, EU868_KHZ)
                <= max_rssi_centi_dbm(1_400, 200, 300, d, EU868_KHZ)
        );
    }
}
