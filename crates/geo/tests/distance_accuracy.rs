//! `distance_m` against the float great-circle distance between h3o's cell centers.

mod common;

use common::SplitMix64;
use h3o::CellIndex;
use terrane_geo::{H3Cell, distance_m, offchain};

/// The documented bound: the exact spherical distance rounded to the meter (0.5 m), plus a
/// millimeter for fixed-point and float noise.
const MAX_ERROR_M: f64 = 0.501;

/// Sample points of one kind of place.
struct Region {
    name: &'static str,
    lat: f64,
    lng: f64,
    /// The first point of a pair lands uniformly within this square (meters a side).
    spread_m: f64,
}

fn region(name: &'static str, lat: f64, lng: f64, spread_m: f64) -> Region {
    Region {
        name,
        lat,
        lng,
        spread_m,
    }
}

fn index(cell: H3Cell) -> CellIndex {
    CellIndex::try_from(cell.raw()).unwrap()
}

/// The float truth for two cells: haversine between h3o's centers.
fn truth_m(a: H3Cell, b: H3Cell) -> f64 {
    offchain::haversine_m(offchain::center(a), offchain::center(b))
}

/// A point where the base cell of the resolution-12 cells changes along an eastward walk from
/// (`lat`, `lng`). (Fine cells belong to a base cell by their digits, not by which resolution-0
/// hexagon holds them: the two boundaries differ by many kilometers.)
fn base_cell_edge_near(lat: f64, lng: f64) -> (f64, f64) {
    let base_cell = |p: (f64, f64)| index(offchain::cell_at(p.0, p.1, 12)).base_cell();
    let start = base_cell((lat, lng));
    (1..20_000)
        .map(|step| offchain::offset(lat, lng, 0.0, f64::from(step) * 100.0))
        .find(|&p| base_cell(p) != start)
        .expect("a base cell edge within 2000 km")
}

/// Whether the cell at (`lat`, `lng`) and `res` has an outline spanning two icosahedron faces.
fn straddles_faces(p: (f64, f64), res: u8) -> bool {
    index(offchain::cell_at(p.0, p.1, res))
        .icosahedron_faces()
        .len()
        > 1
}

/// A point on an icosahedron face edge near (`lat`, `lng`): an eastward walk in 20 km steps
/// finds a resolution-3 cell spanning two faces, then walks east-west and north-south through it
/// in 100 m steps find a resolution-9 one.
fn face_edge_near(lat: f64, lng: f64) -> (f64, f64) {
    let coarse = (0..1_000)
        .map(|step| offchain::offset(lat, lng, 0.0, f64::from(step) * 20_000.0))
        .find(|&p| straddles_faces(p, 3))
        .expect("a face edge within 20000 km");
    let line = |north: f64, east: f64| {
        (0..4_000).map(move |step| {
            let t = f64::from(step) * 100.0 - 200_000.0;
            offchain::offset(coarse.0, coarse.1, north * t, east * t)
        })
    };
    line(0.0, 1.0)
        .chain(line(1.0, 0.0))
        .find(|&p| straddles_faces(p, 9))
        .expect("the edge within 200 km of the coarse hit")
}

fn regions() -> Vec<Region> {
    let mut regions = vec![
        region("equator (Gabon coast)", 0.0, 9.5, 20_000.0),
        region("equator (Quito)", -0.18, -78.47, 20_000.0),
        region("equator (Singapore)", 1.35, 103.82, 20_000.0),
        region("mid-latitude (Paris)", 48.86, 2.35, 20_000.0),
        region("mid-latitude (Sydney)", -33.87, 151.21, 20_000.0),
        region("high latitude (Tromsø)", 69.65, 18.96, 20_000.0),
        region("high latitude (Svalbard)", 78.22, 15.65, 20_000.0),
        region("high latitude (McMurdo)", -77.85, 166.67, 20_000.0),
        region("high latitude (Alert)", 82.5, -62.3, 20_000.0),
    ];
    for (lat, lng) in [
        (0.3, -161.0),
        (30.3, 40.0),
        (-48.3, 60.0),
        (52.5, 13.4),
        (-23.5, -46.6),
        (35.7, 139.7),
    ] {
        let (lat, lng) = base_cell_edge_near(lat, lng);
        regions.push(region("base cell edge", lat, lng, 1_000.0));
    }
    for (lat, lng) in [(10.3, 0.1), (-20.3, 100.1), (45.0, -100.0)] {
        let (lat, lng) = face_edge_near(lat, lng);
        regions.push(region("icosahedron face edge", lat, lng, 1_000.0));
    }
    // The pentagons of base cell 4 (64.7° N, 10.5° E, off the Norwegian coast) and base cell
    // 24 (39.1° N, 122.3° E, off Dalian): both near land, so devices will be there.
    for (base, near) in [(4, (64.7, 10.5)), (24, (39.1, 122.3))] {
        let cell = CellIndex::base_cells().nth(base).unwrap();
        assert!(cell.is_pentagon());
        let (lat, lng) = offchain::center(H3Cell::from_raw(u64::from(cell)));
        assert!((lat - near.0).abs() < 0.1 && (lng - near.1).abs() < 0.1);
        regions.push(region("pentagon", lat, lng, 10_000.0));
    }
    regions
}

