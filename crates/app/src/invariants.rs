//! Every module's invariants, checked together: [`check_all`] runs after every block in the app
//! tests, the fleet simulation and the node simulations.

use crate::{
    module::Module as _,
    modules::for_each_module,
    state_key::{HEAD_KEY, Head},
};
use terrane_pow::schedule;
use terrane_primitives::{Address, Amount, Epoch, Height};
use terrane_state::{Overlay, StateError, StateRead};

/// What the checks are run against, computed once by [`check_all`].
#[derive(Clone, Debug)]
pub struct CheckCtx {
    /// Every address that ever held a balance (the caller tracks them).
    pub holders: Vec<Address>,
    /// The sum of every module's [`held`](crate::module::Module::held) tokens.
    pub held: Amount,
    /// The height of the last executed block.
    pub height: Height,
    /// The epoch of that block.
    pub epoch: Epoch,
}

/// A broken invariant: which module's, and what broke.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{module} invariant broken: {why}")]
pub struct Violation {
    /// The module whose check failed.
    pub module: &'static str,
    /// What the check found.
    pub why: String,
}

/// Runs every module's invariant checks, in module order, on the state after a block.
/// `holders` must include every address that ever held a balance. Before block 1 there is
/// nothing to check.
///
/// # Panics
/// If the held tokens overflow an amount (they are bounded by the supply).
pub async fn check_all<S: StateRead>(
    state: &Overlay<S>,
    holders: impl IntoIterator<Item = Address>,
) -> Result<Result<(), Violation>, StateError> {
    let Some(head) = state.get::<Head>(&HEAD_KEY).await? else {
        return Ok(Ok(()));
    };
    let pow = terrane_pow::handler::params(state).await?;
    let mut held = Amount::ZERO;
    for_each_module!(M => {
        held = held
            .checked_add(M::held(state).await?)
            .expect("held tokens are bounded by the supply");
    });
    let at = CheckCtx {
        holders: holders.into_iter().collect(),
        held,
        height: head.height,
        epoch: schedule::epoch_of(head.height, pow.epoch_length_blocks),
    };
    let mut result = Ok(());
    for_each_module!(M => {
        if result.is_ok()
            && let Err(why) = M::check_invariants(state, &at).await?
        {
            result = Err(Violation { module: M::NAME, why });
        }
    });
    Ok(result)
}
