//! `GET /v1/devices…`: registry records with proofs, bounded lists over the device indexes,
//! judged reports, reward ledgers and reward-line proofs.

use super::*;

/// Most index slots one `GET /v1/devices` request reads: a full page plus as many devices
/// again three times over that its other filters skip.
pub const MAX_SCANNED_SLOTS: u32 = 4 * terrane_api::MAX_DEVICE_LIST_LIMIT;

/// A device index list (`terrane_devices::index`): `(key, slot) -> device` plus its length.
pub(super) enum IndexList {
    Owner(Address),
    Cell(u64),
    Class(terrane_primitives::ClassId),
}

impl IndexList {
    async fn len<S: terrane_state::StateRead>(
        &self,
        state: &Overlay<S>,
    ) -> Result<u32, terrane_state::StateError> {
        let n = match self {
            Self::Owner(a) => state.get::<index::OwnerCount>(a).await?,
            Self::Cell(c) => state.get::<index::CellCount>(c).await?,
            Self::Class(k) => state.get::<index::ClassCount>(k).await?,
        };
        Ok(n.unwrap_or(0))
    }

    async fn get<S: terrane_state::StateRead>(
        &self,
        state: &Overlay<S>,
        slot: u32,
    ) -> Result<Option<DeviceId>, terrane_state::StateError> {
        match self {
            Self::Owner(a) => state.get::<index::OwnerList>(&(*a, slot)).await,
            Self::Cell(c) => state.get::<index::CellList>(&(*c, slot)).await,
            Self::Class(k) => state.get::<index::ClassList>(&(*k, slot)).await,
        }
    }
}

/// The list and slot at `position` of the lists read one after the other.
fn locate(lists: &[(IndexList, u32)], mut position: u32) -> Option<(&IndexList, u32)> {
    for (list, len) in lists {
        if position < *len {
            return Some((list, position));
        }
        position -= len;
    }
    None
}

/// One page read from index lists.
pub(super) struct Page {
    pub(super) devices: Vec<Device>,
    pub(super) total: u32,
    pub(super) next_cursor: Option<u32>,
}

/// Reads `lists` one after the other from position `cursor`, keeping the devices `keep`
/// accepts, until `limit` are kept, [`MAX_SCANNED_SLOTS`] slots are read, or the lists end.
/// `total` is the lists' summed length, from their counts.
pub(super) async fn read_page<S: terrane_state::StateRead>(
    overlay: &Overlay<S>,
    lists: Vec<IndexList>,
    cursor: u32,
    limit: u32,
    keep: impl Fn(&Device) -> bool,
) -> Result<Page, terrane_state::StateError> {
    let mut sized = Vec::with_capacity(lists.len());
    for list in lists {
        let len = list.len(overlay).await?;
        sized.push((list, len));
    }
    let total = sized.iter().fold(0u32, |t, (_, n)| t.saturating_add(*n));
    let stop = cursor.saturating_add(MAX_SCANNED_SLOTS).min(total);
    let mut devices = Vec::new();
    let mut position = cursor;
    while position < stop && devices.len() < limit as usize {
        let (list, slot) = locate(&sized, position).expect("position below the total");
        let id = list
            .get(overlay, slot)
            .await?
            .expect("index lists are contiguous");
        let d = terrane_devices::handler::device(overlay, &id)
            .await?
            .expect("listed devices exist");
        if keep(&d) {
            devices.push(d);
        }
        position += 1;
    }
    Ok(Page {
        devices,
        total,
        next_cursor: (position < total).then_some(position),
    })
}