#[test]
fn distance_matches_haversine_of_cell_centers_from_20_m_to_150_km() {
    let regions = regions();
    let mut rng = SplitMix64::new(0x7e77a9e);
    let mut worst_m = 0.0_f64;
    let mut worst_relative = 0.0_f64;
    let mut pairs = 0;
    let (mut across_base_cells, mut across_faces) = (0, 0);
    for n in 0..510 {
        let r = &regions[n % regions.len()];
        let a = offchain::offset(
            r.lat,
            r.lng,
            (rng.unit() - 0.5) * r.spread_m,
            (rng.unit() - 0.5) * r.spread_m,
        );
        // Log-uniform separation in [20 m, 150 km], uniform bearing.
        let separation_m = 20.0 * (150_000.0_f64 / 20.0).powf(rng.unit());
        let bearing = rng.unit() * core::f64::consts::TAU;
        let b = offchain::offset(
            a.0,
            a.1,
            separation_m * bearing.cos(),
            separation_m * bearing.sin(),
        );
        let (ca, cb) = (
            offchain::cell_at(a.0, a.1, 12),
            offchain::cell_at(b.0, b.1, 12),
        );
        let truth = truth_m(ca, cb);
        let got = distance_m(ca, cb).expect("same-resolution valid cells");
        assert_eq!(distance_m(cb, ca), Some(got), "symmetric");
        let error = f64::from(got) - truth;
        assert!(
            error.abs() <= MAX_ERROR_M,
            "{}: {ca} to {cb}: {got} m, truth {truth:.3} m",
            r.name
        );
        worst_m = worst_m.max(error.abs());
        if truth > 0.0 {
            worst_relative = worst_relative.max(error.abs() / truth);
        }
        pairs += 1;
        let (ia, ib) = (index(ca), index(cb));
        across_base_cells += usize::from(ia.base_cell() != ib.base_cell());
        across_faces += usize::from(ia.icosahedron_faces() != ib.icosahedron_faces());
    }
    assert!(
        across_base_cells >= 40 && across_faces >= 40,
        "{across_base_cells} {across_faces}"
    );
    println!(
        "distance_m over {pairs} pairs ({across_base_cells} across base cells, {across_faces} \
         across faces): max |error| {worst_m:.4} m, max relative {:.3} %",
        worst_relative * 100.0
    );
}

#[test]
fn long_distances_and_antipodes_match_haversine() {
    let places = [
        (48.86, 2.35),
        (31.22, 121.47),
        (-33.87, 151.21),
        (64.15, -21.94),
        (-54.8, -68.3),
        (0.0, 0.0),
        (0.0, 180.0),
        (89.9, 45.0),
        (-89.9, -135.0),
    ];
    for &a in &places {
        for &b in &places {
            let (ca, cb) = (
                offchain::cell_at(a.0, a.1, 12),
                offchain::cell_at(b.0, b.1, 12),
            );
            let truth = truth_m(ca, cb);
            let got = f64::from(distance_m(ca, cb).unwrap());
            // Float haversine near the antipode loses a few decimeters of its own.
            assert!(
                (got - truth).abs() <= 1.0,
                "{a:?} to {b:?}: {got} vs {truth:.3}"
            );
        }
    }
}

#[test]
fn neighbors_are_10_to_25_m_apart_and_identical_cells_0_m() {
    let mut spacings = Vec::new();
    for (lat, lng) in [
        (0.0, 9.5),
        (48.86, 2.35),
        (78.22, 15.65),
        (39.1, 122.3),
        (64.7, 10.5),
    ] {
        let origin = offchain::cell_at(lat, lng, 12);
        assert_eq!(distance_m(origin, origin), Some(0));
        for neighbor in index(origin).grid_disk::<Vec<_>>(1) {
            let neighbor = H3Cell::from_raw(u64::from(neighbor));
            if neighbor == origin {
                continue;
            }
            let d = distance_m(origin, neighbor).unwrap();
            assert!((f64::from(d) - truth_m(origin, neighbor)).abs() <= MAX_ERROR_M);
            assert!((10..=25).contains(&d), "{origin} to {neighbor}: {d} m");
            spacings.push(d);
        }
    }
    println!(
        "resolution-12 neighbor spacing: {}..={} m",
        spacings.iter().min().unwrap(),
        spacings.iter().max().unwrap()
    );
}

#[test]
fn other_resolutions_work_but_mixed_resolutions_and_invalid_cells_are_none() {
    let (paris, shanghai) = ((48.86, 2.35), (31.22, 121.47));
    for res in [0_u8, 5, 9, 15] {
        let a = offchain::cell_at(paris.0, paris.1, res);
        let b = offchain::cell_at(shanghai.0, shanghai.1, res);
        let got = f64::from(distance_m(a, b).unwrap());
        assert!((got - truth_m(a, b)).abs() <= 1.0, "res {res}");
        assert_eq!(distance_m(a, a.parent(0).unwrap()).is_none(), res != 0);
    }
    let valid = offchain::cell_at(paris.0, paris.1, 12);
    assert_eq!(distance_m(valid, H3Cell::from_raw(0)), None);
    assert_eq!(distance_m(H3Cell::from_raw(u64::MAX), valid), None);
}

proptest::proptest! {
    #[test]
    fn distance_is_symmetric_zero_only_for_the_same_cell_and_obeys_the_triangle_inequality(
        points in proptest::array::uniform3((-89.9_f64..89.9, -180.0_f64..180.0)),
    ) {
        let [a, b, c] = points.map(|(lat, lng)| offchain::cell_at(lat, lng, 12));
        let d = |x, y| distance_m(x, y).unwrap();
        proptest::prop_assert_eq!(d(a, b), d(b, a));
        proptest::prop_assert_eq!(d(a, b) == 0, a == b);
        // Each distance is rounded to the meter: allow one meter of slack.
        proptest::prop_assert!(d(a, c) <= d(a, b) + d(b, c) + 1);
    }
}
