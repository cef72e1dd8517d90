//! Data credits and a paid data session through the `terrane` binary, the way a user runs
//! them: a real `terrane node` process, `terrane credits buy|show` and `terrane session
//! open|receipt|submit|close|show` against its HTTP API, with the credit balance proven
//! against a finality certificate. A replayed receipt fails with its reason code and pays
//! nothing; closing refunds the rest.
#![allow(clippy::disallowed_methods)] // A process-level test: its deadlines are wall-clock time.

use std::{
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};
use terrane_app::{Payload, Transaction, tx::encode_signed};
use terrane_client::Client;
use terrane_devnet::layout::Layout;
use terrane_keystore::Keystore;
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Address, Amount, Nonce, TimestampMs};

mod common;
use common::free_ports;

const BIN: &str = env!("CARGO_BIN_EXE_terrane");

struct Net {
    node_url: String,
    keys: std::path::PathBuf,
    genesis: std::path::PathBuf,
}

impl Net {
    /// Runs `terrane ARGS --node … [--keystore … --genesis …]` and returns its output
    /// (`session show` reads only the node).
    fn cli(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args).args(["--node", &self.node_url]);
        if args[..2] != ["session", "show"] {
            cmd.arg("--keystore")
                .arg(&self.keys)
                .arg("--genesis")
                .arg(&self.genesis);
        }
        cmd.env_remove("TERRANE_NODE").output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "terrane {args:?} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(!out.status.success(), "terrane {args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

async fn wait_height(client: &Client, target: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while client.status().await.map_or(0, |s| s.finalized_height) < target {
        assert!(
            Instant::now() < deadline,
            "node stuck below height {target}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn keys_new(keys: &Path, name: &str) {
    let out = Command::new(BIN)
        .args(["keys", "new", name, "--insecure", "--keystore"])
        .arg(keys)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_buys_credits_pays_a_hotspot_by_receipt_and_gets_the_rest_back_through_the_cli()
{
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    let api = free_ports(1);
    let p2p = free_ports(1);
    let out = Command::new(BIN)
        .args(["genesis", "--validators", "1", "--out"])
        .arg(&dir)
        .args([
            "--api-port",
            &api.to_string(),
            "--p2p-port",
            &p2p.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let layout = Layout::new(&dir);
    let keys = Keystore::open(layout.keys()).unwrap();
    // Bob is the chain's one oracle.
    let bob = keys.load("bob", None).unwrap();
    let bob_address = terrane_app::testkit::address_of(&bob);
    let mut genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(layout.genesis()).unwrap()).unwrap();
    genesis["params"]["oracle"]["oracles"] = serde_json::json!([bob_address.to_string()]);
    // Receipts stay payable for 5 blocks after a session ends.
    genesis["params"]["sessions"]["settle_grace_blocks"] = 5.into();
    std::fs::write(
        layout.genesis(),
        serde_json::to_string_pretty(&genesis).unwrap(),
    )
    .unwrap();
    let chain = terrane_node::config::load_genesis(&layout.genesis())
        .unwrap()
        .chain_id();

    let log = std::fs::File::create(dir.join("node.log")).unwrap();
    let mut node: Child = Command::new(BIN)
        .args(["node", "--config"])
        .arg(layout.node_config(0))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let node_url = format!("http://127.0.0.1:{api}");
    let client = Client::new(&node_url);
    wait_height(&client, 2).await;
    let net = Net {
        node_url,
        keys: layout.keys(),
        genesis: layout.genesis(),
    };

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
    keys_new(&layout.keys(), "hs");
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

    node.kill().unwrap();
    let _ = node.wait();
}
