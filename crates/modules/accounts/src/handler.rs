//! Checks and execution for accounts: charging a transaction, transfers, mint and burn.
//!
//! Each function reads through the block's [`Overlay`], checks every rule before it writes,
//! and returns `Ok(Err(rejection))` without writing when a rule fails. `Err` is reserved for
//! storage faults.

use crate::{
    events::AccountsEvent,
    msg::Transfer,
    outcome::AccountsRejection,
    params::AccountsParams,
    state_key::{Accounts, FundingOrigins, PARAMS_KEY, Params, SINGLETON, SupplyLedger},
    types::{Account, FundingOrigin, Supply},
};
use terrane_primitives::{Address, Amount, Height, Nonce};
use terrane_state::{Overlay, StateError, StateRead};

/// A module call's result: a storage fault, or an accepted value / a rejection.
pub type Executed<T> = Result<Result<T, AccountsRejection>, StateError>;

/// The account at `address` (default if never written).
pub async fn account<S: StateRead>(
    state: &Overlay<S>,
    address: &Address,
) -> Result<Account, StateError> {
    Ok(state.get::<Accounts>(address).await?.unwrap_or_default())
}

/// The supply ledger.
pub async fn supply<S: StateRead>(state: &Overlay<S>) -> Result<Supply, StateError> {
    Ok(state
        .get::<SupplyLedger>(&SINGLETON)
        .await?
        .unwrap_or_default())
}

/// The fee parameters.
///
/// # Panics
/// If genesis did not write them: every chain writes them at height 1.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<AccountsParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("accounts params are written at genesis"))
}

/// Charges a transaction's envelope: the nonce must be the account's next nonce, the fee at
/// least the minimum for `encoded_len` bytes, and the balance must cover it. On success the
/// nonce advances and the fee is burned.
pub async fn charge<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    nonce: Nonce,
    fee: Amount,
    encoded_len: usize,
) -> Executed<AccountsEvent> {
    let mut acct = account(state, signer).await?;
    if nonce < acct.nonce {
        return Ok(Err(AccountsRejection::NonceTooLow));
    }
    if nonce > acct.nonce {
        return Ok(Err(AccountsRejection::NonceTooHigh));
    }
    if fee < params(state).await?.min_fee(encoded_len) {
        return Ok(Err(AccountsRejection::FeeBelowMinimum));
    }
    let Some(balance) = acct.balance.checked_sub(fee) else {
        return Ok(Err(AccountsRejection::FeeUnpayable));
    };
    acct.balance = balance;
    // A u64 nonce cannot be exhausted by any real account; reaching the end is corruption.
    acct.nonce = acct.nonce.checked_next().expect("nonce space exhausted");
    state.put::<Accounts>(signer, &acct);
    record_burn(state, fee).await?;
    Ok(Ok(AccountsEvent::Burned {
        from: *signer,
        amount: fee,
    }))
}

/// Moves `msg.amount` from `from` to `msg.to` at `height`. A transfer that creates `msg.to`
/// (no account record yet) records `from` as its funding origin.
pub async fn transfer<S: StateRead>(
    state: &mut Overlay<S>,
    from: &Address,
    msg: &Transfer,
    height: Height,
) -> Executed<Vec<AccountsEvent>> {
    if msg.amount.is_zero() {
        return Ok(Err(AccountsRejection::ZeroAmount));
    }
    let mut sender = account(state, from).await?;
    let Some(sender_after) = sender.balance.checked_sub(msg.amount) else {
        return Ok(Err(AccountsRejection::InsufficientFunds));
    };
    if from != &msg.to {
        let mut recipient = account(state, &msg.to).await?;
        let Some(recipient_after) = recipient.balance.checked_add(msg.amount) else {
            return Ok(Err(AccountsRejection::BalanceOverflow));
        };
        if state.get::<Accounts>(&msg.to).await?.is_none() {
            state.put::<FundingOrigins>(
                &msg.to,
                &FundingOrigin {
                    funder: *from,
                    height,
                },
            );
        }
        sender.balance = sender_after;
        recipient.balance = recipient_after;
        state.put::<Accounts>(from, &sender);
        state.put::<Accounts>(&msg.to, &recipient);
    }
    Ok(Ok(vec![AccountsEvent::Transferred {
        from: *from,
        to: msg.to,
        amount: msg.amount,
    }]))
}

/// Who first funded `address` (`None`: a genesis allocation, or never funded by a transfer).
pub async fn funding_origin<S: StateRead>(
    state: &Overlay<S>,
    address: &Address,
) -> Result<Option<FundingOrigin>, StateError> {
    state.get::<FundingOrigins>(address).await
}

