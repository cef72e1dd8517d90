//! `terrane stake`.

use super::send::{device_id, send_payload, trn};
use crate::{
    cli::{KeystoreArg, StakeCommand, TargetArg},
    resolve,
};
use anyhow::{anyhow, bail};
use terrane_api::{SlashSummaryView, StakePoolView};
use terrane_app::Payload;
use terrane_client::{Client, StakeTarget, Trust};
use terrane_primitives::{Address, Amount, BasisPoints, DeviceId};
use terrane_staking::{
    msg::{ClaimStakeRewards, SetCommission, Stake, Unstake, WithdrawUnbonded},
    types::Target,
};

/// A target given by flags, as the chain and the API name it.
#[derive(Clone, Copy, Debug)]
pub struct Resolved {
    /// The staking module's name for it (in payloads).
    pub target: Target,
    /// The API's.
    pub api: StakeTarget,
}

impl Resolved {
    fn device(id: DeviceId) -> Self {
        Self {
            target: Target::Device(id),
            api: StakeTarget::Device(*id.as_bytes()),
        }
    }

    fn validator(address: Address) -> Self {
        Self {
            target: Target::Validator(address),
            api: StakeTarget::Validator(*address.as_bytes()),
        }
    }

    /// `device <id>` or `validator <address>`.
    pub fn describe(&self) -> String {
        match self.target {
            Target::Device(d) => format!("device {d}"),
            Target::Validator(v) => format!("validator {v}"),
        }
    }
}

/// The target `--device` or `--validator` names (clap requires exactly one).
pub fn target(arg: &TargetArg, store: &KeystoreArg) -> anyhow::Result<Resolved> {
    match (&arg.device, &arg.validator) {
        (Some(d), None) => Ok(Resolved::device(device_id(d, store)?)),
        (None, Some(v)) => Ok(Resolved::validator(resolve::address(v, store)?)),
        _ => bail!("give exactly one of --device or --validator"),
    }
}

fn amount(text: &str) -> anyhow::Result<Amount> {
    Amount::parse_tokens(text).ok_or_else(|| {
        anyhow!("{text:?}: expected TRN like 150 or 1.5, or base units like 1500000u")
    })
}

/// Who operates `target` now, as far as the node knows: a device's owner, a validator's own
/// account. `None` for a device the node does not know (the chain will say so).
async fn operator(client: &Client, target: &Resolved) -> anyhow::Result<Option<String>> {
    Ok(match target.target {
        Target::Device(d) => client.device(&d).await?.map(|v| v.owner),
        Target::Validator(v) => Some(v.to_string()),
    })
}

/// Basis points as a percentage with two decimals.
pub fn percent(bps: u16) -> String {
    format!("{}.{:02} %", bps / 100, bps % 100)
}

/// Prints a target's pool.
fn print_pool(pool: &StakePoolView) {
    println!("{:<12}{}", format!("{}:", pool.kind), pool.target);
    println!("operator:   {}", pool.operator);
    println!(
        "bonded:     {} (own stake {} against a minimum of {})",
        if pool.bonded { "yes" } else { "no" },
        trn(pool.operator_stake),
        trn(pool.min_bond)
    );
    println!(
        "stake:      {} = {} own + {} delegated",
        trn(pool.total),
        trn(pool.operator_stake),
        trn(pool.delegated)
    );
    println!("unbonding:  {} (still slashable)", trn(pool.unbonding));
    println!("slashed:    {} ever", trn(pool.slashed));
    if pool.next_commission_bps == pool.commission_bps {
        println!("commission: {}", percent(pool.commission_bps));
    } else {
        println!(
            "commission: {}, {} from epoch {}",
            percent(pool.commission_bps),
            percent(pool.next_commission_bps),
            pool.commission_from
        );
    }
    println!("owed:       {} to its stakers, unclaimed", trn(pool.owed));
}

/// Prints one line per slash.
pub fn print_slashes(slashes: &[SlashSummaryView]) {
    println!("slashes:    {}", slashes.len());
    for s in slashes {
        let ended = s
            .ended_by
            .as_ref()
            .map_or(String::new(), |o| format!(" by {} ({})", o.name, o.code));
        println!(
            "  #{} {} ({}) {}{ended}: {} of stake, filed in epoch {}, due at the close of epoch {}; took {} (bounty {}, burned {})",
            s.id,
            s.reason.name,
            s.reason.code,
            s.status,
            percent(s.fraction_bps),
            s.filed_epoch,
            s.due_epoch,
            trn(s.slashed),
            trn(s.bounty),
            trn(s.burned)
        );
    }
}

