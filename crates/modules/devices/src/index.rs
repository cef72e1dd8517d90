//! Lists of devices by owner, by location and by class, kept in state so they survive
//! restarts and can be proven like any record.
//!
//! Each list is `(list key, slot) -> device` plus a count; a device record remembers its slot in
//! each list, so removal is a swap with the last slot (O(1) writes). Locations are indexed by
//! their resolution-[`INDEX_RESOLUTION`] parent (about 0.7 km² cells).

use crate::{state_key::Devices, types::Device};
use terrane_primitives::{Address, ClassId, DeviceId};
use terrane_state::{Overlay, StateError, StateRead, Table, tables};

/// The H3 resolution locations are indexed at.
pub const INDEX_RESOLUTION: u8 = 8;

macro_rules! list_tables {
    ($list:ident, $count:ident, $list_id:expr, $count_id:expr, $key:ty, $name:literal, $count_name:literal) => {
        /// `(key, slot) -> device`.
        pub struct $list;
        impl Table for $list {
            const ID: terrane_state::TableId = $list_id;
            const NAME: &'static str = $name;
            type Key = ($key, u32);
            type Value = DeviceId;
            fn value_cfg() {}
        }

        /// `key -> number of devices`.
        pub struct $count;
        impl Table for $count {
            const ID: terrane_state::TableId = $count_id;
            const NAME: &'static str = $count_name;
            type Key = $key;
            type Value = u32;
            fn value_cfg() {}
        }
    };
}

list_tables!(
    OwnerList,
    OwnerCount,
    tables::OWNER_DEVICES,
    tables::OWNER_DEVICE_COUNT,
    Address,
    "owner_devices",
    "owner_device_count"
);
list_tables!(
    CellList,
    CellCount,
    tables::CELL_DEVICES,
    tables::CELL_DEVICE_COUNT,
    u64,
    "cell_devices",
    "cell_device_count"
);
list_tables!(
    ClassList,
    ClassCount,
    tables::CLASS_DEVICES,
    tables::CLASS_DEVICE_COUNT,
    ClassId,
    "class_devices",
    "class_device_count"
);

/// The index cell of a device location.
pub fn index_cell(d: &Device) -> u64 {
    d.location
        .parent(INDEX_RESOLUTION)
        .expect("device locations are resolution 12")
        .raw()
}

/// Appends `device` to the list `key`, returning its slot.
async fn push<S, L, C, K>(
    state: &mut Overlay<S>,
    key: &K,
    device: &DeviceId,
) -> Result<u32, StateError>
where
    S: StateRead,
    K: Clone,
    L: Table<Key = (K, u32), Value = DeviceId>,
    C: Table<Key = K, Value = u32>,
{
    let n = state.get::<C>(key).await?.unwrap_or(0);
    state.put::<L>(&(key.clone(), n), device);
    state.put::<C>(key, &(n + 1));
    Ok(n)
}

/// Removes the device at `slot` of list `key` by moving the last device into it. Returns the
/// device that moved (whose record must learn its new slot), if any.
async fn swap_remove<S, L, C, K>(
    state: &mut Overlay<S>,
    key: &K,
    slot: u32,
) -> Result<Option<DeviceId>, StateError>
where
    S: StateRead,
    K: Clone,
    L: Table<Key = (K, u32), Value = DeviceId>,
    C: Table<Key = K, Value = u32>,
{
    let n = state
        .get::<C>(key)
        .await?
        .expect("a listed device's list has a count");
    let last = n - 1;
    state.put::<C>(key, &last);
    if slot == last {
        state.delete::<L>(&(key.clone(), last));
        return Ok(None);
    }
    let moved = state
        .get::<L>(&(key.clone(), last))
        .await?
        .expect("lists are contiguous");
    state.put::<L>(&(key.clone(), slot), &moved);
    state.delete::<L>(&(key.clone(), last));
    Ok(Some(moved))
}

/// Lists a newly registered device everywhere, setting its slots.
pub async fn insert<S: StateRead>(
    state: &mut Overlay<S>,
    d: &mut Device,
) -> Result<(), StateError> {
    d.owner_slot = push::<S, OwnerList, OwnerCount, _>(state, &d.owner, &d.id).await?;
    d.cell_slot = push::<S, CellList, CellCount, _>(state, &index_cell(d), &d.id).await?;
    d.class_slot = push::<S, ClassList, ClassCount, _>(state, &d.class(), &d.id).await?;
    Ok(())
}