/// Whether `a` and `b` look like one owner through the funding graph: the same address, one
/// created by a transfer from the other, or both created by transfers from one funder at most
/// `window_blocks` apart. It sees one hop of direct transfers only: accounts funded through
/// intermediaries, by different funders, further apart in time, or from genesis are not linked
/// (and unrelated accounts an exchange funds within the window are).
pub async fn funding_linked<S: StateRead>(
    state: &Overlay<S>,
    a: &Address,
    b: &Address,
    window_blocks: u64,
) -> Result<bool, StateError> {
    if a == b {
        return Ok(true);
    }
    let (oa, ob) = (
        funding_origin(state, a).await?,
        funding_origin(state, b).await?,
    );
    Ok(match (oa, ob) {
        (Some(x), _) if x.funder == *b => true,
        (_, Some(y)) if y.funder == *a => true,
        (Some(x), Some(y)) => {
            x.funder == y.funder && x.height.get().abs_diff(y.height.get()) <= window_blocks
        }
        _ => false,
    })
}

/// Burns `amount` from `from` (onboarding fees, data credits).
pub async fn burn<S: StateRead>(
    state: &mut Overlay<S>,
    from: &Address,
    amount: Amount,
) -> Executed<AccountsEvent> {
    let mut acct = account(state, from).await?;
    let Some(balance) = acct.balance.checked_sub(amount) else {
        return Ok(Err(AccountsRejection::InsufficientFunds));
    };
    acct.balance = balance;
    state.put::<Accounts>(from, &acct);
    record_burn(state, amount).await?;
    Ok(Ok(AccountsEvent::Burned {
        from: *from,
        amount,
    }))
}

/// Moves `amount` from `from` into a module-held pool (stake), without burning it: the
/// module's own `held` accounts for it until [`credit_from_pool`] pays it back.
pub async fn hold<S: StateRead>(
    state: &mut Overlay<S>,
    from: &Address,
    amount: Amount,
) -> Executed<AccountsEvent> {
    let mut acct = account(state, from).await?;
    let Some(balance) = acct.balance.checked_sub(amount) else {
        return Ok(Err(AccountsRejection::InsufficientFunds));
    };
    acct.balance = balance;
    state.put::<Accounts>(from, &acct);
    Ok(Ok(AccountsEvent::Transferred {
        from: *from,
        to: Address::default(),
        amount,
    }))
}

/// Mints `amount` to `to` (rewards).
///
/// # Panics
/// If the supply would exceed `u64::MAX` base units: emission schedules are bounded far below
/// that, so reaching it is a broken invariant.
pub async fn mint<S: StateRead>(
    state: &mut Overlay<S>,
    to: &Address,
    amount: Amount,
) -> Result<AccountsEvent, StateError> {
    let mut acct = account(state, to).await?;
    acct.balance = acct
        .balance
        .checked_add(amount)
        .expect("minting past the supply bound");
    state.put::<Accounts>(to, &acct);
    let mut ledger = supply(state).await?;
    ledger.minted = ledger
        .minted
        .checked_add(amount)
        .expect("minting past the supply bound");
    state.put::<SupplyLedger>(&SINGLETON, &ledger);
    Ok(AccountsEvent::Minted { to: *to, amount })
}

/// Records `amount` as minted without crediting an account: for value that goes into a
/// module-held pool (unclaimed rewards), which its own invariant accounts for.
///
/// # Panics
/// As [`mint`].
pub async fn mint_to_pool<S: StateRead>(
    state: &mut Overlay<S>,
    amount: Amount,
) -> Result<(), StateError> {
    let mut ledger = supply(state).await?;
    ledger.minted = ledger
        .minted
        .checked_add(amount)
        .expect("minting past the supply bound");
    state.put::<SupplyLedger>(&SINGLETON, &ledger);
    Ok(())
}

/// Credits `amount` from a module-held pool (minted earlier with [`mint_to_pool`]) to `to`.
///
/// # Panics
/// If the balance would overflow (impossible while supply fits in `u64`).
pub async fn credit_from_pool<S: StateRead>(
    state: &mut Overlay<S>,
    to: &Address,
    amount: Amount,
) -> Result<AccountsEvent, StateError> {
    let mut acct = account(state, to).await?;
    acct.balance = acct
        .balance
        .checked_add(amount)
        .expect("balance past the supply bound");
    state.put::<Accounts>(to, &acct);
    Ok(AccountsEvent::Transferred {
        from: Address::default(),
        to: *to,
        amount,
    })
}

/// Burns `amount` out of a module-held pool (slashed stake): the holding module has already
/// taken it off its own books.
pub async fn burn_from_pool<S: StateRead>(
    state: &mut Overlay<S>,
    amount: Amount,
) -> Result<(), StateError> {
    record_burn(state, amount).await
}

async fn record_burn<S: StateRead>(
    state: &mut Overlay<S>,
    amount: Amount,
) -> Result<(), StateError> {
    let mut ledger = supply(state).await?;
    ledger.burned = ledger
        .burned
        .checked_add(amount)
        .expect("burned more than was ever issued");
    state.put::<SupplyLedger>(&SINGLETON, &ledger);
    Ok(())
}
