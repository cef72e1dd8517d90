//! `terrane slash`.

use super::{
    send::{device_id, send_payload, trn},
    stake::{Resolved, percent, print_slashes, target},
};
use crate::{
    cli::{SlashCommand, SlashSubmitCommand, TxOpts},
    resolve,
};
use anyhow::{anyhow, bail};
use commonware_codec::DecodeExt;
use terrane_api::{EvidenceView, SlashView};
use terrane_app::Payload;
use terrane_client::{Client, StakeTarget};
use terrane_pow::types::SignedReport;
use terrane_primitives::{Epoch, hex};
use terrane_slashing::msg::{
    AppealSlash, Evidence, MAX_EVIDENCE_EPOCHS, MAX_VOTE_EVIDENCE_BYTES, SubmitEvidence,
};
use terrane_staking::types::Target;

/// A signed report from the hex of its encoding; `flag` names it in the error.
fn signed_report(text: &str, flag: &str) -> anyhow::Result<SignedReport> {
    let bytes = hex::decode(text.trim())
        .ok_or_else(|| anyhow!("{flag} is not hex (lower or upper case, no 0x prefix)"))?;
    SignedReport::decode(bytes::Bytes::from(bytes)).map_err(|e| {
        anyhow!("{flag} is not the encoding of a signed report (report ‖ signer ‖ signature): {e}")
    })
}

pub async fn run(cmd: SlashCommand) -> anyhow::Result<()> {
    match cmd {
        SlashCommand::Submit(what) => {
            let (from, evidence, tx) = match what {
                SlashSubmitCommand::Equivocation {
                    from,
                    first,
                    second,
                    tx,
                } => {
                    let first = signed_report(&first, "--first")?;
                    let second = signed_report(&second, "--second")?;
                    if first.report.device != second.report.device {
                        bail!(
                            "--first is signed for device {} and --second for {}: an equivocation is one device's two claims",
                            first.report.device,
                            second.report.device
                        );
                    }
                    (from, Evidence::DeviceEquivocation { first, second }, tx)
                }
                SlashSubmitCommand::InvalidProofs {
                    from,
                    device,
                    epoch,
                    tx,
                } => {
                    let device = device_id(&device, &tx.store)?;
                    let evidence = Evidence::RepeatedInvalidProofs {
                        device,
                        last_epoch: Epoch::new(epoch),
                    };
                    (from, evidence, tx)
                }
                SlashSubmitCommand::MissedDuties {
                    from,
                    device,
                    epochs,
                    tx,
                } => {
                    // The codec refuses more; the chain's window is at most this.
                    if epochs.len() > MAX_EVIDENCE_EPOCHS {
                        bail!(
                            "--epochs lists {} epochs, at most {MAX_EVIDENCE_EPOCHS} fit in evidence",
                            epochs.len()
                        );
                    }
                    let device = device_id(&device, &tx.store)?;
                    let epochs = epochs.into_iter().map(Epoch::new).collect();
                    (from, Evidence::MissedDuties { device, epochs }, tx)
                }
                SlashSubmitCommand::Validator {
                    from,
                    validator,
                    votes,
                    tx,
                } => {
                    let validator = resolve::address(&validator, &tx.store)?;
                    let votes = hex::decode(votes.trim()).ok_or_else(|| {
                        anyhow!("--votes is not hex (lower or upper case, no 0x prefix)")
                    })?;
                    // The codec refuses more.
                    if votes.len() > MAX_VOTE_EVIDENCE_BYTES {
                        bail!(
                            "--votes is {} bytes, at most {MAX_VOTE_EVIDENCE_BYTES} fit in evidence",
                            votes.len()
                        );
                    }
                    (
                        from,
                        Evidence::ValidatorEquivocation { validator, votes },
                        tx,
                    )
                }
            };
            submit(&from, evidence, &tx).await
        }
        SlashCommand::Appeal {
            slash,
            from,
            counter,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &from)?;
            let counter = signed_report(&counter, "--counter")?;
            println!(
                "appealing slash {slash} with device {}'s report for epoch {}",
                counter.report.device,
                counter.report.epoch.get()
            );
            send_payload(
                &tx,
                &key,
                Payload::AppealSlash(AppealSlash { slash, counter }),
            )
            .await?;
            if !tx.no_wait {
                let client = Client::new(&resolve::node_url(&tx.node)?);
                if let Some(s) = client.slash(slash).await? {
                    println!(
                        "slash {slash} is {} after {} appeal(s)",
                        s.status, s.appeals
                    );
                }
            }
            Ok(())
        }
        SlashCommand::Show { id, node, trust } => {
            let client = Client::new(&resolve::node_url(&node)?);
            let trust = resolve::trust(&trust)?;
            let found = match &trust {
                Some(t) => client.verified_slash(t, id).await?.map(|(_, v)| v),
                None => client.slash(id).await?,
            };
            let Some(s) = found else {
                let count = client.slashing().await?.count;
                match count {
                    0 => bail!("no slash has id {id}: the chain has recorded no slash yet"),
                    n => bail!("no slash has id {id}: the chain has recorded {n} (ids 1 to {n})"),
                }
            };
            print_slash(&s);
            match trust {
                Some(_) => println!(
                    "verified: record proven against block {} (root {})",
                    s.height, s.state_root
                ),
                None => println!(
                    "NOT verified (--no-verify): as reported at height {}",
                    s.height
                ),
            }
            Ok(())
        }
        SlashCommand::List {
            target: t,
            node,
            store,
        } => {
            let target = target(&t, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            let list = client.target_slashes(target.api).await?;
            println!("{}  (height {})", target.describe(), list.height);
            print_slashes(&list.slashes);
            Ok(())
        }
    }
}