/// The resolution-8 index cells covering `cell`: its parent if it is at least as fine, its
/// children if it is up to three resolutions coarser (at most 343); coarser is refused.
pub(super) fn index_cells(cell: h3o::CellIndex) -> Result<Vec<u64>, ApiError> {
    let res = u8::from(cell.resolution());
    let index_res = index::INDEX_RESOLUTION;
    let at_index = h3o::Resolution::try_from(index_res).expect("valid resolution");
    if res >= index_res {
        Ok(vec![u64::from(
            cell.parent(at_index).expect("finer cells have parents"),
        )])
    } else if res + 3 >= index_res {
        Ok(cell.children(at_index).map(u64::from).collect())
    } else {
        Err(ApiError::bad_request(
            EnvelopeRejection::Malformed.code(),
            "malformed",
            format!(
                "cell resolution {res} is too coarse: use resolution {} or finer",
                index_res - 3
            ),
        ))
    }
}

/// Most epochs a device's reward history reaches back.
const REWARD_HISTORY_EPOCHS: u64 = 10;

/// A class's name for the API: the class list's, else its id (a class this binary does not
/// know, which only a newer chain's records could carry).
pub(super) fn class_label(class: terrane_primitives::ClassId) -> String {
    terrane_app::modules::class_name(class).map_or_else(|| format!("class-{class}"), str::to_owned)
}

fn status_name(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Active => "active",
        DeviceStatus::Deactivated => "deactivated",
    }
}

pub(super) fn summary_view(d: &Device) -> DeviceSummaryView {
    DeviceSummaryView {
        id: d.id.to_string(),
        owner: d.owner.to_string(),
        class: class_label(d.class()),
        location: d.location.to_string(),
        status: status_name(d.status).to_owned(),
    }
}

