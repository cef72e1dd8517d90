//! Checks and execution for data sessions. Credits move only through the credits module's
//! escrow interface ([`terrane_credits::handler`]): this module decides *whether* and *how
//! much*, credits keeps the books.
//!
//! Each message checks every rule before it writes and returns `Ok(Err(rejection))` without
//! writing when one fails; `Err` is a storage fault.

use crate::{
    SERVICE_CLASS,
    events::SessionsEvent,
    msg::{CloseSession, OpenSession, SubmitReceipt},
    outcome::SessionsRejection,
    params::SessionsParams,
    state_key::{PARAMS_KEY, Params, PayerSessionList, PayerSessions, Sessions},
    types::{Receipt, Session},
};
use commonware_cryptography::Verifier as _;
use terrane_credits::{
    events::CreditsEvent,
    handler as credits,
    outcome::CreditsRejection,
    types::{Credits, EscrowId, Service},
};
use terrane_devices::{handler as devices, types::DeviceStatus};
use terrane_primitives::{Address, keys::strong_ed25519};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// A handler's result: a storage fault, or the events of an accepted message / a rejection.
pub type Executed<T> = Result<Result<T, SessionsRejection>, StateError>;

/// What a sessions message emits: its own events and the credits' moves it caused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Emitted {
    /// Sessions events.
    pub sessions: Vec<SessionsEvent>,
    /// Credits events (escrows, payments, refunds).
    pub credits: Vec<CreditsEvent>,
}

/// The sessions parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<SessionsParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("sessions params are written at genesis"))
}

/// An open session.
pub async fn session<S: StateRead>(
    state: &Overlay<S>,
    id: EscrowId,
) -> Result<Option<Session>, StateError> {
    state.get::<Sessions>(&id).await
}

/// How many sessions `payer` has open.
pub async fn open_count<S: StateRead>(
    state: &Overlay<S>,
    payer: &Address,
) -> Result<u32, StateError> {
    Ok(state.get::<PayerSessions>(payer).await?.unwrap_or(0))
}

/// `payer`'s open sessions, in slot order.
pub async fn sessions_of<S: StateRead>(
    state: &Overlay<S>,
    payer: &Address,
) -> Result<Vec<(EscrowId, Session)>, StateError> {
    let n = open_count(state, payer).await?;
    let mut out = Vec::with_capacity(n as usize);
    for slot in 0..n {
        let id = state
            .get::<PayerSessionList>(&(*payer, slot))
            .await?
            .expect("the payer's list has `count` entries");
        let s = session(state, id).await?.expect("listed sessions are open");
        out.push((id, s));
    }
    Ok(out)
}

/// Credits owed for `bytes` delivered in all at `bytes_per_credit` (rounded down: the
/// remainder is paid by a later receipt, once it makes a whole credit).
pub fn credits_due(bytes: u64, bytes_per_credit: u32) -> Credits {
    Credits::new(bytes / u64::from(bytes_per_credit))
}

/// `OpenSession`: escrows the deposit and opens a session with the hotspot.
pub async fn open<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    signer: &Address,
    msg: &OpenSession,
) -> Executed<Emitted> {
    let p = params(state).await?;
    let Some(device) = devices::device(state, &msg.device).await? else {
        return Ok(Err(SessionsRejection::UnknownDevice));
    };
    if device.status != DeviceStatus::Active {
        return Ok(Err(SessionsRejection::DeviceInactive));
    }
    if device.class() != SERVICE_CLASS {
        return Ok(Err(SessionsRejection::NotAHotspot));
    }
    if msg.deposit.get() < p.min_deposit {
        return Ok(Err(SessionsRejection::DepositTooSmall));
    }
    if msg.duration_blocks == 0 || msg.duration_blocks > p.max_duration_blocks {
        return Ok(Err(SessionsRejection::DurationOutOfRange));
    }
    let open = open_count(state, signer).await?;
    if open >= p.max_open_per_payer {
        return Ok(Err(SessionsRejection::TooManyOpen));
    }
    let (id, escrowed) =
        match credits::escrow(state, env, signer, Service::DATA_SESSION, msg.deposit).await? {
            Ok(r) => r,
            Err(CreditsRejection::InsufficientCredits) => {
                return Ok(Err(SessionsRejection::InsufficientCredits));
            }
            Err(other) => unreachable!("the deposit was checked non-zero, not {other:?}"),
        };
    let expires = env
        .height
        .checked_add(msg.duration_blocks)
        .expect("heights stay far below u64::MAX");
    state.put::<Sessions>(
        &id,
        &Session {
            payer: *signer,
            device: msg.device,
            deposit: msg.deposit,
            bytes_per_credit: p.bytes_per_credit,
            paid_bytes: 0,
            paid: Credits::ZERO,
            last_nonce: 0,
            opened: env.height,
            expires,
            payer_slot: open,
        },
    );
    state.put::<PayerSessionList>(&(*signer, open), &id);
    state.put::<PayerSessions>(signer, &(open + 1));
    Ok(Ok(Emitted {
        sessions: vec![SessionsEvent::Opened {
            session: id,
            payer: *signer,
            device: msg.device,
            deposit: msg.deposit,
            expires,
        }],
        credits: vec![escrowed],
    }))
}

