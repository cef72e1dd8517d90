//! `terrane node`: one validator process.

use anyhow::Context;
use std::path::Path;
use terrane_node::config::NodeConfig;

pub fn run(config: &Path) -> anyhow::Result<()> {
    super::init_logging("info");
    // A broken invariant must stop the validator, not leave it running beside a dead task:
    // it restarts from its durable state (the supervisor or operator restarts it).
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        std::process::exit(101);
    }));
    let cfg = NodeConfig::load(config).with_context(|| format!("loading {}", config.display()))?;
    terrane_node::service::run(cfg)?;
    Ok(())
}