/// `target`'s pool, verified against `trust` when given.
async fn pool(
    client: &Client,
    trust: Option<&Trust>,
    target: StakeTarget,
) -> anyhow::Result<Option<StakePoolView>> {
    Ok(match trust {
        Some(t) => client
            .verified_stake_pool(t, target)
            .await?
            .map(|(_, view)| view),
        None => client.stake_pool(target).await?,
    })
}

/// Prints `staker`'s position on `target`; returns whether it has one.
async fn print_position(
    client: &Client,
    target: &Resolved,
    staker: &Address,
) -> anyhow::Result<bool> {
    let p = client.stake_position(target.api, staker).await?;
    if p.amount == 0 && p.claimable == 0 {
        return Ok(false);
    }
    println!(
        "  {}: {} ({}), {} claimable",
        target.describe(),
        trn(p.amount),
        if p.operator { "own bond" } else { "delegation" },
        trn(p.claimable)
    );
    Ok(true)
}

pub async fn run(cmd: StakeCommand) -> anyhow::Result<()> {
    match cmd {
        StakeCommand::Bond {
            from,
            target: t,
            amount: a,
            tx,
        } => stake(true, &from, &t, &a, &tx).await,
        StakeCommand::Delegate {
            from,
            target: t,
            amount: a,
            tx,
        } => stake(false, &from, &t, &a, &tx).await,
        StakeCommand::Unbond {
            from,
            target: t,
            amount: a,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let target = target(&t, &tx.store)?;
            let amount = amount(&a)?;
            println!("unbonding {amount} from {}", target.describe());
            let payload = Payload::Unstake(Unstake {
                target: target.target,
                amount,
            });
            send_payload(&tx, &key, payload).await?;
            if !tx.no_wait {
                let client = Client::new(&resolve::node_url(&tx.node)?);
                let me = terrane_app::testkit::address_of(&key);
                let queue = client.unbonding(&me).await?;
                if let Some(e) = queue.entries.last() {
                    println!(
                        "{} unbonding, withdrawable from epoch {} (`terrane stake withdraw`)",
                        trn(e.amount),
                        e.release
                    );
                }
            }
            Ok(())
        }
        StakeCommand::Withdraw { from, tx } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            let me = terrane_app::testkit::address_of(&key);
            let queue = client.unbonding(&me).await?;
            println!(
                "withdrawing {} released of {} unbonding (epoch {})",
                trn(queue.withdrawable),
                trn(queue.total),
                queue.epoch
            );
            send_payload(&tx, &key, Payload::WithdrawUnbonded(WithdrawUnbonded)).await
        }
        StakeCommand::Commission {
            from,
            target: t,
            bps,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let target = target(&t, &tx.store)?;
            let commission = BasisPoints::new(bps)
                .ok_or_else(|| anyhow!("commission {bps}: basis points are at most 10000"))?;
            println!(
                "setting the commission of {} to {}",
                target.describe(),
                percent(bps)
            );
            let payload = Payload::SetCommission(SetCommission {
                target: target.target,
                commission,
            });
            send_payload(&tx, &key, payload).await?;
            if !tx.no_wait {
                let client = Client::new(&resolve::node_url(&tx.node)?);
                if let Some(p) = client.stake_pool(target.api).await? {
                    println!(
                        "commission {} now, {} from epoch {}",
                        percent(p.commission_bps),
                        percent(p.next_commission_bps),
                        p.commission_from
                    );
                }
            }
            Ok(())
        }
        StakeCommand::Claim {
            from,
            target: t,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let target = target(&t, &tx.store)?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            let me = terrane_app::testkit::address_of(&key);
            let p = client.stake_position(target.api, &me).await?;
            println!(
                "claiming {} of staking rewards from {}",
                trn(p.claimable),
                target.describe()
            );
            let payload = Payload::ClaimStakeRewards(ClaimStakeRewards {
                target: target.target,
            });
            send_payload(&tx, &key, payload).await
        }
        StakeCommand::Show {
            device,
            validator,
            address,
            node,
            trust,
            store,
        } => {
            let client = Client::new(&resolve::node_url(&node)?);
            let trust = resolve::trust(&trust)?;
            let target = match (&device, &validator) {
                (None, None) => None,
                _ => Some(target(
                    &TargetArg {
                        device: device.clone(),
                        validator: validator.clone(),
                    },
                    &store,
                )?),
            };
            let address = address
                .as_deref()
                .map(|a| resolve::address(a, &store))
                .transpose()?;
            if let Some(target) = &target {
                match pool(&client, trust.as_ref(), target.api).await? {
                    Some(p) => {
                        print_pool(&p);
                        match &trust {
                            Some(_) => println!(
                                "verified: pool proven against block {} (root {})",
                                p.height, p.state_root
                            ),
                            None => println!(
                                "NOT verified (--no-verify): as reported at height {}",
                                p.height
                            ),
                        }
                    }
                    None => println!("nothing is staked on {}", target.describe()),
                }
                print_slashes(&client.target_slashes(target.api).await?.slashes);
            }
            if let Some(address) = address {
                show_account(&client, target.as_ref(), &address).await?;
            }
            Ok(())
        }
    }
}

