//! Burns, and the escrow interface every paid service uses.
//!
//! [`buy`] is the `BurnForCredits` message. [`escrow`], [`pay`] and [`release`] are for service
//! modules (data sessions today; storage deals, compute jobs, energy and data purchases
//! later): a service checks its own rules, then moves credits only through these three, so the
//! ledger's equation holds whatever the service. A rule the input broke returns
//! `Ok(Err(rejection))` without writing; `Err` is a storage fault.

use crate::{
    events::CreditsEvent,
    msg::BurnForCredits,
    outcome::CreditsRejection,
    params::CreditsParams,
    state_key::{
        Balances, DeviceUsage, EpochUsageTotals, Escrows, Ledger, LifetimeUsage, PARAMS_KEY,
        Params, SINGLETON, UsageDevices,
    },
    types::{CreditLedger, Credits, EpochUsage, Escrow, EscrowId, Service},
};
use terrane_accounts::{handler as accounts, outcome::AccountsRejection};
use terrane_oracle::{handler as oracle, types::MicroUsdPerTrn};
use terrane_primitives::{Address, Amount, DeviceId, Epoch, TOKEN_DECIMALS};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// A handler's result: a storage fault, or an accepted value / a rejection.
pub type Executed<T> = Result<Result<T, CreditsRejection>, StateError>;

/// The credits parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<CreditsParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("credits params are written at genesis"))
}

/// `account`'s credit balance.
pub async fn balance<S: StateRead>(
    state: &Overlay<S>,
    account: &Address,
) -> Result<Credits, StateError> {
    Ok(state.get::<Balances>(account).await?.unwrap_or_default())
}

/// The credit ledger.
pub async fn ledger<S: StateRead>(state: &Overlay<S>) -> Result<CreditLedger, StateError> {
    Ok(state.get::<Ledger>(&SINGLETON).await?.unwrap_or_default())
}

/// An open escrow.
pub async fn escrow_of<S: StateRead>(
    state: &Overlay<S>,
    id: EscrowId,
) -> Result<Option<Escrow>, StateError> {
    state.get::<Escrows>(&id).await
}

/// Credits paid to `device` in `epoch`.
pub async fn device_usage<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    device: &DeviceId,
) -> Result<Credits, StateError> {
    Ok(state
        .get::<DeviceUsage>(&(epoch, *device))
        .await?
        .unwrap_or_default())
}

/// Credits paid to `device` since genesis.
pub async fn lifetime_usage<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
) -> Result<Credits, StateError> {
    Ok(state
        .get::<LifetimeUsage>(device)
        .await?
        .unwrap_or_default())
}

/// The network's paid usage in `epoch`.
pub async fn epoch_usage<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<EpochUsage, StateError> {
    Ok(state
        .get::<EpochUsageTotals>(&epoch)
        .await?
        .unwrap_or_default())
}

/// The devices with paid usage in `epoch` and what each was paid, in first-paid order.
pub async fn epoch_usage_lines<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<Vec<(DeviceId, Credits)>, StateError> {
    let totals = epoch_usage(state, epoch).await?;
    let mut out = Vec::with_capacity(totals.devices as usize);
    for i in 0..totals.devices {
        let device = state
            .get::<UsageDevices>(&(epoch, i))
            .await?
            .expect("the usage list has `devices` entries");
        out.push((device, device_usage(state, epoch, &device).await?));
    }
    Ok(out)
}

/// The credits `amount` TRN buys at `price`: `amount × price / (10^6 × micro_usd_per_credit)`,
/// rounded down (`None` above `u64::MAX` credits). Pure: the API quotes with it.
pub fn credits_for(
    amount: Amount,
    price: MicroUsdPerTrn,
    params: &CreditsParams,
) -> Option<Credits> {
    let scale = 10u128.pow(TOKEN_DECIMALS) * u128::from(params.micro_usd_per_credit);
    let credits = u128::from(amount.get()) * u128::from(price.get()) / scale;
    u64::try_from(credits).ok().map(Credits::new)
}

/// `BurnForCredits`: burns `msg.amount` of `signer`'s TRN at the chain's price now and
/// credits `msg.to`.
pub async fn buy<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    signer: &Address,
    msg: &BurnForCredits,
) -> Executed<Vec<CreditsEvent>> {
    if msg.amount.is_zero() {
        return Ok(Err(CreditsRejection::ZeroBurn));
    }
    let Ok(price) = oracle::price(state, env.timestamp).await? else {
        return Ok(Err(CreditsRejection::NoFreshPrice));
    };
    let p = params(state).await?;
    let Some(credits) = credits_for(msg.amount, price.price, &p) else {
        return Ok(Err(CreditsRejection::CreditOverflow));
    };
    if credits.is_zero() {
        return Ok(Err(CreditsRejection::BurnTooSmall));
    }
    let mut ledger = ledger(state).await?;
    let (Some(to_after), Some(minted)) = (
        balance(state, &msg.to).await?.checked_add(credits),
        ledger.minted.checked_add(credits),
    ) else {
        return Ok(Err(CreditsRejection::CreditOverflow));
    };
    match accounts::burn(state, signer, msg.amount).await? {
        Ok(_) => {}
        Err(AccountsRejection::InsufficientFunds) => {
            return Ok(Err(CreditsRejection::InsufficientTrn));
        }
        Err(other) => unreachable!("burn rejects only for funds, not {other:?}"),
    }
    state.put::<Balances>(&msg.to, &to_after);
    ledger.minted = minted;
    ledger.balances = ledger
        .balances
        .checked_add(credits)
        .expect("balances are bounded by minted");
    ledger.trn_burned = ledger
        .trn_burned
        .checked_add(msg.amount)
        .expect("burned TRN is bounded by the supply");
    state.put::<Ledger>(&SINGLETON, &ledger);
    Ok(Ok(vec![CreditsEvent::Bought {
        payer: *signer,
        to: msg.to,
        burned: msg.amount,
        price: price.price,
        credits,
    }]))
}

