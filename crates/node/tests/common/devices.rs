//! A coverage workload run by one validator: three hotspots near Berlin owned by three
//! accounts of their own register, then every epoch two of them witness the third's beacon (committing to its
//! nonce) before it is revealed. Everything goes into validator 0's mempool only; gossip and
//! consensus carry it to the others.

use super::{SimState, device_accounts};
use commonware_codec::Encode;
use commonware_runtime::{Clock, Spawner, deterministic};
use std::time::Duration;
use terrane_accounts::handler as accounts;
use terrane_app::{
    Genesis, Payload, Transaction,
    testkit::{address_of as account_of, named_key},
};
use terrane_coverage::radio::{Band, capabilities as coverage};
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS,
    msg::{Beacon, Witness, commitment},
};
use terrane_devices::{
    msg::Domains,
    testkit::{self, id_of, key},
};
use terrane_geo::offchain::{cell_at, offset};
use terrane_node::{db::DbReader, mempool::Mempool};
use terrane_pow::{msg::sign, types::Report};
use terrane_primitives::{Amount, Epoch, Namespace, Nonce};
use terrane_state::Overlay;

/// The hotspots: (device key name, owner index, km north of Berlin).
pub const HOTSPOTS: [(&str, usize, f64); 3] =
    [("hs-a", 0, 0.0), ("hs-b", 1, 2.0), ("hs-c", 2, 4.0)];

const NONCE: [u8; 16] = [3; 16];

fn cell(km: f64) -> terrane_geo::H3Cell {
    let (lat, lng) = offset(52.52, 13.405, km * 1000.0, 0.0);
    cell_at(lat, lng, 12)
}

pub fn spawn(context: deterministic::Context, state: SimState, mempool: Mempool, genesis: Genesis) {
    let chain = genesis.chain_id();
    let domains = Domains::of(&chain);
    let report_ns = chain.namespace(Namespace::DeviceReport);
    let fees = genesis.params.accounts;
    context.spawn(move |context| async move {
        let db = state.stateful.subscribe_databases().await;
        let mut registered = false;
        let mut witnessed: Option<Epoch> = None;
        let mut revealed: Option<Epoch> = None;
        let mut transmitted_at = 0u64;
        loop {
            context.sleep(Duration::from_millis(100)).await;
            let (height, ts, relay_nonce, owner_nonces) = {
                let guard = db.read().await;
                let o = Overlay::new(DbReader::<deterministic::Context>(&guard));
                let head = terrane_app::query::head(&o).await.unwrap();
                let relay = accounts::account(&o, &account_of(&named_key(&device_accounts()[3])))
                    .await
                    .unwrap()
                    .nonce;
                let mut owners = Vec::new();
                for i in 0..3 {
                    owners.push(
                        accounts::account(&o, &account_of(&named_key(&device_accounts()[i])))
                            .await
                            .unwrap()
                            .nonce,
                    );
                }
                (
                    head.map_or(0, |h| h.height.get()),
                    head.map_or(0, |h| h.timestamp.get()),
                    relay,
                    owners,
                )
            };
            if height == 0 {
                continue;
            }
            let epoch = terrane_pow::schedule::epoch_of(
                terrane_primitives::Height::new(height),
                super::SIM_EPOCH_BLOCKS,
            );
            let into_epoch = (height - 1) % super::SIM_EPOCH_BLOCKS;
            let mut txs = Vec::new();
            if !registered {
                for (name, owner, km) in HOTSPOTS {
                    let owner_key = named_key(&device_accounts()[owner]);
                    let msg = testkit::registration(
                        &domains,
                        &account_of(&owner_key),
                        &key(name),
                        coverage(30, 270, Band::Eu868),
                        cell(km),
                        &key("maker"),
                    );
                    let nonce = owner_nonces[owner];
                    txs.push((owner_key.clone(), nonce, Payload::RegisterDevice(msg)));
                    // Its bond, or it earns nothing.
                    let bond = terrane_staking::msg::Stake {
                        target: terrane_staking::types::Target::Device(id_of(&key(name))),
                        amount: Amount::new(
                            terrane_staking::params::StakingParams::default().min_device_bond,
                        ),
                    };
                    let next = nonce.checked_next().expect("nonce below 2^64");
                    txs.push((owner_key, next, Payload::Stake(bond)));
                }
                registered = true;
            } else if witnessed != Some(epoch) && (2..10).contains(&into_epoch) {
                // Work phase: blocks 0..20 of the epoch (30 blocks, 10 of grace).
                // hs-b and hs-c heard hs-a's beacon.
                let beaconer = id_of(&key(HOTSPOTS[0].0));
                let reports = [("hs-b", -900i16), ("hs-c", -1000)].map(|(w, rssi)| {
                    let body = Witness {
                        beaconer,
                        commitment: commitment(&beaconer, &NONCE),
                        rssi_dbm_x10: rssi,
                        snr_db_x10: 60,
                        frequency_khz: 868_100,
                        timestamp_ms: ts + 250,
                    };
                    sign(
                        &report_ns,
                        Report {
                            device: id_of(&key(w)),
                            epoch,
                            class: terrane_coverage::CLASS,
                            kind: KIND_WITNESS,
                            payload: body.encode().to_vec(),
                        },
                        &key(w),
                    )
                });
                txs.push((
                    named_key(&device_accounts()[3]),
                    relay_nonce,
                    Payload::SubmitReports(terrane_pow::msg::SubmitReports {
                        reports: reports.to_vec(),
                    }),
                ));
                witnessed = Some(epoch);
                transmitted_at = ts + 150;
            } else if witnessed == Some(epoch)
                && revealed != Some(epoch)
                && (19..27).contains(&into_epoch)
            {
                // Head in the last work-phase block or later: the reveal lands in the reveal phase.
                let body = Beacon {
                    nonce: NONCE,
                    frequency_khz: 868_100,
                    timestamp_ms: transmitted_at,
                };
                let beacon = sign(
                    &report_ns,
                    Report {
                        device: id_of(&key(HOTSPOTS[0].0)),
                        epoch,
                        class: terrane_coverage::CLASS,
                        kind: KIND_BEACON,
                        payload: body.encode().to_vec(),
                    },
                    &key(HOTSPOTS[0].0),
                );
                txs.push((
                    named_key(&device_accounts()[3]),
                    relay_nonce,
                    Payload::SubmitReports(terrane_pow::msg::SubmitReports {
                        reports: vec![beacon],
                    }),
                ));
                revealed = Some(epoch);
            }
            for (signer, nonce, payload) in txs {
                let mut tx = Transaction {
                    signer: account_of(&signer),
                    nonce: Nonce::new(nonce.get()),
                    fee: Amount::ZERO,
                    payload,
                };
                tx.fee = tx.min_fee(&fees);
                let signed = tx.sign(&signer, &chain);
                let _ = mempool
                    .submit(&db, terrane_app::tx::encode_signed(&signed), true)
                    .await;
            }
        }
    });
}
