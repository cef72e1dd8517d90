//! `terrane tx`.

use super::send::send_payload;
use crate::{cli::TxCommand, resolve};
use anyhow::anyhow;
use terrane_accounts::msg::Transfer;
use terrane_app::Payload;
use terrane_primitives::Amount;

pub async fn run(cmd: TxCommand) -> anyhow::Result<()> {
    let TxCommand::Transfer {
        from,
        to,
        amount,
        memo,
        tx,
    } = cmd;
    let key = resolve::signing_key(&tx.store, &from)?;
    let to = resolve::address(&to, &tx.store)?;
    let amount = Amount::parse_tokens(&amount).ok_or_else(|| {
        anyhow!("--amount {amount:?}: expected TRN like 12.5 or base units like 12500000u")
    })?;
    println!("sending {amount} to {to}");
    let payload = Payload::Transfer(Transfer {
        to,
        amount,
        memo: memo.into_bytes(),
    });
    send_payload(&tx, &key, payload).await
}