fn line_view(epoch: Epoch, line: &RewardLine) -> RewardLineView {
    let b = &line.breakdown;
    RewardLineView {
        epoch: epoch.get(),
        class: class_label(line.class),
        units: b.units,
        cell_devices: b.cell_devices,
        cell_scale_ppm: b.cell_scale_ppm,
        reputation_ppm: b.reputation_ppm,
        vetting_ppm: b.vetting_ppm,
        eligible: b.eligible,
        demand_cap: b.demand_cap,
        backing_ppm: b.backing_ppm,
        scaled_units: b.scaled_units.to_string(),
        uncapped: b.uncapped,
        capped_by: match b.capped_by {
            terrane_rewards::Cap::None => "none",
            terrane_rewards::Cap::Device => "device",
            terrane_rewards::Cap::Cell => "cell",
            terrane_rewards::Cap::Demand => "demand",
        }
        .to_owned(),
        amount: b.amount,
        usage_credits: line.usage.credits,
        usage_face: line.usage.face,
        usage_paid: line.usage.paid,
        total: line.total(),
        leaf_index: line.leaf_index,
    }
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn device_view(&self, id: DeviceId) -> Result<Option<DeviceView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let Some(d) = terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let (height, epoch) = self.head(&overlay).await?;
        let work = terrane_pow::handler::device_work(&overlay, self.pow_params(), &id, epoch)
            .await
            .map_err(internal)?;
        let ledger = terrane_rewards::handler::device_rewards(&overlay, &id)
            .await
            .map_err(internal)?;
        let eligible_from = terrane_app::modules::eligible_from(&overlay, &d)
            .await
            .map_err(internal)?;
        let record = self
            .prove(&guard, height, &StateKey::of::<Devices>(&id))
            .await?;
        Ok(Some(DeviceView {
            id: d.id.to_string(),
            owner: d.owner.to_string(),
            class: class_label(d.class()),
            capabilities: terrane_app::modules::capabilities_json(&d.capabilities),
            maker: d.maker.to_string(),
            location: d.location.to_string(),
            status: status_name(d.status).to_owned(),
            registered_at: d.registered_at.get(),
            registered_epoch: d.registered_epoch.get(),
            relocations: d.relocations,
            eligible_from: eligible_from.get(),
            reputation_ppm: work.reputation_ppm,
            valid_reports: work.valid_reports,
            invalid_reports: work.invalid_reports,
            rewards: RewardLedgerView {
                cumulative: ledger.cumulative.get(),
                claimed: ledger.claimed.get(),
                delegated: ledger.delegated.get(),
                claimable: ledger.claimable().get(),
                last_epoch: ledger.last_epoch.get(),
            },
            record,
        }))
    }

    /// One page of `GET /v1/devices`. The page is read from one index list, the primary:
    /// the owner's if an owner is given, else the index cells covering the cell, else the
    /// class's. At most [`MAX_SCANNED_SLOTS`] slots are read from `q.cursor` on, and the
    /// other filters are applied to the records read, so the work under the read guard is
    /// bounded whatever the filters match. `total` is the primary list's length, from the
    /// index counts.
    pub(super) async fn device_list(&self, q: DeviceQuery) -> Result<DeviceListView, ApiError> {
        let class = match &q.class {
            Some(name) => Some(terrane_app::modules::class_by_name(name).ok_or_else(|| {
                let names: Vec<&str> = terrane_app::modules::named_classes()
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect();
                ApiError::malformed(format!(
                    "unknown class {name:?}: the chain knows {}",
                    names.join(", ")
                ))
            })?),
            None => None,
        };
        let cell = match q.cell {
            Some(raw) => Some(h3o::CellIndex::try_from(raw).map_err(|_| bad_cell(raw))?),
            None => None,
        };
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let primary = if let Some(owner) = q.owner {
            vec![IndexList::Owner(Address::new(owner))]
        } else if let Some(c) = cell {
            index_cells(c)?.into_iter().map(IndexList::Cell).collect()
        } else if let Some(k) = class {
            vec![IndexList::Class(k)]
        } else {
            return Err(ApiError::malformed(
                "give at least one filter: owner, cell or class",
            ));
        };
        let page = read_page(&overlay, primary, q.cursor, q.limit, |d| {
            class.is_none_or(|k| d.class() == k)
                && cell.is_none_or(|c| {
                    d.location
                        .parent(u8::from(c.resolution()))
                        .is_some_and(|p| p.raw() == u64::from(c))
                })
        })
        .await
        .map_err(internal)?;
        Ok(DeviceListView {
            devices: page.devices.iter().map(summary_view).collect(),
            total: page.total,
            next_cursor: page.next_cursor,
        })
    }

    pub(super) async fn outcomes_of(
        &self,
        id: DeviceId,
    ) -> Result<Option<DeviceOutcomesView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let Some(d) = terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let records = terrane_pow::handler::recent_outcomes(&overlay, self.pow_params(), &id)
            .await
            .map_err(internal)?;
        Ok(Some(DeviceOutcomesView {
            device: id.to_string(),
            outcomes: records
                .into_iter()
                .map(|r| ReportOutcomeView {
                    report_id: r.report_id.to_string(),
                    height: r.height.get(),
                    epoch: r.epoch.get(),
                    // Kind names come from the class's own list (`ClassVerifier::KINDS`).
                    kind: terrane_app::modules::report_kind_name(d.class(), r.kind)
                        .unwrap_or("report")
                        .to_owned(),
                    code: r.code,
                    name: outcome::lookup(r.code)
                        .map_or("unregistered", |i| i.name)
                        .to_owned(),
                    units: r.units,
                })
                .collect(),
        }))
    }

    pub(super) async fn rewards_of(
        &self,
        id: DeviceId,
    ) -> Result<Option<DeviceRewardsView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        if terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
            .is_none()
        {
            return Ok(None);
        }
        let (_, current) = self.head(&overlay).await?;
        let ledger = terrane_rewards::handler::device_rewards(&overlay, &id)
            .await
            .map_err(internal)?;
        let mut lines = Vec::new();
        let mut e = current.get();
        while e > 0 && current.get() - e < REWARD_HISTORY_EPOCHS {
            e -= 1;
            let epoch = Epoch::new(e);
            if let Some(line) = terrane_rewards::handler::line(&overlay, epoch, &id)
                .await
                .map_err(internal)?
            {
                lines.push(line_view(epoch, &line));
            }
        }
        Ok(Some(DeviceRewardsView {
            device: id.to_string(),
            ledger: RewardLedgerView {
                cumulative: ledger.cumulative.get(),
                claimed: ledger.claimed.get(),
                delegated: ledger.delegated.get(),
                claimable: ledger.claimable().get(),
                last_epoch: ledger.last_epoch.get(),
            },
            lines,
        }))
    }

    pub(super) async fn reward_line_proof(
        &self,
        id: DeviceId,
        epoch: Epoch,
    ) -> Result<Option<RewardProofView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (Some(line), Some(summary)) = (
            terrane_rewards::handler::line(&overlay, epoch, &id)
                .await
                .map_err(internal)?,
            terrane_rewards::handler::summary(&overlay, epoch)
                .await
                .map_err(internal)?,
        ) else {
            return Ok(None);
        };
        let Some(index) = line.leaf_index else {
            return Ok(None);
        };
        let leaves = match self.reward_leaves.get(epoch) {
            Some(l) => l,
            None => {
                let l = Arc::new(
                    terrane_rewards::handler::reward_leaves(&overlay, epoch, summary.rewarded)
                        .await
                        .map_err(internal)?,
                );
                self.reward_leaves.put(epoch, l.clone());
                l
            }
        };
        let Some(path) = terrane_primitives::merkle::prove(&leaves, index as usize) else {
            return Ok(None);
        };
        let (height, _) = self.head(&overlay).await?;
        let summary_proof = self
            .prove(&guard, height, &StateKey::of::<Summaries>(&epoch))
            .await?;
        Ok(Some(RewardProofView {
            epoch: epoch.get(),
            device: id.to_string(),
            line: line_view(epoch, &line),
            leaf: hex::encode(&terrane_rewards::leaf_bytes(
                epoch,
                id,
                &line.breakdown,
                &line.usage,
            )),
            path: path
                .iter()
                .map(|s| ProofStepView {
                    sibling: s.sibling.to_string(),
                    side: if s.sibling_is_left { "left" } else { "right" }.to_owned(),
                })
                .collect(),
            reward_root: summary.reward_root.to_string(),
            summary: summary_proof,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use terrane_coverage::radio::{Band, capabilities as coverage};
    use terrane_geo::H3Cell;
    use terrane_state::{MemStore, StateError, StateRead};

    /// A store that counts its reads.
    struct Counting {
        store: MemStore,
        reads: AtomicUsize,
    }

    impl StateRead for Counting {
        async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
            self.reads.fetch_add(1, Ordering::Relaxed);
            self.store.get_raw(key).await
        }
    }

    const LOCATION: u64 = 0x8c2a1072b59a3ff;

    fn device(n: u8, class_coverage: bool) -> Device {
        Device {
            id: DeviceId::new([n; 32]),
            owner: Address::new([if n.is_multiple_of(2) { 1 } else { 2 }; 32]),
            capabilities: if class_coverage {
                coverage(30, 140, Band::Eu868)
            } else {
                // Another class's bytes: the index does not read them.
                terrane_devices::testkit::capabilities(1, &[0, 0, 0, 1])
            },
            maker: Address::new([9; 32]),
            location: H3Cell::from_raw(LOCATION),
            status: DeviceStatus::Active,
            registered_at: terrane_primitives::Height::new(1),
            registered_epoch: Epoch::new(0),
            relocations: 0,
            owner_slot: 0,
            cell_slot: 0,
            class_slot: 0,
            session_generation: 0,
        }
    }

    /// `coverage` coverage devices then `storage` storage devices, all in one cell.
    async fn store_of(coverage: u32, storage: u32) -> Counting {
        let base = MemStore::new();
        let mut overlay = Overlay::new(&base);
        for n in 0..coverage + storage {
            let mut d = device(u8::try_from(n % 251).expect("small"), n < coverage);
            d.id = DeviceId::new(*terrane_primitives::sha256(&[&n.to_be_bytes()]).as_bytes());
            index::insert(&mut overlay, &mut d).await.expect("insert");
            overlay.put::<Devices>(&d.id, &d);
        }
        let (_, writes) = overlay.into_parts();
        let mut store = MemStore::new();
        store.apply(writes);
        Counting {
            store,
            reads: AtomicUsize::new(0),
        }
    }

    async fn store() -> Counting {
        store_of(300, 10).await
    }

    #[test]
    fn a_page_of_one_reads_one_slot_and_one_record_and_takes_the_total_from_the_count() {
        futures::executor::block_on(async {
            let store = store().await;
            let overlay = Overlay::new(&store);
            let coverage = coverage(30, 140, Band::Eu868).class();
            let page = read_page(&overlay, vec![IndexList::Class(coverage)], 0, 1, |_| true)
                .await
                .expect("read");
            assert_eq!(page.devices.len(), 1);
            assert_eq!(page.total, 300);
            assert_eq!(page.next_cursor, Some(1));
            // The count, one slot, one record.
            assert_eq!(store.reads.load(Ordering::Relaxed), 3);
        });
    }

    #[test]
    fn pages_that_follow_next_cursor_list_every_device_once() {
        futures::executor::block_on(async {
            let store = store().await;
            let overlay = Overlay::new(&store);
            let cell = h3o::CellIndex::try_from(LOCATION).expect("cell");
            let mut seen = std::collections::BTreeSet::new();
            let mut cursor = 0;
            loop {
                let lists = index_cells(cell)
                    .expect("fine cell")
                    .into_iter()
                    .map(IndexList::Cell)
                    .collect();
                let page = read_page(&overlay, lists, cursor, 7, |_| true)
                    .await
                    .expect("read");
                assert_eq!(page.total, 310);
                for d in page.devices {
                    assert!(seen.insert(d.id), "listed twice");
                }
                match page.next_cursor {
                    Some(next) => cursor = next,
                    None => break,
                }
            }
            assert_eq!(seen.len(), 310);
        });
    }

    #[test]
    fn a_filter_that_matches_nothing_reads_each_slot_once_and_ends_the_list() {
        futures::executor::block_on(async {
            let store = store().await;
            let overlay = Overlay::new(&store);
            let cell = h3o::CellIndex::try_from(LOCATION).expect("cell");
            let lists = index_cells(cell)
                .expect("fine cell")
                .into_iter()
                .map(IndexList::Cell)
                .collect();
            // 310 slots are under the bound: the whole list is read, no cursor remains.
            let page = read_page(&overlay, lists, 0, 10, |_| false)
                .await
                .expect("read");
            assert!(page.devices.is_empty());
            assert_eq!(page.next_cursor, None);
            assert_eq!(store.reads.load(Ordering::Relaxed), 1 + 2 * 310);
        });
    }

    #[test]
    fn a_page_stops_after_the_scan_bound_and_hands_back_a_cursor() {
        futures::executor::block_on(async {
            let store = store_of(MAX_SCANNED_SLOTS + 100, 0).await;
            let overlay = Overlay::new(&store);
            let coverage = coverage(30, 140, Band::Eu868).class();
            let page = read_page(&overlay, vec![IndexList::Class(coverage)], 0, 10, |_| false)
                .await
                .expect("read");
            assert!(page.devices.is_empty());
            assert_eq!(page.next_cursor, Some(MAX_SCANNED_SLOTS));
            let slots_and_records = 2 * MAX_SCANNED_SLOTS as usize;
            assert_eq!(store.reads.load(Ordering::Relaxed), 1 + slots_and_records);
        });
    }

    #[test]
    fn positions_run_through_the_lists_in_order() {
        let lists = [
            (IndexList::Cell(1), 2),
            (IndexList::Cell(2), 0),
            (IndexList::Cell(3), 3),
        ];
        let at = |p| locate(&lists, p).map(|(l, s)| (matches!(l, IndexList::Cell(3)), s));
        assert_eq!(at(1), Some((false, 1)));
        assert_eq!(at(2), Some((true, 0)));
        assert_eq!(at(4), Some((true, 2)));
        assert_eq!(at(5), None);
    }
}
