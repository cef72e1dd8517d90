//! Checks and execution for price reports, and the chain's price.
//!
//! `submit` checks every rule before it writes and returns `Ok(Err(rejection))` without
//! writing when one fails; `Err` is a storage fault.

use crate::{
    events::OracleEvent,
    msg::SubmitPrice,
    outcome::OracleRejection,
    params::OracleParams,
    state_key::{PARAMS_KEY, Params, Reports},
    types::{ChainPrice, PriceReport},
    verify,
};
use terrane_primitives::{Address, TimestampMs};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// The oracle parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<OracleParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("oracle params are written at genesis"))
}

/// Records `signer`'s report if it is a listed oracle's, sane and newer than its last.
pub async fn submit<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    signer: &Address,
    msg: &SubmitPrice,
) -> Result<Result<Vec<OracleEvent>, OracleRejection>, StateError> {
    let p = params(state).await?;
    let keys = p.oracle_keys().expect("validated parameters");
    if !keys.contains(signer) {
        return Ok(Err(OracleRejection::NotOracle));
    }
    if msg.price.get() == 0 {
        return Ok(Err(OracleRejection::PriceZero));
    }
    let now = env.timestamp.get();
    let t = msg.timestamp.get();
    if t > now.saturating_add(p.max_future_skew_ms) {
        return Ok(Err(OracleRejection::ReportFromTheFuture));
    }
    if t < now.saturating_sub(p.max_report_age_ms) {
        return Ok(Err(OracleRejection::ReportStale));
    }
    if let Some(last) = state.get::<Reports>(signer).await?
        && msg.timestamp <= last.timestamp
    {
        return Ok(Err(OracleRejection::ReportNotNewer));
    }
    state.put::<Reports>(
        signer,
        &PriceReport {
            price: msg.price,
            timestamp: msg.timestamp,
            height: env.height,
        },
    );
    Ok(Ok(vec![OracleEvent::PriceReported {
        oracle: *signer,
        price: msg.price,
        timestamp: msg.timestamp,
    }]))
}

/// Every listed oracle's latest report, in the parameters' order (oracles that never
/// reported are absent).
pub async fn reports<S: StateRead>(
    state: &Overlay<S>,
) -> Result<Vec<(Address, PriceReport)>, StateError> {
    let keys = params(state).await?.oracle_keys().expect("validated");
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(r) = state.get::<Reports>(&k).await? {
            out.push((k, r));
        }
    }
    Ok(out)
}

/// The chain's price at `now` (a block's time): the median of the fresh reports, or
/// `too_few_fresh_prices` — never a stale price.
pub async fn price<S: StateRead>(
    state: &Overlay<S>,
    now: TimestampMs,
) -> Result<Result<ChainPrice, OracleRejection>, StateError> {
    let p = params(state).await?;
    let reports: Vec<PriceReport> = reports(state).await?.into_iter().map(|(_, r)| r).collect();
    Ok(
        verify::median_price(&reports, now, p.max_report_age_ms, p.min_fresh_reports)
            .ok_or(OracleRejection::TooFewFreshReports),
    )
}
