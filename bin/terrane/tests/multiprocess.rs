//! Four `terrane node` processes on loopback: transfers through the HTTP API, one validator
//! killed with SIGKILL under load and restarted. Nothing finalized may be lost: the restarted
//! validator serves the same blocks (hence state roots) as the others at every height, catches
//! up, and every account balance agrees and is proven against certified state.
#![allow(clippy::disallowed_methods)] // A process-level test: its deadlines are wall-clock time.

use commonware_cryptography::{Signer as _, ed25519};
use std::{
    path::Path,
    process::{Child, Command},
    time::{Duration, Instant},
};
use terrane_accounts::msg::Transfer;
use terrane_app::{Payload, Transaction, tx::encode_signed};
use terrane_client::{Client, Trust, trust_from_genesis};
use terrane_devnet::layout::Layout;
use terrane_keystore::Keystore;
use terrane_primitives::{Address, Amount, ChainId, Hash32, Nonce, hex};

mod common;
use common::free_ports;

const BIN: &str = env!("CARGO_BIN_EXE_terrane");

/// The validator that gets killed.
const VICTIM: u32 = 2;

fn start_node(layout: &Layout, i: u32) -> Child {
    common::start_node(layout, i, &layout.validator_dir(i).join("test.log"))
}

async fn height(client: &Client) -> u64 {
    common::finalized(client).await
}

async fn wait_height(client: &Client, target: u64, within: Duration) {
    common::wait_finalized(client, target, within).await;
}

struct Sender {
    key: ed25519::PrivateKey,
    address: Address,
    nonce: u64,
    /// Every accepted transfer by nonce: its signed bytes and the validator that accepted it.
    sent: Vec<(Vec<u8>, usize)>,
}

fn transfer(chain: &ChainId, s: &Sender, to: Address) -> Vec<u8> {
    let mut tx = Transaction {
        signer: s.address,
        nonce: Nonce::new(s.nonce),
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to,
            amount: Amount::new(7),
            memo: Vec::new(),
        }),
    };
    tx.fee = tx.min_fee(&Default::default());
    encode_signed(&tx.sign(&s.key, chain)).to_vec()
}

