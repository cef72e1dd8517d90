//! `terrane tx`.

use crate::{cli::TxCommand, resolve};
use anyhow::{Context, anyhow, bail};
use commonware_cryptography::Signer as _;
use std::time::Duration;
use terrane_accounts::{msg::Transfer, params::AccountsParams};
use terrane_app::{Payload, Transaction, tx::encode_signed};
use terrane_client::Client;
use terrane_primitives::{Address, Amount, Hash32, Nonce};

pub async fn run(cmd: TxCommand) -> anyhow::Result<()> {
    let TxCommand::Transfer {
        from,
        to,
        amount,
        memo,
        fee,
        wait,
        store,
        node,
        trust,
    } = cmd;
    let key = resolve::signing_key(&store, &from)?;
    let signer = Address::from_slice(key.public_key().as_ref()).map_err(|e| anyhow!("{e}"))?;
    let to = resolve::address(&to, &store)?;
    let amount = Amount::parse_tokens(&amount).ok_or_else(|| {
        anyhow!("--amount {amount:?}: expected TRN like 12.5 or base units like 12500000u")
    })?;
    let client = Client::new(&resolve::node_url(&node)?);
    let trust = resolve::trust(&trust)?;
    let (nonce, chain, params) = match &trust {
        Some(t) => {
            let (account, _) = client.verified_account(t, &signer).await?;
            let genesis = genesis_params(&client).await;
            (account.nonce, t.chain.clone(), genesis)
        }
        None => {
            let view = client.account(&signer).await?;
            let status = client.status().await?;
            (
                Nonce::new(view.nonce),
                terrane_primitives::ChainId::new(&status.chain_id)?,
                genesis_params(&client).await,
            )
        }
    };
    let mut tx = Transaction {
        signer,
        nonce,
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to,
            amount,
            memo: memo.into_bytes(),
        }),
    };
    tx.fee = match fee {
        Some(f) => Amount::new(f),
        None => tx.min_fee(&params),
    };
    let signed = tx.sign(&key, &chain);
    let id = signed.id();
    let submitted = client
        .submit(encode_signed(&signed).to_vec())
        .await
        .context("submitting the transfer")?;
    println!(
        "submitted {} (nonce {}, fee {})",
        submitted.hash, nonce, signed.tx.fee
    );
    if wait {
        wait_for(&client, &id).await?;
    }
    Ok(())
}

/// Fee parameters: the devnet genesis if present, else the defaults every genesis starts from.
async fn genesis_params(_client: &Client) -> AccountsParams {
    let layout = terrane_devnet::layout::Layout::new(resolve::DEVNET_DIR);
    terrane_node::config::load_genesis(&layout.genesis())
        .map(|g| g.params.accounts)
        .unwrap_or_default()
}

/// Polls until the transaction is in a finalized block, then prints its outcome.
pub async fn wait_for(client: &Client, id: &Hash32) -> anyhow::Result<()> {
    for _ in 0..200 {
        let status = client.tx(id).await?;
        if let Some(outcome) = status.outcome {
            println!(
                "finalized at height {} index {}: {} ({}) {}",
                status.height.unwrap_or_default(),
                status.index.unwrap_or_default(),
                outcome.name,
                outcome.code,
                outcome.description
            );
            if outcome.code != 0 {
                bail!("the transaction was rejected: {}", outcome.name);
            }
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    bail!("not finalized after 30 s; check `terrane query tx {id}`")
}
