//! `terrane credits`.

use super::send::send_payload;
use crate::{cli::CreditsCommand, resolve};
use anyhow::anyhow;
use terrane_app::Payload;
use terrane_client::Client;
use terrane_credits::msg::BurnForCredits;
use terrane_primitives::Amount;

pub async fn run(cmd: CreditsCommand) -> anyhow::Result<()> {
    match cmd {
        CreditsCommand::Buy {
            from,
            to,
            amount,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let to = match to {
                Some(to) => resolve::address(&to, &tx.store)?,
                None => terrane_app::testkit::address_of(&key),
            };
            let amount = Amount::parse_tokens(&amount).ok_or_else(|| {
                anyhow!("--amount {amount:?}: expected TRN like 1.5 or base units like 1500000u")
            })?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            let quote = client.credits().await?;
            match (quote.price, quote.credits_per_trn) {
                (Some(price), Some(per_trn)) => println!(
                    "burning {amount} at ${}.{:06}/TRN: about {} credits for {to}",
                    price / 1_000_000,
                    price % 1_000_000,
                    u128::from(per_trn) * u128::from(amount.get()) / 1_000_000
                ),
                _ => println!(
                    "the chain has no fresh price now: the burn will be refused (code 702)"
                ),
            }
            send_payload(
                &tx,
                &key,
                Payload::BurnForCredits(BurnForCredits { to, amount }),
            )
            .await?;
            let after = client.credit_account(&to).await?;
            println!("{to} holds {} credits", after.balance);
            Ok(())
        }
        CreditsCommand::Show {
            address,
            node,
            trust,
            store,
        } => {
            let address = resolve::address(&address, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            let view = match resolve::trust(&trust)? {
                Some(t) => {
                    let (_, view) = client.verified_credits(&t, &address).await?;
                    println!(
                        "verified: balance proven against block {} (root {})",
                        view.height, view.state_root
                    );
                    view
                }
                None => {
                    let view = client.credit_account(&address).await?;
                    println!(
                        "NOT verified (--no-verify): as reported at height {}",
                        view.height
                    );
                    view
                }
            };
            println!("address:  {address}");
            println!("credits:  {}", view.balance);
            println!("sessions: {} open", view.sessions.len());
            for s in &view.sessions {
                println!(
                    "  #{} hotspot {} deposit {} paid {} ({} bytes, nonce {}) runs to {}, settles by {}",
                    s.id,
                    s.device,
                    s.deposit,
                    s.paid,
                    s.paid_bytes,
                    s.last_nonce,
                    s.expires,
                    s.settle_until
                );
            }
            let n = client.credits().await?;
            println!(
                "network:  {} minted = {} spent + {} in balances + {} escrowed; {} burned for them; 1 credit = {} micro-USD; {}",
                n.minted,
                n.spent,
                n.balances,
                n.escrowed,
                Amount::new(n.trn_burned),
                n.micro_usd_per_credit,
                n.credits_per_trn
                    .map_or("no fresh price".to_owned(), |c| format!(
                        "{c} credits per TRN now"
                    ))
            );
            Ok(())
        }
    }
}