/// Moves `deposit` credits from `payer`'s balance into a new escrow for `service`.
pub async fn escrow<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    payer: &Address,
    service: Service,
    deposit: Credits,
) -> Executed<(EscrowId, CreditsEvent)> {
    if deposit.is_zero() {
        return Ok(Err(CreditsRejection::ZeroDeposit));
    }
    let Some(after) = balance(state, payer).await?.checked_sub(deposit) else {
        return Ok(Err(CreditsRejection::InsufficientCredits));
    };
    let mut ledger = ledger(state).await?;
    ledger.escrows_opened = ledger
        .escrows_opened
        .checked_add(1)
        .expect("escrow ids cannot run out");
    ledger.escrows_open += 1;
    ledger.balances = ledger
        .balances
        .checked_sub(deposit)
        .expect("the payer's balance is part of the balances");
    ledger.escrowed = ledger
        .escrowed
        .checked_add(deposit)
        .expect("escrowed is bounded by minted");
    let id = EscrowId::new(ledger.escrows_opened);
    state.put::<Ledger>(&SINGLETON, &ledger);
    state.put::<Balances>(payer, &after);
    state.put::<Escrows>(
        &id,
        &Escrow {
            payer: *payer,
            service,
            deposit,
            paid: Credits::ZERO,
            opened: env.height,
        },
    );
    Ok(Ok((
        id,
        CreditsEvent::Escrowed {
            escrow: id,
            payer: *payer,
            service,
            deposit,
        },
    )))
}

/// Pays `amount` from escrow `id` to `device`'s usage in `epoch` (the credits are spent).
///
/// # Panics
/// If the escrow does not exist or `amount` exceeds what remains in it: the service must
/// check both first (its own reason codes), so either is a bug in the service.
pub async fn pay<S: StateRead>(
    state: &mut Overlay<S>,
    id: EscrowId,
    device: &DeviceId,
    epoch: Epoch,
    amount: Credits,
) -> Result<CreditsEvent, StateError> {
    let mut escrow = escrow_of(state, id)
        .await?
        .expect("a service pays only from its open escrows");
    assert!(
        amount <= escrow.remaining(),
        "a service pays at most what remains in its escrow"
    );
    escrow.paid = escrow.paid.checked_add(amount).expect("bounded by deposit");
    state.put::<Escrows>(&id, &escrow);

    let mut ledger = ledger(state).await?;
    ledger.escrowed = ledger
        .escrowed
        .checked_sub(amount)
        .expect("the escrow is part of escrowed");
    ledger.spent = ledger.spent.checked_add(amount).expect("bounded by minted");
    state.put::<Ledger>(&SINGLETON, &ledger);

    let before = state.get::<DeviceUsage>(&(epoch, *device)).await?;
    if before.is_none() {
        let mut totals = epoch_usage(state, epoch).await?;
        state.put::<UsageDevices>(&(epoch, totals.devices), device);
        totals.devices = totals
            .devices
            .checked_add(1)
            .expect("fewer devices than u32::MAX");
        state.put::<EpochUsageTotals>(&epoch, &totals);
    }
    let used = before
        .unwrap_or_default()
        .checked_add(amount)
        .expect("bounded by minted");
    state.put::<DeviceUsage>(&(epoch, *device), &used);
    let mut totals = epoch_usage(state, epoch).await?;
    totals.credits = totals
        .credits
        .checked_add(amount)
        .expect("bounded by minted");
    state.put::<EpochUsageTotals>(&epoch, &totals);
    let lifetime = lifetime_usage(state, device)
        .await?
        .checked_add(amount)
        .expect("bounded by minted");
    state.put::<LifetimeUsage>(device, &lifetime);
    Ok(CreditsEvent::Paid {
        escrow: id,
        device: *device,
        epoch,
        credits: amount,
    })
}

/// Closes escrow `id`: what remains goes back to its payer's balance.
///
/// # Panics
/// If the escrow does not exist (a service releases only its open escrows).
pub async fn release<S: StateRead>(
    state: &mut Overlay<S>,
    id: EscrowId,
) -> Result<CreditsEvent, StateError> {
    let escrow = escrow_of(state, id)
        .await?
        .expect("a service releases only its open escrows");
    let refund = escrow.remaining();
    let mut ledger = ledger(state).await?;
    ledger.escrowed = ledger
        .escrowed
        .checked_sub(refund)
        .expect("the escrow is part of escrowed");
    ledger.balances = ledger
        .balances
        .checked_add(refund)
        .expect("bounded by minted");
    ledger.escrows_open -= 1;
    state.put::<Ledger>(&SINGLETON, &ledger);
    let after = balance(state, &escrow.payer)
        .await?
        .checked_add(refund)
        .expect("bounded by minted");
    state.put::<Balances>(&escrow.payer, &after);
    state.delete::<Escrows>(&id);
    Ok(CreditsEvent::Released {
        escrow: id,
        payer: escrow.payer,
        refunded: refund,
    })
}
