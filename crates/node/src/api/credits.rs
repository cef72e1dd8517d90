//! `GET /v1/credits`, `/v1/credits/{address}`, `/v1/sessions/{id}`: data credits and the data
//! sessions they fund, at the latest finalized block.

use super::*;
use terrane_api::{CreditAccountView, CreditsView, SessionView};
use terrane_credits::{handler as credits, state_key::Balances, types::EscrowId};
use terrane_sessions::{handler as sessions, types::Session};

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn credits_view(&self) -> Result<CreditsView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let Some(head) = query::head(&overlay).await.map_err(internal)? else {
            return Err(ApiError::unavailable("the node has no finalized state yet"));
        };
        let params = credits::params(&overlay).await.map_err(internal)?;
        let ledger = credits::ledger(&overlay).await.map_err(internal)?;
        let price = terrane_oracle::handler::price(&overlay, head.timestamp)
            .await
            .map_err(internal)?
            .ok();
        let one_trn = terrane_primitives::Amount::from_tokens(1).expect("one TRN fits");
        let sessions_params = sessions::params(&overlay).await.map_err(internal)?;
        Ok(CreditsView {
            height: head.height.get(),
            micro_usd_per_credit: params.micro_usd_per_credit,
            price: price.map(|p| p.price.get()),
            credits_per_trn: price
                .and_then(|p| credits::credits_for(one_trn, p.price, &params))
                .map(|c| c.get()),
            bytes_per_credit: sessions_params.bytes_per_credit,
            trn_burned: ledger.trn_burned.get(),
            minted: ledger.minted.get(),
            spent: ledger.spent.get(),
            balances: ledger.balances.get(),
            escrowed: ledger.escrowed.get(),
            outstanding: ledger.outstanding().get(),
            escrows_open: ledger.escrows_open,
        })
    }

    pub(super) async fn credit_account_view(
        &self,
        address: [u8; 32],
    ) -> Result<CreditAccountView, ApiError> {
        let address = Address::new(address);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let p = self
            .prove(&guard, height, &StateKey::of::<Balances>(&address))
            .await?;
        let balance = credits::balance(&overlay, &address)
            .await
            .map_err(internal)?;
        let grace = sessions::params(&overlay)
            .await
            .map_err(internal)?
            .settle_grace_blocks;
        let open = sessions::sessions_of(&overlay, &address)
            .await
            .map_err(internal)?;
        Ok(CreditAccountView {
            address: address.to_string(),
            balance: balance.get(),
            sessions: open
                .iter()
                .map(|(id, s)| session_view(*id, s, grace))
                .collect(),
            height: p.height,
            state_root: p.state_root,
            key: p.key,
            value: p.value,
            proof: p.proof,
        })
    }

    pub(super) async fn session_view(&self, id: u64) -> Result<Option<SessionView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let id = EscrowId::new(id);
        let Some(s) = sessions::session(&overlay, id).await.map_err(internal)? else {
            return Ok(None);
        };
        let grace = sessions::params(&overlay)
            .await
            .map_err(internal)?
            .settle_grace_blocks;
        Ok(Some(session_view(id, &s, grace)))
    }
}

fn session_view(id: EscrowId, s: &Session, grace: u64) -> SessionView {
    SessionView {
        id: id.get(),
        payer: s.payer.to_string(),
        device: s.device.to_string(),
        deposit: s.deposit.get(),
        paid: s.paid.get(),
        remaining: s.deposit.get() - s.paid.get(),
        paid_bytes: s.paid_bytes,
        last_nonce: s.last_nonce,
        bytes_per_credit: s.bytes_per_credit,
        opened: s.opened.get(),
        expires: s.expires.get(),
        settle_until: s.expires.get().saturating_add(grace),
    }
}
