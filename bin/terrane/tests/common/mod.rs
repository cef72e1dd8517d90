//! Helpers shared by the process-level tests of the `terrane` binary: free ports, and a
//! one-validator chain run as a real `terrane node` process with the CLI pointed at it.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]
// Process-level tests: their deadlines are wall-clock time.
#![allow(clippy::disallowed_methods)]

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};
use terrane_client::Client;
use terrane_devnet::layout::Layout;
use terrane_primitives::ChainId;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_terrane");

/// A run of `n` free consecutive loopback ports (checked by binding them), below 60,000 so a
/// run of them cannot wrap past the last port.
pub fn free_ports(n: u16) -> u16 {
    for _ in 0..200 {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 60_000 {
            continue;
        }
        if (0..n).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no free port range");
}

/// Starts validator `i` of the network at `layout` as a `terrane node` process, its output
/// appended to `log`.
pub fn start_node(layout: &Layout, i: u32, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Command::new(BIN)
        .args(["node", "--config"])
        .arg(layout.node_config(i))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

/// The finalized height of the node behind `client` (0 while it does not answer).
pub async fn finalized(client: &Client) -> u64 {
    client.status().await.map_or(0, |s| s.finalized_height)
}

/// Waits until the node behind `client` has finalized `target`, at most `within`.
pub async fn wait_finalized(client: &Client, target: u64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let h = finalized(client).await;
        if h >= target {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} stuck at height {h} (< {target})",
            client.base()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A one-validator chain: the network `terrane genesis --validators 1` writes (its funded
/// named accounts, `alice` to `dave`, and the device `maker` in its keystore), the genesis
/// edited by the test, and one `terrane node` process, killed when this is dropped, passing
/// or not. Its log is `node.log` in the network's directory.
pub struct OneNode {
    /// The network's files.
    pub layout: Layout,
    /// The node's API.
    pub url: String,
    /// A client of it.
    pub client: Client,
    /// The chain id.
    pub chain: ChainId,
    node: Child,
    // Dropped after the node is killed (fields drop after `Drop::drop`).
    _dir: tempfile::TempDir,
}

impl Drop for OneNode {
    fn drop(&mut self) {
        let _ = self.node.kill();
        let _ = self.node.wait();
    }
}

impl OneNode {
    /// Writes the network, lets `edit` change the genesis JSON (its `params`), starts the
    /// node and waits for its second finalized block.
    pub async fn start(edit: impl FnOnce(&mut serde_json::Value)) -> Self {
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
        let mut genesis: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(layout.genesis()).unwrap()).unwrap();
        edit(&mut genesis);
        std::fs::write(
            layout.genesis(),
            serde_json::to_string_pretty(&genesis).unwrap(),
        )
        .unwrap();
        let chain = terrane_node::config::load_genesis(&layout.genesis())
            .unwrap()
            .chain_id();
        let node = start_node(&layout, 0, &dir.join("node.log"));
        let url = format!("http://127.0.0.1:{api}");
        let net = Self {
            client: Client::new(&url),
            layout,
            url,
            chain,
            node,
            _dir: tmp,
        };
        net.wait_height(2).await;
        net
    }

    /// Waits until the node has finalized `target`.
    pub async fn wait_height(&self, target: u64) {
        wait_finalized(&self.client, target, Duration::from_secs(120)).await;
    }

    /// The node's finalized height (0 while it does not answer).
    pub async fn finalized(&self) -> u64 {
        finalized(&self.client).await
    }

    /// The keystore of the network's accounts.
    pub fn keys(&self) -> PathBuf {
        self.layout.keys()
    }

    /// Runs `terrane ARGS` against this node, its keystore and its genesis, given the way a
    /// user's shell gives them (`TERRANE_NODE`, `TERRANE_KEYSTORE`, `TERRANE_GENESIS`), so each
    /// command takes the ones it reads; returns its output.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env("TERRANE_NODE", &self.url)
            .env("TERRANE_KEYSTORE", self.layout.keys())
            .env("TERRANE_GENESIS", self.layout.genesis())
            .env_remove("TERRANE_PASSPHRASE")
            .output()
            .unwrap()
    }

    /// Runs `terrane ARGS`, asserts it succeeds, and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "terrane {args:?} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Runs `terrane ARGS`, asserts it exits non-zero, and returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            !out.status.success(),
            "terrane {args:?} should fail:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Creates the unencrypted key `name` in the network's keystore.
    pub fn keys_new(&self, name: &str) {
        keys_new(&self.layout.keys(), name);
    }
}

/// Creates the unencrypted key `name` in the keystore at `keys`.
pub fn keys_new(keys: &Path, name: &str) {
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
