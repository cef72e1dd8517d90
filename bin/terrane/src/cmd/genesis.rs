//! `terrane genesis`: a new network's files.

use crate::cli::GenesisArgs;
use anyhow::{anyhow, bail};
use std::time::{SystemTime, UNIX_EPOCH};
use terrane_devnet::layout::{self, Layout, Spec};

pub fn run(args: GenesisArgs) -> anyhow::Result<()> {
    let now_ms = u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
    let mut spec = Spec::default_devnet(now_ms);
    spec.chain_id = args.chain_id;
    spec.validators = args.validators;
    spec.api_port = args.api_port;
    spec.p2p_port = args.p2p_port;
    if args.validators == 0 {
        bail!("--validators must be at least 1");
    }
    if !args.accounts.is_empty() {
        spec.accounts = args
            .accounts
            .iter()
            .map(|a| {
                let (name, tokens) = a
                    .split_once('=')
                    .ok_or_else(|| anyhow!("--account {a:?}: expected NAME=TOKENS"))?;
                let tokens: u64 = tokens
                    .parse()
                    .map_err(|_| anyhow!("--account {a:?}: {tokens:?} is not a whole number"))?;
                Ok((name.to_owned(), tokens))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    let layout = Layout::new(&args.out);
    let genesis = layout::create(&layout, &spec)?;
    println!(
        "wrote network {} ({} validators) to {}",
        genesis.chain_id,
        spec.validators,
        args.out.display()
    );
    for i in 0..spec.validators {
        println!(
            "  validator {i}: terrane node --config {}",
            layout.node_config(i).display()
        );
    }
    println!(
        "  funded keys (insecure, devnet only): {}",
        layout.keys().display()
    );
    Ok(())
}
