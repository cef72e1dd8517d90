//! `GET /v1/status` and `GET /v1/blocks/{id}`: the tip, and finalized blocks with their
//! certificates.

use super::*;

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn block_view(&self, block: crate::block::Block) -> BlockView {
        let h = block.header();
        let finalization = self
            .marshal
            .get_finalization(CHeight::new(h.height.get()))
            .await
            .map(|f| hex::encode(&f.encode()));
        let txs = block
            .txs()
            .iter()
            .zip(block.outcomes())
            .map(|(raw, code)| TxInBlock {
                hash: SignedTransaction::decode_bounded(raw)
                    .map(|t| t.id())
                    .unwrap_or_else(|_| sha256(&[raw]))
                    .to_string(),
                tx: hex::encode(raw),
                outcome: outcome_view(*code),
            })
            .collect();
        BlockView {
            height: h.height.get(),
            digest: block.digest().to_string(),
            parent: h.parent.to_string(),
            timestamp_ms: h.timestamp.get(),
            epoch: h.context.round.epoch,
            view: h.context.round.view,
            proposer: h.context.leader.to_string(),
            header: crate::light::header_hex(h),
            state_root: h.state_root.to_string(),
            seed: h.seed.as_ref().map(|s| hex::encode(&s.encode())),
            tx_count: h.tx_count,
            txs,
            finalization,
        }
    }

    pub(super) async fn status_view(&self) -> Result<StatusView, ApiError> {
        let tip = self.indexer.tip();
        let (voters, _) = self.observations.active_voters(50);
        Ok(StatusView {
            chain_id: self.chain.chain_id.clone(),
            genesis_hash: self.chain.genesis_hash.to_string(),
            finalized_height: tip.map_or(0, |t| t.height.get()),
            finalized_block: tip.map_or_else(|| Digest::EMPTY_HEX.into(), |t| t.digest.to_string()),
            state_root: tip.map_or_else(|| Digest::EMPTY_HEX.into(), |t| t.state_root.to_string()),
            // Validators other than us heard voting in the last 50 views.
            peers: u32::try_from(voters.len().saturating_sub(1)).unwrap_or(u32::MAX),
            validators: self.chain.validators,
            mempool_size: self.mempool.len() as u64,
            network_identity: self.chain.identity.clone(),
        })
    }

    pub(super) async fn block_by_id(&self, id: BlockId) -> Result<Option<BlockView>, ApiError> {
        let identifier = match id {
            BlockId::Latest => match self.indexer.tip() {
                Some(t) => Identifier::Height(CHeight::new(t.height.get())),
                None => Identifier::Latest,
            },
            BlockId::Height(h) => Identifier::Height(CHeight::new(h)),
        };
        match self.marshal.get_block(identifier).await {
            Some(b) => Ok(Some(self.block_view(b.inner().clone()).await)),
            None => Ok(None),
        }
    }
}
