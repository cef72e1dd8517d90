//! `terrane query`.

use crate::{cli::QueryCommand, resolve};
use anyhow::{anyhow, bail};
use terrane_client::Client;
use terrane_primitives::{Amount, Hash32};

pub async fn run(cmd: QueryCommand) -> anyhow::Result<()> {
    match cmd {
        QueryCommand::Status { node } => {
            let s = Client::new(&resolve::node_url(&node)?).status().await?;
            println!("chain:            {}", s.chain_id);
            println!("genesis:          {}", s.genesis_hash);
            println!("finalized height: {}", s.finalized_height);
            println!("finalized block:  {}", s.finalized_block);
            println!("state root:       {}", s.state_root);
            println!(
                "validators:       {} ({} peers voting)",
                s.validators, s.peers
            );
            println!("mempool:          {}", s.mempool_size);
        }
        QueryCommand::Account {
            address,
            node,
            trust,
            store,
        } => {
            let address = resolve::address(&address, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            match resolve::trust(&trust)? {
                Some(t) => {
                    let (account, view) = client.verified_account(&t, &address).await?;
                    println!("address: {address}");
                    println!("balance: {}", account.balance);
                    println!("nonce:   {}", account.nonce);
                    println!(
                        "verified: state proof against block {} (root {}) under a finality \
                         certificate of the genesis validator set",
                        view.height, view.state_root
                    );
                }
                None => {
                    let view = client.account(&address).await?;
                    println!("address: {address}");
                    println!("balance: {}", Amount::new(view.balance));
                    println!("nonce:   {}", view.nonce);
                    println!(
                        "NOT verified (--no-verify): as reported at height {}",
                        view.height
                    );
                }
            }
        }
        QueryCommand::Block { id, node, trust } => {
            let client = Client::new(&resolve::node_url(&node)?);
            let block = if id == "latest" {
                client.latest_block().await?
            } else {
                let h: u64 = id
                    .parse()
                    .map_err(|_| anyhow!("{id:?} is neither a height nor `latest`"))?;
                client.block(h).await?
            };
            let Some(block) = block else {
                bail!("the node has no block {id}");
            };
            let verified = match resolve::trust(&trust)? {
                Some(t) => {
                    Client::verify_block(&t, &block)?;
                    "finality certificate verified against the genesis validator set"
                }
                None => "NOT verified (--no-verify)",
            };
            println!("height:     {}", block.height);
            println!("digest:     {}", block.digest);
            println!("parent:     {}", block.parent);
            println!("time (ms):  {}", block.timestamp_ms);
            println!("proposer:   {}", block.proposer);
            println!("view:       {}", block.view);
            println!("state root: {}", block.state_root);
            println!("txs:        {}", block.tx_count);
            for t in &block.txs {
                println!("  {}  {} ({})", t.hash, t.outcome.name, t.outcome.code);
            }
            println!("{verified}");
        }
        QueryCommand::Tx { hash, node } => {
            let id: Hash32 = hash
                .parse()
                .map_err(|e| anyhow!("{hash:?} is not a 64-character hex hash: {e}"))?;
            let s = Client::new(&resolve::node_url(&node)?).tx(&id).await?;
            println!("hash:   {}", s.hash);
            println!("status: {:?}", s.status);
            if let (Some(h), Some(i)) = (s.height, s.index) {
                println!("block:  {h} (index {i})");
            }
            if let Some(o) = s.outcome {
                println!("outcome: {} ({}): {}", o.name, o.code, o.description);
            }
        }
    }
    Ok(())
}
