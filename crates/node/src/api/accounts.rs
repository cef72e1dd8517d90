//! `GET /v1/accounts/{address}`: an account with its state proof.

use super::*;

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn account_view(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        let address = Address::new(address);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let p = self
            .prove(&guard, height, &StateKey::of::<Accounts>(&address))
            .await?;
        let account = match &p.value {
            Some(v) => Account::decode(bytes::Bytes::from(hex::decode(v).expect("we encoded it")))
                .map_err(|e| ApiError::internal(format!("stored account corrupt: {e}")))?,
            None => Account::default(),
        };
        Ok(AccountView {
            address: address.to_string(),
            balance: account.balance.get(),
            nonce: account.nonce.get(),
            height: p.height,
            state_root: p.state_root,
            key: p.key,
            value: p.value,
            proof: p.proof,
        })
    }
}
