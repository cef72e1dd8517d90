//! The test-only uptime class through a real `terrane node` process and its HTTP API: an
//! uptime device registers and pings over `POST /v1/tx`, and `GET /v1/devices?class=uptime`,
//! `/v1/devices/{id}/outcomes`, `/v1/epochs/0` and `/v1/devices/{id}/rewards` show it, its
//! `ping` outcomes with the class's codes, and its pay from the class's own pool. The class
//! is one folder in `crates/app/src/modules/uptime` and a line in each list; nothing in the
//! node, the API or the CLI names it. (This package's tests build the binary with the
//! `uptime-test-class` feature; a production build does not have the class.)
#![allow(clippy::disallowed_methods)] // A process-level test: its deadlines are wall-clock time.

use std::time::Duration;
use terrane_app::{Payload, Transaction, modules::uptime, tx::encode_signed};
use terrane_devices::{msg::Domains, testkit};
use terrane_keystore::Keystore;
use terrane_pow::{
    msg::{SubmitReports, sign},
    types::Report,
};
use terrane_primitives::{Address, Amount, ChainId, Epoch, Namespace, Nonce};

mod common;
use common::OneNode;

const EPOCH: u64 = 24;

struct Owner {
    key: commonware_cryptography::ed25519::PrivateKey,
    address: Address,
    nonce: u64,
}

