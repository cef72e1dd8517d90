//! `GET /v1/params`: the chain's genesis parameters.

use super::*;

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) fn params_view(&self) -> serde_json::Value {
        let g = self.executor.genesis();
        serde_json::json!({
            "chain_id": g.chain_id,
            "genesis_hash": self.chain.genesis_hash.to_string(),
            "makers": g.makers,
            "treasury": g.treasury,
            "params": g.params,
        })
    }
}
