//! `GET /v1/price`: the chain's TRN/USD price at the latest finalized block.

use super::*;
use terrane_api::{OracleReportView, PriceView};

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn price_view(&self) -> Result<PriceView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let head = query::head(&overlay).await.map_err(internal)?;
        let Some(head) = head else {
            return Err(ApiError::unavailable("the node has no finalized state yet"));
        };
        let now = head.timestamp;
        let params = terrane_oracle::handler::params(&overlay)
            .await
            .map_err(internal)?;
        let reports = terrane_oracle::handler::reports(&overlay)
            .await
            .map_err(internal)?;
        let price = terrane_oracle::handler::price(&overlay, now)
            .await
            .map_err(internal)?
            .ok();
        let oldest_fresh = now.get().saturating_sub(params.max_report_age_ms);
        Ok(PriceView {
            price: price.map(|p| p.price.get()),
            at_ms: now.get(),
            fresh_reports: price.map_or(0, |p| p.reports),
            min_fresh_reports: params.min_fresh_reports,
            max_report_age_ms: params.max_report_age_ms,
            reports: reports
                .into_iter()
                .map(|(oracle, r)| OracleReportView {
                    oracle: oracle.to_string(),
                    price: r.price.get(),
                    timestamp_ms: r.timestamp.get(),
                    height: r.height.get(),
                    fresh: r.timestamp.get() >= oldest_fresh,
                })
                .collect(),
        })
    }
}
