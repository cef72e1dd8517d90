//! Wiring of `terrane-pow`: the proof-of-physical-work framework and its report bundles.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{BlockCtx, ClassVerifier as _, Message, Module, TxCtx},
    modules::{accounts::entry, for_each_class},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_pow::{
    events::PowEvent,
    genesis,
    handler::{self, Precheck},
    invariants,
    msg::SubmitReports,
    outcome::PowRejection,
    params::PowParams,
    state_key as tables,
    types::Verdict,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The proof-of-physical-work framework module.
pub struct Pow;

impl Module for Pow {
    const NAME: &'static str = "pow";
    type Params = PowParams;

    fn params(chain: &ChainParams) -> &PowParams {
        &chain.pow
    }

    fn validate_params(p: &PowParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        PowRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::SeenReports>(),
            entry::<tables::Work>(),
            entry::<tables::Outcomes>(),
            entry::<tables::EpochInvalid>(),
            entry::<tables::Epochs>(),
            entry::<tables::EpochWork>(),
            entry::<tables::EpochWorkers>(),
            entry::<tables::CellWork>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.pow);
    }

    /// The new epoch's duty windows come from this block's randomness.
    async fn open_epoch<S: StateRead>(ctx: &mut BlockCtx<'_, S>) -> Result<(), StateError> {
        let env = ctx.env;
        let opened = handler::open_epoch(ctx.state, env.epoch, env.randomness, env.height);
        ctx.emit(EventKind::Pow(opened));
        Ok(())
    }

    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        at: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        invariants::check_epoch(state, at.epoch).await
    }
}

impl Message for SubmitReports {
    /// Judges the bundle's reports one by one. The bundle itself succeeds (unless it is over
    /// the size limit); each report's outcome is recorded on its device and reported as an
    /// event.
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let pow_params = &ctx.params.pow;
        if self.reports.len() > pow_params.max_reports_per_bundle as usize {
            return Ok(Err(PowRejection::BundleTooLarge.into()));
        }
        let mut events = Vec::with_capacity(self.reports.len());
        for (signed, signature_ok) in self.reports.iter().zip(ctx.report_signatures) {
            let event = match handler::precheck(ctx.state, ctx.env, signed, *signature_ok).await? {
                Precheck::Accepted(pre) => {
                    // A class that is not enabled is not the device's fault: refused,
                    // recorded, reputation untouched. (Inline rather than a helper: every
                    // async layer here deepens the node's block-execution future.)
                    let class = pre.device.class();
                    let mut verdict = Verdict::Refused(PowRejection::ClassNotEnabled.code());
                    for_each_class!(C => if C::CLASS == class {
                        verdict = C::verify_report(ctx.state, ctx.env, pow_params, &pre).await?;
                    });
                    handler::record(
                        ctx.state,
                        ctx.env,
                        pow_params,
                        &pre.device,
                        &pre.report,
                        pre.report_id,
                        verdict,
                    )
                    .await?
                }
                Precheck::Rejected {
                    report_id,
                    charged: Some(device),
                    code,
                } => {
                    handler::record(
                        ctx.state,
                        ctx.env,
                        pow_params,
                        &device,
                        &signed.report,
                        report_id,
                        Verdict::Invalid(code.code()),
                    )
                    .await?
                }
                Precheck::Rejected {
                    report_id, code, ..
                } => PowEvent::ReportJudged {
                    report_id,
                    device: None,
                    code: code.code(),
                    units: 0,
                },
            };
            events.push(EventKind::Pow(event));
        }
        Ok(Ok(events))
    }
}