impl Owner {
    fn tx(&mut self, chain: &ChainId, payload: Payload) -> Vec<u8> {
        let mut tx = Transaction {
            signer: self.address,
            nonce: Nonce::new(self.nonce),
            fee: Amount::ZERO,
            payload,
        };
        self.nonce += 1;
        tx.fee = tx.min_fee(&Default::default());
        encode_signed(&tx.sign(&self.key, chain)).to_vec()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uptime_device_registers_pings_and_is_paid_and_the_api_shows_it() {
    // The class's pool is data: add it to the genesis parameters (and shorten the epoch).
    let net = OneNode::start(|genesis| {
        let params = &mut genesis["params"];
        params["pow"]["epoch_length_blocks"] = EPOCH.into();
        params["pow"]["window_grace_blocks"] = 2.into();
        params["rewards"]["vetting_valid_reports"] = 1.into();
        let classes = params["rewards"]["classes"].as_array_mut().unwrap();
        // Its weight comes from the reserved storage pool (the weights sum to at most 100 %).
        let storage = classes[1]["weight_bps"].as_u64().unwrap();
        classes[1]["weight_bps"] = (storage - 500).into();
        classes.push(serde_json::json!({
            "class": uptime::CLASS.get(), "weight_bps": 500, "cap_per_epoch": 0, "cap_per_cell": 0
        }));
    })
    .await;
    let (client, chain) = (&net.client, net.chain.clone());

    let keys = Keystore::open(net.keys()).unwrap();
    let alice = keys.load("alice", None).unwrap();
    let mut owner = Owner {
        address: testkit::address_of(&alice),
        key: alice,
        nonce: 0,
    };
    let maker = keys.load("maker", None).unwrap();
    let device = testkit::key("uptime-api-test");
    let id = testkit::id_of(&device);
    let registration = testkit::registration(
        &Domains::of(&chain),
        &owner.address,
        &device,
        uptime::capabilities(),
        terrane_geo::offchain::cell_at(48.8566, 2.3522, 12),
        &maker,
    );
    let tx = owner.tx(&chain, Payload::RegisterDevice(registration));
    let (_, code) = client
        .submit_and_wait(tx, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "registration");
    // Bonded, or it earns nothing.
    let bond = terrane_staking::msg::Stake {
        target: terrane_staking::types::Target::Device(id),
        amount: terrane_primitives::Amount::new(
            terrane_staking::params::StakingParams::default().min_device_bond,
        ),
    };
    let tx = owner.tx(&chain, Payload::Stake(bond));
    let (_, code) = client
        .submit_and_wait(tx, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "bond");
    // The bond is visible through the API, with a proof of the pool record.
    let min_device_bond = terrane_staking::params::StakingParams::default().min_device_bond;
    let pool = client
        .stake_pool(terrane_client::StakeTarget::Device(*id.as_bytes()))
        .await
        .unwrap()
        .expect("the device's pool");
    assert_eq!(pool.operator, owner.address.to_string());
    assert!(pool.bonded);
    assert_eq!(
        (pool.total, pool.operator_stake, pool.delegated),
        (min_device_bond, min_device_bond, 0)
    );
    assert!(!pool.proof.is_empty() && !pool.value.is_empty());
    let position = client
        .stake_position(
            terrane_client::StakeTarget::Device(*id.as_bytes()),
            &owner.address,
        )
        .await
        .unwrap();
    assert!(position.operator);
    assert_eq!(position.amount, min_device_bond);
    let books = client.staking().await.unwrap();
    assert_eq!(books.bonded, min_device_bond);
    assert!(
        !books.validators.is_empty(),
        "the genesis validators are listed"
    );
    assert!(
        books.validators.iter().all(|v| !v.bonded),
        "devnet validators do not bond yet"
    );
    assert!(
        client
            .unbonding(&owner.address)
            .await
            .unwrap()
            .entries
            .is_empty()
    );

    // Ping every MIN_PING_GAP blocks until the epoch is nearly over.
    let ns = chain.namespace(Namespace::DeviceReport);
    let mut pings = 0;
    loop {
        let seen = net.finalized().await;
        if seen + uptime::verify::MIN_PING_GAP + 3 >= EPOCH {
            break;
        }
        let report = sign(
            &ns,
            Report {
                device: id,
                epoch: Epoch::ZERO,
                class: uptime::CLASS,
                kind: uptime::KIND_PING,
                payload: seen.to_be_bytes().to_vec(),
            },
            &device,
        );
        let tx = owner.tx(
            &chain,
            Payload::SubmitReports(SubmitReports {
                reports: vec![report],
            }),
        );
        let (_, code) = client
            .submit_and_wait(tx, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(code, Some(0), "the bundle is accepted");
        pings += 1;
        // The ping was included at or below the height finalized now: the next one lands at
        // least MIN_PING_GAP blocks later.
        let now = net.finalized().await;
        net.wait_height(now + uptime::verify::MIN_PING_GAP).await;
    }
    assert!(pings >= 2, "{pings} pings");

    let classes = client.classes().await.unwrap();
    let class = classes
        .iter()
        .find(|c| c.name == "uptime")
        .expect("GET /v1/classes lists it");
    assert_eq!(
        (class.id, class.status.as_str()),
        (uptime::CLASS.get(), "running")
    );
    assert_eq!(class.report_kinds[0].name, "ping");
    let listed = client.devices("class=uptime").await.unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(listed.devices[0].id, id.to_string());
    assert_eq!(listed.devices[0].class, "uptime");
    let view = client.device(&id).await.unwrap().unwrap();
    assert_eq!(view.class, "uptime");
    assert_eq!(view.capabilities, serde_json::json!({}));
    let outcomes = client.device_outcomes(&id).await.unwrap().unwrap();
    assert!(!outcomes.outcomes.is_empty());
    for o in &outcomes.outcomes {
        assert_eq!(o.kind, "ping");
        assert_eq!((o.code, o.name.as_str(), o.units), (0, "ok", 1), "{o:?}");
    }

    net.wait_height(EPOCH + 2).await;
    let summary = client
        .epoch(0)
        .await
        .unwrap()
        .unwrap()
        .summary
        .expect("epoch 0 closed");
    let paid = summary.distributed["uptime"];
    assert!(paid > 0, "the uptime pool paid: {summary:?}");
    assert_eq!(summary.distributed["coverage"], 0);
    let rewards = client.device_rewards(&id).await.unwrap().unwrap();
    assert_eq!(rewards.ledger.cumulative, paid);
    let line = &rewards.lines[0];
    assert_eq!((line.epoch, line.class.as_str()), (0, "uptime"));
    assert_eq!(
        line.units,
        outcomes.outcomes.iter().map(|o| o.units).sum::<u64>()
    );
}
