//! Where things are when flags do not say: keystore, node, genesis; names and passphrases.

use crate::cli::{KeystoreArg, NodeArg, TrustArg};
use anyhow::{Context, anyhow, bail};
use commonware_cryptography::ed25519;
use std::{
    io::{BufRead, Write},
    path::PathBuf,
};
use terrane_client::Trust;
use terrane_devnet::layout::Layout;
use terrane_keystore::Keystore;
use terrane_primitives::Address;

/// The devnet directory `terrane devnet` uses by default.
pub const DEVNET_DIR: &str = ".terrane/devnet";

fn devnet() -> Option<Layout> {
    let layout = Layout::new(DEVNET_DIR);
    layout.exists().then_some(layout)
}

/// The keystore directory.
pub fn keystore_dir(arg: &KeystoreArg) -> PathBuf {
    if let Some(dir) = &arg.keystore {
        return dir.clone();
    }
    if let Some(layout) = devnet() {
        return layout.keys();
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".terrane").join("keys")
}

/// The keystore.
pub fn keystore(arg: &KeystoreArg) -> anyhow::Result<Keystore> {
    let dir = keystore_dir(arg);
    Keystore::open(&dir).with_context(|| format!("opening keystore {}", dir.display()))
}

/// The node URL.
pub fn node_url(arg: &NodeArg) -> anyhow::Result<String> {
    if let Some(url) = &arg.node {
        return Ok(url.clone());
    }
    if let Some(layout) = devnet() {
        return Ok(terrane_devnet::layout::api_url(&layout, 0)?);
    }
    Ok("http://127.0.0.1:8650".to_owned())
}

/// The trust anchor, or `None` with `--no-verify`.
pub fn trust(arg: &TrustArg) -> anyhow::Result<Option<Trust>> {
    if arg.no_verify {
        return Ok(None);
    }
    let path = match (&arg.genesis, devnet()) {
        (Some(p), _) => p.clone(),
        (None, Some(layout)) => layout.genesis(),
        (None, None) => bail!(
            "no genesis to verify proofs against: pass --genesis <file> (or --no-verify to trust \
             the node)"
        ),
    };
    let genesis = terrane_node::config::load_genesis(&path)?;
    Ok(Some(terrane_client::trust_from_genesis(&genesis).map_err(
        |e| {
            anyhow!(
                "{}: cannot read the validator set's identity: {e}",
                path.display()
            )
        },
    )?))
}

/// An address from hex or `@name` (a key in the keystore).
pub fn address(text: &str, store: &KeystoreArg) -> anyhow::Result<Address> {
    if let Some(name) = text.strip_prefix('@') {
        let info = keystore(store)?.info(name)?;
        return Address::from_slice(info.public_key.as_ref()).map_err(|e| anyhow!("{e}"));
    }
    text.parse::<Address>()
        .map_err(|e| anyhow!("{text:?} is neither a 64-character hex address nor @name: {e}"))
}

/// Reads a passphrase from $TERRANE_PASSPHRASE or the terminal (without echo).
pub fn passphrase(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("TERRANE_PASSPHRASE") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    eprint!("{prompt}: ");
    std::io::stderr().flush()?;
    let saved = rustix::termios::tcgetattr(&stdin).ok();
    if let Some(mut quiet) = saved.clone() {
        quiet.local_modes.remove(rustix::termios::LocalModes::ECHO);
        let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &quiet);
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if let Some(saved) = saved {
        let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &saved);
        eprintln!();
    }
    read.context("reading the passphrase")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Loads a signing key by name, asking for its passphrase if it is encrypted.
pub fn signing_key(store: &KeystoreArg, name: &str) -> anyhow::Result<ed25519::PrivateKey> {
    let ks = keystore(store)?;
    let info = ks.info(name)?;
    let pass = if info.encrypted {
        Some(passphrase(&format!("passphrase for key '{name}'"))?)
    } else {
        None
    };
    Ok(ks.load(name, pass.as_deref())?)
}