/// `bond` (`own`: the signer must operate the target) or `delegate` (it must not): one
/// payload, two intentions, so each says when the other was meant.
async fn stake(
    own: bool,
    from: &str,
    t: &TargetArg,
    a: &str,
    tx: &crate::cli::TxOpts,
) -> anyhow::Result<()> {
    let key = resolve::signing_key(&tx.store, from)?;
    let target = target(t, &tx.store)?;
    let amount = amount(a)?;
    let client = Client::new(&resolve::node_url(&tx.node)?);
    let me = terrane_app::testkit::address_of(&key);
    if let Some(operator) = operator(&client, &target).await? {
        let operates = operator == me.to_string();
        if own && !operates {
            bail!(
                "{me} does not operate {} (its operator is {operator}): a bond is the operator's own stake; to stake on someone else's target, use `terrane stake delegate`",
                target.describe()
            );
        }
        if !own && operates {
            bail!(
                "{me} operates {}: its own stake is a bond, use `terrane stake bond`",
                target.describe()
            );
        }
    }
    println!(
        "{} {amount} {} {}",
        if own { "bonding" } else { "delegating" },
        if own { "behind" } else { "to" },
        target.describe()
    );
    let payload = Payload::Stake(Stake {
        target: target.target,
        amount,
    });
    send_payload(tx, &key, payload).await?;
    if !tx.no_wait {
        let p = client.stake_position(target.api, &me).await?;
        println!(
            "{me} now has {} on {} ({})",
            trn(p.amount),
            target.describe(),
            if p.operator { "own bond" } else { "delegation" }
        );
    }
    Ok(())
}

/// An account's positions (on `target`, or on every validator and the devices it owns) and
/// its unbonding entries.
async fn show_account(
    client: &Client,
    target: Option<&Resolved>,
    address: &Address,
) -> anyhow::Result<()> {
    println!("staker:     {address}");
    println!("positions:");
    let mut any = false;
    match target {
        Some(t) => any |= print_position(client, t, address).await?,
        None => {
            // Positions are keyed by (staker, target): without an index of an account's
            // delegations, look where it is likely to stake: validators and its own devices.
            for v in client.staking().await?.validators {
                let v: Address = v
                    .address
                    .parse()
                    .map_err(|e| anyhow!("the node lists a bad validator address: {e}"))?;
                any |= print_position(client, &Resolved::validator(v), address).await?;
            }
            for d in client.devices(&format!("owner={address}")).await?.devices {
                let id: DeviceId =
                    d.id.parse()
                        .map_err(|e| anyhow!("the node lists a bad device id: {e}"))?;
                any |= print_position(client, &Resolved::device(id), address).await?;
            }
        }
    }
    if !any {
        println!("  none");
    }
    let u = client.unbonding(address).await?;
    println!(
        "unbonding:  {} ({} withdrawable in epoch {})",
        trn(u.total),
        trn(u.withdrawable),
        u.epoch
    );
    for e in &u.entries {
        println!(
            "  {} from {} {}, released at epoch {}",
            trn(e.amount),
            e.kind,
            e.target,
            e.release
        );
    }
    Ok(())
}
