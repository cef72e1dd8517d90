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

#[test]
fn crossover_for_10_m_antennas_at_868_mhz_is_3_6_km() {
    // 4π · 10 · 10 / (299_792_458 / 868e6) = 3_638.4 m, rounded up.
    assert_eq!(terrane_geo::crossover_m(10, EU868_KHZ), 3_639);
    // Four times the height product, four times the distance (within rounding).
    assert_eq!(terrane_geo::crossover_m(20, EU868_KHZ), 14_554);
    assert_eq!(terrane_geo::crossover_m(0, EU868_KHZ), 1);
    assert_eq!(terrane_geo::crossover_m(u32::MAX, u32::MAX), u32::MAX);
}

#[test]
fn credible_loss_is_free_space_to_the_crossover_then_40_db_per_decade() {
    use terrane_geo::{credible_loss_centi_db, crossover_m};
    let dc = crossover_m(10, EU868_KHZ);
    for d in [300, 1_000, dc] {
        assert_eq!(
            credible_loss_centi_db(d, EU868_KHZ, 10, 40),
            fspl_centi_db(d, EU868_KHZ)
        );
    }
    let at_dc = fspl_centi_db(dc, EU868_KHZ);
    let decade = credible_loss_centi_db(dc * 10, EU868_KHZ, 10, 40) - at_dc;
    assert!((decade - 4_000).abs() <= 1, "{decade}");
    // At 60 km a free-space reading is ~30 dB stronger than any ground link allows.
    let gap = credible_loss_centi_db(60_000, EU868_KHZ, 10, 40) - fspl_centi_db(60_000, EU868_KHZ);
    assert!((2_400..=2_500).contains(&gap), "{gap}");
    // Exponent 2 is free space everywhere.
    assert!(
        (credible_loss_centi_db(60_000, EU868_KHZ, 10, 20) - fspl_centi_db(60_000, EU868_KHZ))
            .abs()
            <= 1
    );
}

#[test]
fn max_credible_rssi_is_eirp_plus_rx_gain_minus_credible_loss_and_saturates() {
    use terrane_geo::{credible_loss_centi_db, max_credible_rssi_centi_dbm};
    assert_eq!(
        max_credible_rssi_centi_dbm(1_400, 300, 300, 50_000, EU868_KHZ, 10, 40),
        2_000 - credible_loss_centi_db(50_000, EU868_KHZ, 10, 40)
    );
    assert_eq!(
        max_credible_rssi_centi_dbm(i32::MIN, 0, 0, u32::MAX, u32::MAX, u32::MAX, u32::MAX),
        i32::MIN
    );
}

proptest! {
    #[test]
    fn credible_loss_is_monotone_in_distance_and_never_below_free_space(
        d in any::<u32>(),
        step in 0..=u32::MAX,
        f in 1..=u32::MAX,
        h in 0..=10_000_u32,
        n in 20..=100_u32,
    ) {
        let farther = d.saturating_add(step);
        let loss = terrane_geo::credible_loss_centi_db(d, f, h, n);
        prop_assert!(loss <= terrane_geo::credible_loss_centi_db(farther, f, h, n));
        // The far slope is at least free space's, so the bound never exceeds physics' maximum
        // (up to the one-hundredth rounding of each logarithm).
        prop_assert!(loss >= fspl_centi_db(d, f) - 2);
    }
}