fn load_senders(dir: &Path, names: &[&str]) -> Vec<Sender> {
    let ks = Keystore::open(dir).unwrap();
    names
        .iter()
        .map(|n| {
            let key = ks.load(n, None).unwrap();
            Sender {
                address: Address::from_slice(key.public_key().as_ref()).unwrap(),
                key,
                nonce: 0,
                sent: Vec::new(),
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_validator_restarts_with_every_finalized_block_and_balance_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    let api = free_ports(4);
    let p2p = free_ports(4);
    let out = Command::new(BIN)
        .args(["genesis", "--out"])
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
        "genesis failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let layout = Layout::new(&dir);
    let genesis = terrane_node::config::load_genesis(&layout.genesis()).unwrap();
    let trust: Trust = trust_from_genesis(&genesis).unwrap();
    let chain = genesis.chain_id();

    let mut nodes: Vec<Child> = (0..4).map(|i| start_node(&layout, i)).collect();
    let clients: Vec<Client> = (0..4)
        .map(|i| Client::new(&format!("http://127.0.0.1:{}", api + i)))
        .collect();
    for c in &clients {
        wait_height(c, 3, Duration::from_secs(90)).await;
    }

    let mut senders = load_senders(&layout.keys(), &["alice", "bob", "carol", "dave"]);
    let sink = Address::new([0x5a; 32]);
    let mut submitted = 0u64;
    let mut rounds = 0usize;
    let mut killed_at = None;
    let mut restarted = false;
    let victim = VICTIM as usize;
    let started = Instant::now();
    // Under load: ~40 transfers/s spread over the live validators' APIs for ~25 s; kill the
    // victim with SIGKILL at 6 s and restart it at 14 s.
    while started.elapsed() < Duration::from_secs(25) {
        for (k, s) in senders.iter_mut().enumerate() {
            let target = (k + rounds) % 4;
            if killed_at.is_some() && !restarted && target == victim {
                continue;
            }
            let raw = transfer(&chain, s, sink);
            match clients[target].submit(raw.clone()).await {
                Ok(_) => {
                    s.sent.push((raw, target));
                    s.nonce += 1;
                    submitted += 1;
                }
                // The pool may briefly lag a nonce; the next round retries the same nonce.
                Err(e) => eprintln!("submit to {target}: {e}"),
            }
        }
        rounds += 1;
        if killed_at.is_none() && started.elapsed() > Duration::from_secs(6) {
            let before = height(&clients[0]).await;
            nodes[victim].kill().unwrap(); // SIGKILL: no chance to flush anything
            nodes[victim].wait().unwrap();
            killed_at = Some(before);
            eprintln!("killed validator {victim} at height ~{before}");
        }
        if killed_at.is_some() && !restarted && started.elapsed() > Duration::from_secs(14) {
            nodes[victim] = start_node(&layout, VICTIM);
            restarted = true;
            eprintln!("restarted validator {victim}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let killed_at = killed_at.expect("victim was killed");
    assert!(submitted > 200, "load too small: {submitted}");

    // Wait for every submitted transfer to execute and the victim to catch up. A transfer the
    // victim accepted in the instant before SIGKILL may have died in its pool before gossip
    // left the process; a wallet rebroadcasts what has not executed, and so does this test,
    // but only such transfers: one a live validator accepted must never need it.
    let deadline = Instant::now() + Duration::from_secs(90);
    let expected: u64 = senders.iter().map(|s| s.nonce).sum();
    let mut rebroadcast = 0u32;
    let mut stalled_since = Instant::now();
    let mut last_progress = 0u64;
    loop {
        let mut done = true;
        let mut progress = 0u64;
        let mut stuck = Vec::new();
        for s in &senders {
            let next = clients[0].account(&s.address).await.unwrap().nonce;
            done &= next == s.nonce;
            progress += next;
            if next < s.nonce {
                stuck.push((s, next));
            }
        }
        if done {
            break;
        }
        if progress > last_progress {
            last_progress = progress;
            stalled_since = Instant::now();
        } else if stalled_since.elapsed() > Duration::from_secs(5) {
            for (s, next) in &stuck {
                let (raw, target) = &s.sent[usize::try_from(*next).unwrap()];
                if *target == victim {
                    // Already pooled elsewhere is fine: the point is that some pool holds it.
                    let _ = clients[0].submit(raw.clone()).await;
                    rebroadcast += 1;
                }
            }
            stalled_since = Instant::now();
        }
        let waiting: Vec<String> = stuck
            .iter()
            .map(|(s, next)| {
                let target = s.sent[usize::try_from(*next).unwrap()].1;
                format!("{}: nonce {next} accepted by validator {target}", s.address)
            })
            .collect();
        assert!(
            Instant::now() < deadline,
            "submitted transfers did not all execute (rebroadcast {rebroadcast}): {waiting:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    if rebroadcast > 0 {
        eprintln!("rebroadcast {rebroadcast} transfers the killed validator had accepted");
    }
    let top = height(&clients[0]).await;
    // Every validator applies finalized blocks on its own schedule; compare them all at `top`,
    // after which no transfer remains to execute.
    // The state a node proves against may trail its indexed tip by a block: wait for both.
    for c in &clients {
        wait_height(c, top, Duration::from_secs(90)).await;
        let deadline = Instant::now() + Duration::from_secs(90);
        while c.account(&sink).await.unwrap().height < top {
            assert!(
                Instant::now() < deadline,
                "{} state stuck below {top}",
                c.base()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert!(
        top > killed_at + 20,
        "the chain kept finalizing while a validator was down"
    );

    // Every finalized block, before and after the kill, is identical on the victim and on a
    // validator that never went down: same digest (so same header, state root, outcomes).
    for h in 1..=top {
        let a = clients[0]
            .block(h)
            .await
            .unwrap()
            .expect("healthy node has every block");
        let b = clients[victim]
            .block(h)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("victim lost block {h}"));
        assert_eq!(a.digest, b.digest, "block {h} differs");
        assert_eq!(a.state_root, b.state_root, "state root {h} differs");
    }

    // A third party recomputes a certified block's txs_root from the transaction bytes the API
    // serves, and proves one transaction's receipt, on the restarted validator.
    let mut checked = false;
    for h in (1..=top).rev() {
        let block = clients[0].block(h).await.unwrap().expect("finalized block");
        let Some(ok) = block.txs.iter().find(|t| t.outcome.code == 0) else {
            continue;
        };
        if block.finalization.is_none() {
            continue;
        }
        let header = Client::verify_block(&trust, &block).unwrap();
        let bytes: Vec<Vec<u8>> = block
            .txs
            .iter()
            .map(|t| hex::decode(&t.tx).expect("hex transaction bytes"))
            .collect();
        assert_eq!(terrane_node::block::txs_root(&bytes), header.txs_root);
        let id: Hash32 = ok.hash.parse().unwrap();
        let receipt = clients[victim]
            .verified_receipt(&trust, &id)
            .await
            .unwrap()
            .expect("a charged transfer has a receipt");
        assert_eq!((receipt.height.get(), receipt.code), (h, 0));
        checked = true;
        break;
    }
    assert!(checked, "no finalized block with a successful transfer");

    // Balances agree everywhere and are proven against certified state on every node.
    let sink_balance = clients[victim]
        .verified_account(&trust, &sink)
        .await
        .unwrap()
        .0
        .balance;
    assert_eq!(
        sink_balance.get(),
        7 * expected,
        "every transfer credited exactly once"
    );
    for c in &clients {
        assert_eq!(
            c.verified_account(&trust, &sink).await.unwrap().0.balance,
            sink_balance
        );
        for s in &senders {
            let (acct, _) = c.verified_account(&trust, &s.address).await.unwrap();
            assert_eq!(acct.nonce.get(), s.nonce);
        }
    }
    eprintln!("{submitted} transfers executed, {top} blocks agreed, victim killed at ~{killed_at}");

    // A proof that does not match is refused: flip one byte of the value.
    let mut view = clients[1].account(&senders[0].address).await.unwrap();
    let mut value = terrane_primitives::hex::decode(view.value.as_ref().unwrap()).unwrap();
    value[0] ^= 1;
    view.value = Some(terrane_primitives::hex::encode(&value));
    let root = terrane_node::light::parse_digest(&view.state_root).unwrap();
    let key =
        terrane_state::StateKey::of::<terrane_accounts::state_key::Accounts>(&senders[0].address);
    assert!(
        terrane_node::light::verify_state(&key, view.value.as_deref(), &view.proof, &root).is_err()
    );

    for n in &mut nodes {
        let _ = n.kill();
        let _ = n.wait();
    }
}