/// Submits `evidence` signed by `from`; on success prints the slash it filed.
async fn submit(from: &str, evidence: Evidence, tx: &TxOpts) -> anyhow::Result<()> {
    let key = resolve::signing_key(&tx.store, from)?;
    let target = evidence.target();
    let (kind, api) = match target {
        Target::Device(d) => ("device", StakeTarget::Device(*d.as_bytes())),
        Target::Validator(v) => ("validator", StakeTarget::Validator(*v.as_bytes())),
    };
    let accused = Resolved { target, api };
    println!("submitting evidence against {}", accused.describe());
    send_payload(
        tx,
        &key,
        Payload::SubmitEvidence(SubmitEvidence { evidence }),
    )
    .await?;
    if tx.no_wait {
        return Ok(());
    }
    let client = Client::new(&resolve::node_url(&tx.node)?);
    let me = terrane_app::testkit::address_of(&key).to_string();
    let list = client.target_slashes(accused.api).await?;
    if let Some(s) = list.slashes.iter().find(|s| s.reporter == me) {
        println!(
            "slash {} filed: {} ({}), {} of the {kind}'s stake, due at the close of epoch {} (appealable until then); the bounty is yours if it executes",
            s.id,
            s.reason.name,
            s.reason.code,
            percent(s.fraction_bps),
            s.due_epoch
        );
    }
    Ok(())
}

fn print_slash(s: &SlashView) {
    println!("slash:      {}", s.id);
    println!("target:     {} {}", s.kind, s.target);
    println!(
        "reason:     {} ({}): {}",
        s.reason.name, s.reason.code, s.reason.description
    );
    match &s.ended_by {
        Some(o) => println!(
            "status:     {} by {} ({}): {}",
            s.status, o.name, o.code, o.description
        ),
        None => println!("status:     {}", s.status),
    }
    println!(
        "fraction:   {} of bonded and unbonding stake",
        percent(s.fraction_bps)
    );
    println!("reporter:   {}", s.reporter);
    println!("offence:    epoch {}", s.offence_epoch);
    println!(
        "filed:      height {} (epoch {})",
        s.filed_height, s.filed_epoch
    );
    println!("due:        at the close of epoch {}", s.due_epoch);
    println!("appeals:    {}", s.appeals);
    println!(
        "taken:      {} (bounty {}, burned {})",
        trn(s.slashed),
        trn(s.bounty),
        trn(s.burned)
    );
    match &s.evidence {
        EvidenceView::DeviceEquivocation {
            device,
            epoch,
            first,
            second,
        } => {
            println!("evidence:   device_equivocation by {device} in epoch {epoch}");
            println!("  first:    {first}");
            println!("  second:   {second}");
        }
        EvidenceView::RepeatedInvalidProofs { device, last_epoch } => println!(
            "evidence:   repeated_invalid_proofs by {device}, window ending at epoch {last_epoch}"
        ),
        EvidenceView::MissedDuties { device, epochs } => {
            let epochs: Vec<String> = epochs.iter().map(u64::to_string).collect();
            println!(
                "evidence:   missed_duties by {device} in epochs {}",
                epochs.join(", ")
            );
        }
        EvidenceView::ValidatorEquivocation { validator, votes } => {
            println!("evidence:   validator_equivocation by validator {validator}");
            println!("  votes:    {votes}");
        }
    }
}