/// Moves a device from its owner's list to `new_owner`'s.
pub async fn change_owner<S: StateRead>(
    state: &mut Overlay<S>,
    d: &mut Device,
    new_owner: Address,
) -> Result<(), StateError> {
    if let Some(moved) =
        swap_remove::<S, OwnerList, OwnerCount, _>(state, &d.owner, d.owner_slot).await?
    {
        let mut m = state
            .get::<Devices>(&moved)
            .await?
            .expect("listed devices exist");
        m.owner_slot = d.owner_slot;
        state.put::<Devices>(&moved, &m);
    }
    d.owner = new_owner;
    d.owner_slot = push::<S, OwnerList, OwnerCount, _>(state, &new_owner, &d.id).await?;
    Ok(())
}

/// Moves a device from its old index cell's list to the one of `d.location` (call after
/// changing the location; `old_cell` is the previous index cell).
pub async fn change_cell<S: StateRead>(
    state: &mut Overlay<S>,
    d: &mut Device,
    old_cell: u64,
) -> Result<(), StateError> {
    let new_cell = index_cell(d);
    if new_cell == old_cell {
        return Ok(());
    }
    if let Some(moved) =
        swap_remove::<S, CellList, CellCount, _>(state, &old_cell, d.cell_slot).await?
    {
        let mut m = state
            .get::<Devices>(&moved)
            .await?
            .expect("listed devices exist");
        m.cell_slot = d.cell_slot;
        state.put::<Devices>(&moved, &m);
    }
    d.cell_slot = push::<S, CellList, CellCount, _>(state, &new_cell, &d.id).await?;
    Ok(())
}

async fn list<S, L, C, K>(
    state: &Overlay<S>,
    key: &K,
    limit: u32,
) -> Result<Vec<DeviceId>, StateError>
where
    S: StateRead,
    K: Clone,
    L: Table<Key = (K, u32), Value = DeviceId>,
    C: Table<Key = K, Value = u32>,
{
    let n = state.get::<C>(key).await?.unwrap_or(0).min(limit);
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        out.push(
            state
                .get::<L>(&(key.clone(), i))
                .await?
                .expect("lists are contiguous"),
        );
    }
    Ok(out)
}

/// Devices of `owner` (at most `limit`).
pub async fn by_owner<S: StateRead>(
    state: &Overlay<S>,
    owner: &Address,
    limit: u32,
) -> Result<Vec<DeviceId>, StateError> {
    list::<S, OwnerList, OwnerCount, _>(state, owner, limit).await
}

/// Devices whose location's resolution-8 parent is `cell` (at most `limit`).
pub async fn by_index_cell<S: StateRead>(
    state: &Overlay<S>,
    cell: u64,
    limit: u32,
) -> Result<Vec<DeviceId>, StateError> {
    list::<S, CellList, CellCount, _>(state, &cell, limit).await
}

/// Devices of `class` (at most `limit`).
pub async fn by_class<S: StateRead>(
    state: &Overlay<S>,
    class: ClassId,
    limit: u32,
) -> Result<Vec<DeviceId>, StateError> {
    list::<S, ClassList, ClassCount, _>(state, &class, limit).await
}

/// Number of devices of `owner`, in index cell `cell`, and of `class`.
pub async fn counts<S: StateRead>(
    state: &Overlay<S>,
    owner: Option<&Address>,
    cell: Option<u64>,
    class: Option<ClassId>,
) -> Result<(u32, u32, u32), StateError> {
    let o = match owner {
        Some(a) => state.get::<OwnerCount>(a).await?.unwrap_or(0),
        None => 0,
    };
    let c = match cell {
        Some(c) => state.get::<CellCount>(&c).await?.unwrap_or(0),
        None => 0,
    };
    let k = match class {
        Some(k) => state.get::<ClassCount>(&k).await?.unwrap_or(0),
        None => 0,
    };
    Ok((o, c, k))
}
