//! `terrane session`.

use super::send::{device_id, send_payload};
use crate::{cli::SessionCommand, resolve};
use anyhow::{anyhow, bail};
use commonware_codec::{DecodeExt, Encode};
use commonware_cryptography::Signer as _;
use terrane_app::Payload;
use terrane_client::Client;
use terrane_credits::types::{Credits, EscrowId};
use terrane_primitives::{ChainId, hex};
use terrane_sessions::{
    msg::{CloseSession, OpenSession, SubmitReceipt},
    types::Receipt,
};

pub async fn run(cmd: SessionCommand) -> anyhow::Result<()> {
    match cmd {
        SessionCommand::Open {
            from,
            device,
            deposit,
            blocks,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let device = device_id(&device, &tx.store)?;
            let payload = Payload::OpenSession(OpenSession {
                device,
                deposit: Credits::new(deposit),
                duration_blocks: blocks,
            });
            send_payload(&tx, &key, payload).await?;
            if !tx.no_wait {
                let client = Client::new(&resolve::node_url(&tx.node)?);
                let payer = terrane_app::testkit::address_of(&key);
                let account = client.credit_account(&payer).await?;
                if let Some(s) = account
                    .sessions
                    .iter()
                    .filter(|s| s.device == device.to_string())
                    .max_by_key(|s| s.id)
                {
                    println!(
                        "session {} open: {} credits escrowed, runs to height {}",
                        s.id, s.deposit, s.expires
                    );
                }
            }
            Ok(())
        }
        SessionCommand::Receipt {
            payer,
            session,
            bytes,
            nonce,
            print,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &payer)?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            let nonce = match nonce {
                Some(n) => n,
                None => {
                    let s = client
                        .session(session)
                        .await?
                        .ok_or_else(|| anyhow!("no open session {session}"))?;
                    s.last_nonce + 1
                }
            };
            let params = client.params().await?;
            let chain = ChainId::new(params["chain_id"].as_str().unwrap_or_default())
                .map_err(|e| anyhow!("the node reports a bad chain id: {e}"))?;
            let receipt = Receipt {
                session: EscrowId::new(session),
                bytes,
                nonce,
            };
            let signed = SubmitReceipt {
                receipt,
                signature: key.sign(&Receipt::signing_namespace(&chain), &receipt.message()),
            };
            if print {
                println!("{}", hex::encode(&signed.encode()));
                return Ok(());
            }
            send_payload(&tx, &key, Payload::SubmitReceipt(signed)).await
        }
        SessionCommand::Submit { from, receipt, tx } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let bytes = hex::decode(&receipt).ok_or_else(|| anyhow!("--receipt is not hex"))?;
            let Ok(signed) = SubmitReceipt::decode(bytes::Bytes::from(bytes)) else {
                bail!("--receipt is not an 88-byte signed receipt");
            };
            send_payload(&tx, &key, Payload::SubmitReceipt(signed)).await
        }
        SessionCommand::Close { from, session, tx } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let payload = Payload::CloseSession(CloseSession {
                session: EscrowId::new(session),
            });
            send_payload(&tx, &key, payload).await
        }
        SessionCommand::Show { session, node } => {
            let client = Client::new(&resolve::node_url(&node)?);
            let Some(s) = client.session(session).await? else {
                bail!("no open session {session} (never opened, or closed)");
            };
            println!("session:  {}", s.id);
            println!("payer:    {}", s.payer);
            println!("hotspot:  {}", s.device);
            println!(
                "deposit:  {} credits ({} paid, {} left)",
                s.deposit, s.paid, s.remaining
            );
            println!(
                "receipts: {} bytes paid, last nonce {}",
                s.paid_bytes, s.last_nonce
            );
            println!("price:    {} bytes per credit", s.bytes_per_credit);
            println!(
                "runs:     heights {}..={}, receipts paid until {}",
                s.opened, s.expires, s.settle_until
            );
            Ok(())
        }
    }
}
