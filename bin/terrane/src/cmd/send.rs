//! Building, signing, submitting and following one transaction: what every sending command
//! shares.

use crate::{cli::TxOpts, resolve};
use anyhow::{Context, anyhow, bail};
use commonware_cryptography::{Signer as _, ed25519};
use terrane_app::{Payload, Transaction, tx::encode_signed};
use terrane_client::Client;
use terrane_primitives::{Address, Amount, ChainId, Nonce};

/// Signs `payload` with `key`, submits it, and (unless `--no-wait`) waits for its outcome.
/// Fails with the reason when the chain rejects it.
pub async fn send_payload(
    opts: &TxOpts,
    key: &ed25519::PrivateKey,
    payload: Payload,
) -> anyhow::Result<()> {
    let signer = Address::from_slice(key.public_key().as_ref()).map_err(|e| anyhow!("{e}"))?;
    let client = Client::new(&resolve::node_url(&opts.node)?);
    let trust = resolve::trust(&opts.trust)?;
    let nonce = match &trust {
        Some(t) => client.verified_account(t, &signer).await?.0.nonce,
        None => Nonce::new(client.account(&signer).await?.nonce),
    };
    let params = client.params().await?;
    let chain = ChainId::new(params["chain_id"].as_str().unwrap_or_default())
        .map_err(|e| anyhow!("the node reports a bad chain id: {e}"))?;
    if let Some(t) = &trust
        && t.chain != chain
    {
        bail!(
            "the node serves chain {chain}, but the genesis you trust is {}",
            t.chain
        );
    }
    let fee_params = serde_json::from_value(params["params"]["accounts"].clone())
        .map(|p: terrane_app::genesis::AccountsParamsJson| p.into())
        .unwrap_or_default();
    let mut tx = Transaction {
        signer,
        nonce,
        fee: Amount::ZERO,
        payload,
    };
    tx.fee = match opts.fee {
        Some(f) => Amount::new(f),
        None => tx.min_fee(&fee_params),
    };
    let kind = tx.payload.kind();
    let signed = tx.sign(key, &chain);
    let bytes = encode_signed(&signed).to_vec();
    if opts.no_wait {
        let s = client.submit(bytes).await.context("submitting")?;
        println!("submitted {kind} {} (nonce {nonce})", s.hash);
        return Ok(());
    }
    let (id, code) = client
        .submit_and_wait(bytes, std::time::Duration::from_secs(30))
        .await
        .context("submitting")?;
    match code {
        None => bail!("{kind} {id} not finalized after 30 s; check `terrane query tx {id}`"),
        Some(0) => {
            println!("{kind} {id}: finalized, ok");
            Ok(())
        }
        Some(code) => {
            let info = terrane_app::outcome::lookup(code);
            bail!(
                "{kind} {id} was rejected: {} ({code}): {}",
                info.map_or("unregistered", |i| i.name),
                info.map_or("", |i| i.description)
            )
        }
    }
}

/// A device id from hex or `@name` (a key in the keystore).
pub fn device_id(
    text: &str,
    store: &crate::cli::KeystoreArg,
) -> anyhow::Result<terrane_primitives::DeviceId> {
    let address = resolve::address(text, store)?;
    Ok(terrane_primitives::DeviceId::new(*address.as_bytes()))
}

/// Formats base units as TRN.
pub fn trn(units: u64) -> String {
    Amount::new(units).to_string()
}
