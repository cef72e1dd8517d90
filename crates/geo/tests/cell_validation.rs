//! Which 64-bit values are acceptable device locations.

use h3o::CellIndex;
use terrane_geo::{DEVICE_RESOLUTION, GeoError, H3Cell, offchain};

/// The Eiffel Tower's resolution-12 cell.
const EIFFEL_RES12: u64 = 0x8c1fb46741ae9ff;

#[test]
fn accepts_a_resolution_12_cell() {
    let cell = H3Cell::from_raw(EIFFEL_RES12);
    assert_eq!(cell.validate(DEVICE_RESOLUTION), Ok(()));
    assert_eq!(cell, offchain::cell_at(48.858_37, 2.294_481, 12));
    assert_eq!(H3Cell::DEVICE_RESOLUTION, 12);
}

#[test]
fn rejects_a_resolution_11_cell_with_wrong_resolution() {
    let parent = H3Cell::from_raw(EIFFEL_RES12).parent(11).unwrap();
    assert_eq!(
        parent.validate(DEVICE_RESOLUTION),
        Err(GeoError::WrongResolution {
            expected: 12,
            got: 11
        })
    );
}

#[test]
fn rejects_garbage_u64_values_as_not_a_cell() {
    for raw in [
        0,
        u64::MAX,
        0xdead_beef,
        // Reserved high bit set.
        EIFFEL_RES12 | 1 << 63,
        // Base cell 122 does not exist.
        (EIFFEL_RES12 & !(0x7f << 45)) | 122 << 45,
        // A digit past the resolution that is not the unused marker 7.
        EIFFEL_RES12 & !0b111,
        // Pentagon base cell 4 with a leading K digit: a deleted sub-sequence.
        0x8c0_8400_0000_01ff,
    ] {
        assert_eq!(
            H3Cell::from_raw(raw).validate(DEVICE_RESOLUTION),
            Err(GeoError::NotACell),
            "{raw:#x}"
        );
    }
}

#[test]
fn rejects_directed_edge_and_vertex_indexes_as_not_a_cell() {
    let cell = CellIndex::try_from(EIFFEL_RES12).unwrap();
    let edge = cell.edges().next().unwrap();
    let vertex = cell.vertexes().next().unwrap();
    for raw in [u64::from(edge), u64::from(vertex)] {
        // Same resolution bits, different index mode.
        assert_eq!(
            H3Cell::from_raw(raw).validate(DEVICE_RESOLUTION),
            Err(GeoError::NotACell),
            "{raw:#x}"
        );
    }
}

#[test]
fn displays_in_the_h3_text_form() {
    let cell = H3Cell::from_raw(EIFFEL_RES12);
    assert_eq!(cell.to_string(), "8c1fb46741ae9ff");
    assert_eq!("8c1fb46741ae9ff".parse(), Ok(cell));
}