/// The verdict on a receipt against its session, without writing: the credits it would pay.
/// Pure, so the benchmark and the API's dry run use the same rules as execution.
pub fn judge(
    s: &Session,
    receipt: &Receipt,
    signature_ok: bool,
    now: terrane_primitives::Height,
    grace: u64,
) -> Result<Credits, SessionsRejection> {
    if now > s.expires.checked_add(grace).expect("bounded heights") {
        return Err(SessionsRejection::SettlementOver);
    }
    if !signature_ok {
        return Err(SessionsRejection::BadSignature);
    }
    if receipt.nonce <= s.last_nonce {
        return Err(SessionsRejection::StaleReceipt);
    }
    if receipt.bytes <= s.paid_bytes {
        return Err(SessionsRejection::NoNewBytes);
    }
    let due = credits_due(receipt.bytes, s.bytes_per_credit);
    if due > s.deposit {
        return Err(SessionsRejection::OverEscrow);
    }
    Ok(due.checked_sub(s.paid).expect("paid bytes only grow"))
}

/// `SubmitReceipt`: pays the hotspot for the receipt's new bytes.
pub async fn submit_receipt<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    msg: &SubmitReceipt,
) -> Executed<Emitted> {
    let r = &msg.receipt;
    let Some(mut s) = session(state, r.session).await? else {
        return Ok(Err(SessionsRejection::UnknownSession));
    };
    let p = params(state).await?;
    let signature_ok = strong_ed25519(s.payer.as_bytes()).is_some_and(|key| {
        key.verify(
            &Receipt::signing_namespace(&env.chain_id),
            &r.message(),
            &msg.signature,
        )
    });
    let owed = match judge(&s, r, signature_ok, env.height, p.settle_grace_blocks) {
        Ok(owed) => owed,
        Err(why) => return Ok(Err(why)),
    };
    s.paid_bytes = r.bytes;
    s.last_nonce = r.nonce;
    s.paid = s.paid.checked_add(owed).expect("bounded by the deposit");
    state.put::<Sessions>(&r.session, &s);
    let mut emitted = Emitted::default();
    if !owed.is_zero() {
        emitted
            .credits
            .push(credits::pay(state, r.session, &s.device, env.epoch, owed).await?);
    }
    emitted.sessions.push(SessionsEvent::ReceiptPaid {
        session: r.session,
        device: s.device,
        bytes: r.bytes,
        nonce: r.nonce,
        credits: owed,
    });
    Ok(Ok(emitted))
}

/// `CloseSession`: refunds the unpaid deposit to the payer and forgets the session.
pub async fn close<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    signer: &Address,
    msg: &CloseSession,
) -> Executed<Emitted> {
    let Some(s) = session(state, msg.session).await? else {
        return Ok(Err(SessionsRejection::UnknownSession));
    };
    let owner = devices::device(state, &s.device).await?.map(|d| d.owner);
    let is_owner = owner.as_ref() == Some(signer);
    if !is_owner && signer != &s.payer {
        return Ok(Err(SessionsRejection::NotAParty));
    }
    if !is_owner {
        let p = params(state).await?;
        let end = s
            .expires
            .checked_add(p.settle_grace_blocks)
            .expect("bounded heights");
        if env.height <= end {
            return Ok(Err(SessionsRejection::NotExpired));
        }
    }
    let released = credits::release(state, msg.session).await?;
    let CreditsEvent::Released { refunded, .. } = released else {
        unreachable!("release reports a release")
    };
    state.delete::<Sessions>(&msg.session);
    let open = open_count(state, &s.payer).await?;
    let left = open.checked_sub(1).expect("the session was counted");
    // The last slot's session takes the closed one's slot, so the list stays contiguous.
    if s.payer_slot != left {
        let moved = state
            .get::<PayerSessionList>(&(s.payer, left))
            .await?
            .expect("the payer's list has `count` entries");
        let mut m = session(state, moved)
            .await?
            .expect("listed sessions are open");
        m.payer_slot = s.payer_slot;
        state.put::<Sessions>(&moved, &m);
        state.put::<PayerSessionList>(&(s.payer, s.payer_slot), &moved);
    }
    state.delete::<PayerSessionList>(&(s.payer, left));
    if left == 0 {
        state.delete::<PayerSessions>(&s.payer);
    } else {
        state.put::<PayerSessions>(&s.payer, &left);
    }
    Ok(Ok(Emitted {
        sessions: vec![SessionsEvent::Closed {
            session: msg.session,
            paid: s.paid,
            refunded,
        }],
        credits: vec![released],
    }))
}
