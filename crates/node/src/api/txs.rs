//! `POST /v1/tx` and `GET /v1/tx/{hash}`: mempool admission and where a transaction is.

use super::*;

/// Maps a mempool refusal to an HTTP error with its stable code.
fn refusal(outcome: Outcome) -> ApiError {
    let info = outcome::lookup(outcome.0).expect("mempool refusals are registered");
    let (code, reason, message) = (info.code, info.name, info.description);
    let is = |r: EnvelopeRejection| outcome.0 == r.code();
    let is_acct = |r: AccountsRejection| outcome.0 == r.code();
    if is(EnvelopeRejection::TxTooLarge) {
        ApiError::payload_too_large(code, reason, message)
    } else if is(EnvelopeRejection::MempoolFull) || is(EnvelopeRejection::AccountQueueFull) {
        ApiError::new(
            axum_status(503),
            code,
            reason,
            format!("{message}; retry later"),
        )
    } else if is(EnvelopeRejection::DuplicateTx)
        || is(EnvelopeRejection::ReplacementUnderpriced)
        || is_acct(AccountsRejection::NonceTooLow)
    {
        ApiError::conflict(code, reason, message)
    } else if is(EnvelopeRejection::Malformed) || is(EnvelopeRejection::BadSignature) {
        ApiError::bad_request(code, reason, message)
    } else {
        ApiError::new(axum_status(422), code, reason, message)
    }
}

fn axum_status(code: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(code).expect("valid status")
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn receipt_proof(
        &self,
        hash: [u8; 32],
    ) -> Result<Option<StateProofView>, ApiError> {
        let id = Hash32::new(hash);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let proof = self
            .prove(
                &guard,
                height,
                &StateKey::of::<terrane_app::state_key::Receipts>(&id),
            )
            .await?;
        Ok(proof.value.is_some().then_some(proof))
    }

    pub(super) async fn submit(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        self.mempool
            .submit(&self.db, bytes::Bytes::from(tx), true)
            .await
            .map(|id| TxSubmitted {
                hash: id.to_string(),
            })
            .map_err(|e| match e {
                crate::mempool::SubmitError::Refused(o) => refusal(o),
                crate::mempool::SubmitError::Fault(f) => internal(f),
            })
    }

    pub(super) async fn tx_status(&self, hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        let id = Hash32::new(hash);
        let included = |height: u64, index: u32, code: u16| TxStatusView {
            hash: id.to_string(),
            status: TxStatus::Included,
            height: Some(height),
            index: Some(index),
            outcome: Some(outcome_view(code)),
        };
        let indexed = self.indexer.tx(&id);
        if let Some(loc) = indexed.filter(|l| l.charged) {
            return Ok(included(loc.height.get(), loc.index, loc.code));
        }
        let receipt = {
            let guard = self.db.read().await;
            let overlay = Overlay::new(DbReader::<E>(&guard));
            query::receipt(&overlay, &id).await.map_err(internal)?
        };
        if let Some(r) = receipt {
            return Ok(included(r.height.get(), r.index, r.code));
        }
        // Still pending beats an uncharged rejection: that may have been a copy of this
        // transaction with a bad signature, and this one can still execute.
        if !self.mempool.contains(&id)
            && let Some(loc) = indexed
        {
            return Ok(TxStatusView {
                status: TxStatus::Refused,
                ..included(loc.height.get(), loc.index, loc.code)
            });
        }
        let status = if self.mempool.contains(&id) {
            TxStatus::Pending
        } else {
            TxStatus::Unknown
        };
        Ok(TxStatusView {
            hash: id.to_string(),
            status,
            height: None,
            index: None,
            outcome: None,
        })
    }
}
