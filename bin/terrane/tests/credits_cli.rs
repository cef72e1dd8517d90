//! Data credits and a paid data session through the `terrane` binary, the way a user runs
//! them: a real `terrane node` process, `terrane credits buy|show` and `terrane session
//! open|receipt|submit|close|show` against its HTTP API, with the credit balance proven
//! against a finality certificate. A replayed receipt fails with its reason code and pays
//! nothing; closing refunds the rest.
#![allow(clippy::disallowed_methods)] // A process-level test: its deadlines are wall-clock time.

use std::time::Duration;
use terrane_app::{Payload, Transaction, tx::encode_signed};
use terrane_keystore::Keystore;
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Address, Amount, Nonce, TimestampMs};

mod common;
use common::OneNode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_buys_credits_pays_a_hotspot_by_receipt_and_gets_the_rest_back_through_the_cli()
{
    // Bob is the chain's one oracle; receipts stay payable for 5 blocks after a session ends.
    let net = OneNode::start(|genesis| {
        let bob = genesis["allocations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["label"] == "bob")
            .expect("bob is funded")["address"]
            .clone();
        genesis["params"]["oracle"]["oracles"] = serde_json::json!([bob]);
        genesis["params"]["sessions"]["settle_grace_blocks"] = 5.into();
    })
    .await;
    let (client, chain, layout) = (&net.client, net.chain.clone(), &net.layout);
    let keys = Keystore::open(layout.keys()).unwrap();
    let bob = keys.load("bob", None).unwrap();
    let bob_address = terrane_app::testkit::address_of(&bob);

    // Without a price, a burn is refused with its code.
    let refused = net.fails(&["credits", "buy", "--from", "alice", "--amount", "1"]);
    assert!(
        refused.contains("burn_without_fresh_price (702)"),
        "{refused}"
    );

    // The oracle reports $1.00 per TRN.
    let now_ms = client.latest_block().await.unwrap().unwrap().timestamp_ms;
    let mut tx = Transaction {
        signer: bob_address,
        nonce: Nonce::ZERO,
        fee: Amount::ZERO,
        payload: Payload::SubmitPrice(SubmitPrice {
            price: MicroUsdPerTrn::new(1_000_000),
            timestamp: TimestampMs::new(now_ms),
        }),
    };
    tx.fee = tx.min_fee(&Default::default());
    let (_, code) = client
        .submit_and_wait(
            encode_signed(&tx.sign(&bob, &chain)).to_vec(),
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    assert_eq!(code, Some(0), "the price report");

    let bought = net.ok(&["credits", "buy", "--from", "alice", "--amount", "2"]);
    assert!(bought.contains("holds 200000 credits"), "{bought}");

    // Carol owns a hotspot.
    net.keys_new("hs");
    net.ok(&[
        "device", "register", "--owner", "carol", "--device", "hs", "--maker", "maker", "--lat",
        "48.8566", "--lng", "2.3522",
    ]);
    let opened = net.ok(&[
        "session",
        "open",
        "--from",
        "alice",
        "--device",
        "@hs",
        "--deposit",
        "10000",
        "--blocks",
        "40",
    ]);
    assert!(
        opened.contains("session 1 open: 10000 credits escrowed"),
        "{opened}"
    );

    // Alice signs a receipt for 48,000 bytes and hands it to the hotspot, whose owner submits.
    let receipt = net.ok(&[
        "session",
        "receipt",
        "--payer",
        "alice",
        "--session",
        "1",
        "--bytes",
        "48000",
        "--print",
    ]);
    let receipt = receipt.trim();
    assert_eq!(receipt.len(), 2 * 88, "{receipt}");
    net.ok(&["session", "submit", "--from", "carol", "--receipt", receipt]);
    let replay = net.fails(&["session", "submit", "--from", "carol", "--receipt", receipt]);
    assert!(replay.contains("receipt_stale (812)"), "{replay}");

    let shown = net.ok(&["credits", "show", "@alice"]);
    assert!(
        shown.contains("verified: balance proven against block"),
        "{shown}"
    );
    assert!(shown.contains("credits:  190000"), "{shown}");
    assert!(
        shown.contains("#1 hotspot") && shown.contains("paid 2000 (48000 bytes, nonce 1)"),
        "{shown}"
    );
    let session = net.ok(&["session", "show", "1"]);
    assert!(
        session.contains("10000 credits (2000 paid, 8000 left)"),
        "{session}"
    );

    // Alice cannot take her deposit back early; the hotspot's owner can end it.
    let early = net.fails(&["session", "close", "--from", "alice", "--session", "1"]);
    assert!(early.contains("session_not_expired (821)"), "{early}");
    net.ok(&["session", "close", "--from", "carol", "--session", "1"]);
    let shown = net.ok(&["credits", "show", "@alice"]);
    assert!(
        shown.contains("credits:  198000") && shown.contains("sessions: 0 open"),
        "{shown}"
    );
    assert!(
        shown.contains("200000 minted = 2000 spent + 198000 in balances + 0 escrowed"),
        "{shown}"
    );
    let ledger = client.credits().await.unwrap();
    assert_eq!((ledger.trn_burned, ledger.escrows_open), (2_000_000, 0));
    assert_eq!(ledger.credits_per_trn, Some(100_000));
    let alice: Address = terrane_app::testkit::address_of(&keys.load("alice", None).unwrap());
    assert_eq!(
        client.credit_account(&alice).await.unwrap().balance,
        198_000
    );
}
