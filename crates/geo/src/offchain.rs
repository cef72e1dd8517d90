//! Floating-point geography and radio models for simulators, tools and tests.
//!
//! **State code must never call anything in this module.** These functions use `f64` with
//! trigonometry (`sin`, `cos`, `atan2`, `log10`, …) whose last bits differ between platforms and
//! libm versions, so two validators could disagree. The device fleet simulator uses them to place
//! devices at real cities and to decide who hears whom; the chain re-checks everything with the
//! integer functions at the crate root.
//!
//! Functions that take a cell panic if it is not a valid H3 cell index, and [`cell_at`] panics on
//! non-finite coordinates or a resolution above 15: callers here are tools, not the chain.

use crate::H3Cell;
use h3o::{CellIndex, LatLng, Resolution};

/// The sphere radius H3 uses (its authalic Earth radius, `h3o::EARTH_RADIUS_KM`), in meters, so
/// that [`haversine_m`] agrees with H3's published edge lengths.
pub const EARTH_RADIUS_M: f64 = 6_371_007.180_918_475;

/// The cell at resolution `res` containing the point (degrees; longitude wraps).
///
/// # Panics
/// If `lat_deg` or `lng_deg` is not finite, or `res > 15`.
pub fn cell_at(lat_deg: f64, lng_deg: f64, res: u8) -> H3Cell {
    let point = LatLng::new(lat_deg, lng_deg).expect("finite latitude and longitude");
    let res = Resolution::try_from(res).expect("H3 resolution is 0..=15");
    H3Cell::from_raw(u64::from(point.to_cell(res)))
}

/// The center of `cell` as (latitude, longitude) in degrees.
///
/// # Panics
/// If `cell` is not a valid H3 cell index.
pub fn center(cell: H3Cell) -> (f64, f64) {
    let index = CellIndex::try_from(cell.raw()).expect("a valid H3 cell index");
    let point = LatLng::from(index);
    (point.lat(), point.lng())
}

/// Great-circle distance in meters between two (latitude, longitude) points in degrees, on a
/// sphere of radius [`EARTH_RADIUS_M`] (within ~0.5 % of the ellipsoidal distance).
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let half_dlat = (lat2 - lat1) / 2.0;
    let half_dlng = (b.1 - a.1).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat1.cos() * lat2.cos() * half_dlng.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The point `north_m` meters north and `east_m` meters east of (`lat_deg`, `lng_deg`), as
/// (latitude, longitude) in degrees, for jittering simulated devices around a city.
///
/// Flat-Earth approximation, good to well under 1 % for offsets of a few kilometers away from
/// the poles. Latitude is clamped to ±90°; longitude wraps into [−180°, 180°).
pub fn offset(lat_deg: f64, lng_deg: f64, north_m: f64, east_m: f64) -> (f64, f64) {
    let dlat = (north_m / EARTH_RADIUS_M).to_degrees();
    // Near a pole the parallel shrinks to a point; keep the divisor away from zero.
    let parallel_radius_m = (EARTH_RADIUS_M * lat_deg.to_radians().cos()).max(1.0);
    let dlng = (east_m / parallel_radius_m).to_degrees();
    let lat = (lat_deg + dlat).clamp(-90.0, 90.0);
    let lng = (lng_deg + dlng + 180.0).rem_euclid(360.0) - 180.0;
    (lat, lng)
}

/// Free-space path loss in dB at `distance_m` (clamped to at least 1 m) and `freq_hz`.
fn fspl_db(distance_m: f64, freq_hz: f64) -> f64 {
    let four_pi_over_c = 4.0 * core::f64::consts::PI / 299_792_458.0;
    20.0 * distance_m.max(1.0).log10() + 20.0 * freq_hz.log10() + 20.0 * four_pi_over_c.log10()
}

/// Received signal strength in dBm under the log-distance path loss model:
///
/// `rssi = tx + tx_gain + rx_gain − (FSPL(1 m) + 10·n·log10(d / 1 m) + noise)`
///
/// with `n = path_loss_exponent` (2 in free space, ~2.7–3.5 in cities, 4–6 indoors) and
/// `noise_db` an extra loss the caller draws (log-normal shadowing: a normal variate in dB, whose
/// sign is the caller's; positive is a weaker signal). With `n = 2` and `noise_db = 0` this is the
/// free-space budget, the float twin of [`crate::max_rssi_centi_dbm`]. Distances below 1 m are
/// taken as 1 m.
pub fn log_distance_rssi_dbm(
    tx_dbm: f64,
    tx_gain_dbi: f64,
    rx_gain_dbi: f64,
    distance_m: f64,
    freq_hz: f64,
    path_loss_exponent: f64,
    noise_db: f64,
) -> f64 {
    let path_loss_db =
        fspl_db(1.0, freq_hz) + 10.0 * path_loss_exponent * distance_m.max(1.0).log10() + noise_db;
    tx_dbm + tx_gain_dbi + rx_gain_dbi - path_loss_db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_at_and_center_round_trip_within_the_cell() {
        let (lat, lng) = (48.858_37, 2.294_481);
        let cell = cell_at(lat, lng, 12);
        assert_eq!(cell.resolution(), Some(12));
        let c = center(cell);
        assert!(haversine_m((lat, lng), c) < 12.0);
        assert_eq!(cell_at(c.0, c.1, 12), cell);
    }

    #[test]
    fn haversine_matches_h3o_great_circle() {
        let (a, b) = ((48.864_716, 2.349_014), (31.224_361, 121.469_17));
        let h3o_m = LatLng::new(a.0, a.1)
            .unwrap()
            .distance_m(LatLng::new(b.0, b.1).unwrap());
        assert!((haversine_m(a, b) - h3o_m).abs() < 1e-3);
    }

    #[test]
    fn offset_moves_by_the_requested_meters_and_wraps_longitude() {
        let start = (45.0, 7.0);
        let moved = offset(start.0, start.1, 300.0, -400.0);
        assert!((haversine_m(start, moved) - 500.0).abs() < 0.5);
        let (_, lng) = offset(0.0, 179.999_9, 0.0, 100.0);
        assert!((-180.0..-179.0).contains(&lng));
        let (lat, _) = offset(89.999_9, 0.0, 1_000.0, 0.0);
        assert!(lat <= 90.0);
    }

    #[test]
    fn log_distance_with_exponent_two_and_no_noise_is_free_space() {
        let rssi = log_distance_rssi_dbm(14.0, 2.0, 3.0, 1_000.0, 868e6, 2.0, 0.0);
        let fspl = 91.218_2;
        assert!((rssi - (14.0 + 2.0 + 3.0 - fspl)).abs() < 1e-3);
        let urban = log_distance_rssi_dbm(14.0, 2.0, 3.0, 1_000.0, 868e6, 3.0, 4.0);
        assert!((urban - (rssi - 30.0 - 4.0)).abs() < 1e-9);
    }
}
