//! `Genesis::from_json` on arbitrary UTF-8: never panics; a genesis that validates round-trips
//! through its file form with the same hash, and block 1 can write its state.
#![no_main]

use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use terrane_app::{Executor, Genesis};
use terrane_primitives::{Epoch, Hash32, Height, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(genesis) = Genesis::from_json(text) else {
        return;
    };
    let again = Genesis::from_json(&genesis.to_json()).expect("a valid genesis re-parses");
    assert_eq!(again, genesis);
    assert_eq!(again.hash(), genesis.hash());
    genesis
        .allocation_list()
        .expect("validated allocations parse");

    let exec = Executor::new(genesis);
    let env = BlockEnv {
        chain_id: exec.chain_id().clone(),
        height: Height::new(1),
        epoch: Epoch::ZERO,
        timestamp: TimestampMs::new(exec.genesis().genesis_time_ms.saturating_add(1)),
        randomness: Hash32::default(),
    };
    let store = MemStore::new();
    let mut overlay = Overlay::new(&store);
    let out = block_on(exec.execute(&mut overlay, &env, &[])).expect("memory store never faults");
    assert!(out.txs.is_empty());
});
