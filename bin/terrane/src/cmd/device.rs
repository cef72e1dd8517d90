//! `terrane device`.

use super::send::{device_id, send_payload, trn};
use crate::{
    cli::{DeviceCommand, LocationArg, MaintenanceCommand},
    resolve,
};
use anyhow::{anyhow, bail};
use terrane_api::{MaintenancePeriodView, MaintenanceView};
use terrane_app::Payload;
use terrane_client::Client;
use terrane_coverage::radio::Band;
use terrane_devices::{
    msg::{AssertLocation, DeactivateDevice, Domains, TransferDevice},
    testkit,
    types::Capabilities,
};
use terrane_geo::{DEVICE_RESOLUTION, H3Cell, offchain};
use terrane_maintenance::msg::DeclareMaintenance;
use terrane_primitives::{ChainId, Epoch};
use terrane_rewards::msg::ClaimRewards;

fn location(arg: &LocationArg) -> anyhow::Result<H3Cell> {
    let cell = match (&arg.cell, arg.lat, arg.lng) {
        (Some(c), _, _) => c
            .parse::<H3Cell>()
            .map_err(|_| anyhow!("--cell {c:?} is not an H3 index in hex"))?,
        (None, Some(lat), Some(lng)) => {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
                bail!("--lat must be within ±90 and --lng within ±180");
            }
            offchain::cell_at(lat, lng, DEVICE_RESOLUTION)
        }
        _ => bail!("give the location as --cell <h3> or --lat <deg> --lng <deg>"),
    };
    cell.validate(DEVICE_RESOLUTION)
        .map_err(|e| anyhow!("the location is not usable: {e}"))?;
    Ok(cell)
}

fn tenths(value: f64, what: &str) -> anyhow::Result<i16> {
    let t = (value * 10.0).round();
    if !(f64::from(i16::MIN)..=f64::from(i16::MAX)).contains(&t) {
        bail!("{what} {value} is out of range");
    }
    // In range, checked just above.
    #[allow(clippy::cast_possible_truncation)]
    Ok(t as i16)
}

/// `epoch 7` or `epochs 7 to 9`: the epochs a window of `epochs` from `start` covers, both
/// ends included (saturating: an impossible window is still printed before the chain refuses
/// it).
fn span(start: u64, epochs: u32) -> String {
    match epochs {
        1 => format!("epoch {start}"),
        _ => format!(
            "epochs {start} to {}",
            start.saturating_add(u64::from(epochs)).saturating_sub(1)
        ),
    }
}

/// One period's rationing on one line.
fn period_line(p: &MaintenancePeriodView) -> String {
    format!(
        "period {} (epochs {} to {}): {} of {} windows, {} of {} epochs used",
        p.index,
        p.first_epoch,
        p.end_epoch.saturating_sub(1),
        p.windows_used,
        p.windows_allowed,
        p.epochs_used,
        p.epochs_allowed
    )
}

/// Prints a device's windows and what its periods allow.
fn print_maintenance(v: &MaintenanceView) {
    println!("device:     {}", v.device);
    println!("epoch:      {} (height {})", v.epoch, v.height);
    if v.period.epochs_allowed == 0 {
        println!(
            "notice:     maintenance is off on this chain (epochs_per_period 0): every window is refused"
        );
    } else {
        println!(
            "notice:     {} blocks: a window declared now may start from epoch {} to epoch {}",
            v.notice_blocks, v.earliest_start_epoch, v.latest_start_epoch
        );
    }
    println!("allowance:  {}", period_line(&v.period));
    println!("            {}", period_line(&v.next_period));
    println!("windows:    {}", v.windows.len());
    for w in &v.windows {
        println!(
            "  {} ({} epochs, declared at height {}): {}",
            span(w.start, w.epochs),
            w.epochs,
            w.declared_at,
            w.status
        );
    }
}

/// `terrane device maintenance`.
async fn maintenance(cmd: MaintenanceCommand) -> anyhow::Result<()> {
    match cmd {
        MaintenanceCommand::Declare {
            owner,
            device,
            start,
            epochs,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &owner)?;
            let id = device_id(&device, &tx.store)?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            println!(
                "declaring maintenance of device {id}: {} ({epochs} epochs)",
                span(start, epochs)
            );
            // The chain judges the window; the node's view only helps to pick a start the
            // chain will take.
            if let Some(v) = client.maintenance(&id).await? {
                println!(
                    "the chain takes starts from epoch {} to epoch {} now ({} blocks of notice)",
                    v.earliest_start_epoch, v.latest_start_epoch, v.notice_blocks
                );
            }
            let msg = DeclareMaintenance {
                device: id,
                start: Epoch::new(start),
                epochs,
            };
            send_payload(&tx, &key, Payload::DeclareMaintenance(msg)).await?;
            if !tx.no_wait
                && let Some(v) = client.maintenance(&id).await?
            {
                println!(
                    "windows on record: {}; {}",
                    v.windows.len(),
                    period_line(&v.period)
                );
            }
            Ok(())
        }
        MaintenanceCommand::Show {
            device,
            node,
            trust,
            store,
        } => {
            let id = device_id(&device, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            let (view, verified) = match resolve::trust(&trust)? {
                Some(t) => match client.verified_maintenance(&t, &id).await? {
                    Some((_, v)) => (v, true),
                    None => bail!("device {id} is not registered"),
                },
                None => match client.maintenance(&id).await? {
                    Some(v) => (v, false),
                    None => bail!("device {id} is not registered"),
                },
            };
            print_maintenance(&view);
            if verified {
                println!(
                    "verified: window list and parameters proven against block {} under the validator set's certificate",
                    view.record.height
                );
            } else {
                println!("NOT verified (--no-verify)");
            }
            Ok(())
        }
    }
}

pub async fn run(cmd: DeviceCommand) -> anyhow::Result<()> {
    match cmd {
        DeviceCommand::Maintenance(cmd) => maintenance(cmd).await,
        DeviceCommand::Register {
            owner,
            device,
            maker,
            class,
            gain_dbi,
            power_dbm,
            band,
            capabilities_hex,
            location: loc,
            tx,
        } => {
            let class_id = terrane_app::modules::class_by_name(&class).ok_or_else(|| {
                let names: Vec<_> = terrane_app::modules::classes()
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect();
                anyhow!("--class must be one of: {}", names.join(", "))
            })?;
            let capabilities = if class_id == terrane_coverage::CLASS {
                terrane_coverage::radio::capabilities(
                    tenths(gain_dbi, "--gain-dbi")?,
                    tenths(power_dbm, "--power-dbm")?,
                    Band::from_name(&band)
                        .ok_or_else(|| anyhow!("--band must be eu868, us915, as923 or ism2400"))?,
                )
            } else {
                let hex = capabilities_hex.ok_or_else(|| {
                    anyhow!("--class {class} needs --capabilities-hex (the class's encoding)")
                })?;
                let bytes = terrane_primitives::hex::decode(&hex).ok_or_else(|| {
                    anyhow!("--capabilities-hex {hex:?} is not hex (no 0x prefix)")
                })?;
                Capabilities::new(class_id, &bytes).ok_or_else(|| {
                    anyhow!(
                        "--capabilities-hex is {} bytes, at most {} are allowed",
                        bytes.len(),
                        terrane_devices::types::MAX_CAPABILITY_BYTES
                    )
                })?
            };
            let cell = location(&loc)?;
            let owner_key = resolve::signing_key(&tx.store, &owner)?;
            let device_key = resolve::signing_key(&tx.store, &device)?;
            let maker_key = resolve::signing_key(&tx.store, &maker)?;
            let client = Client::new(&resolve::node_url(&tx.node)?);
            let chain = ChainId::new(
                client.params().await?["chain_id"]
                    .as_str()
                    .unwrap_or_default(),
            )?;
            let owner_addr = testkit::address_of(&owner_key);
            let msg = testkit::registration(
                &Domains::of(&chain),
                &owner_addr,
                &device_key,
                capabilities,
                cell,
                &maker_key,
            );
            println!("registering device {} at cell {cell}", msg.device);
            send_payload(&tx, &owner_key, Payload::RegisterDevice(msg)).await
        }
        DeviceCommand::AssertLocation {
            owner,
            device,
            location: loc,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &owner)?;
            let msg = AssertLocation {
                device: device_id(&device, &tx.store)?,
                location: location(&loc)?,
            };
            send_payload(&tx, &key, Payload::AssertLocation(msg)).await
        }
        DeviceCommand::Transfer {
            owner,
            device,
            to,
            tx,
        } => {
            let key = resolve::signing_key(&tx.store, &owner)?;
            let msg = TransferDevice {
                device: device_id(&device, &tx.store)?,
                new_owner: resolve::address(&to, &tx.store)?,
            };
            send_payload(&tx, &key, Payload::TransferDevice(msg)).await
        }
        DeviceCommand::Deactivate { owner, device, tx } => {
            let key = resolve::signing_key(&tx.store, &owner)?;
            let msg = DeactivateDevice {
                device: device_id(&device, &tx.store)?,
            };
            send_payload(&tx, &key, Payload::DeactivateDevice(msg)).await
        }
        DeviceCommand::Claim { owner, device, tx } => {
            let key = resolve::signing_key(&tx.store, &owner)?;
            let msg = ClaimRewards {
                device: device_id(&device, &tx.store)?,
            };
            send_payload(&tx, &key, Payload::ClaimRewards(msg)).await
        }
        DeviceCommand::Show {
            device,
            node,
            trust,
            store,
        } => {
            let id = device_id(&device, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            let (view, verified) = match resolve::trust(&trust)? {
                Some(t) => match client.verified_device(&t, &id).await? {
                    Some((_, v)) => (v, true),
                    None => bail!("device {id} is not registered"),
                },
                None => match client.device(&id).await? {
                    Some(v) => (v, false),
                    None => bail!("device {id} is not registered"),
                },
            };
            println!("device:       {}", view.id);
            println!("owner:        {}", view.owner);
            println!("class:        {} {}", view.class, view.capabilities);
            println!("maker:        {}", view.maker);
            println!(
                "location:     {} (relocated {} times)",
                view.location, view.relocations
            );
            println!("status:       {}", view.status);
            println!(
                "registered:   height {} (epoch {})",
                view.registered_at, view.registered_epoch
            );
            println!(
                "reputation:   {:.1} %  ({} valid, {} invalid reports)",
                f64::from(view.reputation_ppm) / 10_000.0,
                view.valid_reports,
                view.invalid_reports
            );
            println!(
                "rewards:      {} earned, {} claimed, {} claimable",
                trn(view.rewards.cumulative),
                trn(view.rewards.claimed),
                trn(view.rewards.claimable)
            );
            if verified {
                println!(
                    "verified: record proven against block {} under the validator set's certificate",
                    view.record.height
                );
            } else {
                println!("NOT verified (--no-verify)");
            }
            Ok(())
        }
        DeviceCommand::Outcomes {
            device,
            node,
            store,
        } => {
            let id = device_id(&device, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            let Some(v) = client.device_outcomes(&id).await? else {
                bail!("device {id} is not registered");
            };
            if v.outcomes.is_empty() {
                println!("no reports judged yet for {id}");
            }
            for o in v.outcomes {
                println!(
                    "epoch {:>4} height {:>7} {:<8} {:>4} {:<28} units {:>4}  {}",
                    o.epoch, o.height, o.kind, o.code, o.name, o.units, o.report_id
                );
            }
            Ok(())
        }
        DeviceCommand::Rewards {
            device,
            epoch,
            node,
            trust,
            store,
        } => {
            let id = device_id(&device, &store)?;
            let client = Client::new(&resolve::node_url(&node)?);
            if let Some(e) = epoch {
                let (view, verified) = match resolve::trust(&trust)? {
                    Some(t) => (client.verified_reward(&t, &id, e).await?, true),
                    None => (client.reward_proof(&id, e).await?, false),
                };
                let Some(v) = view else {
                    bail!("device {id} earned nothing in epoch {e}");
                };
                let l = &v.line;
                println!("epoch {e} ({} pool): {}", l.class, trn(l.amount));
                println!(
                    "  units {}  cell devices {}  cell scale {:.1} %  reputation {:.1} %  vetting {:.1} %  eligible {}  capped by {}",
                    l.units,
                    l.cell_devices,
                    f64::from(l.cell_scale_ppm) / 1e4,
                    f64::from(l.reputation_ppm) / 1e4,
                    f64::from(l.vetting_ppm) / 1e4,
                    l.eligible,
                    l.capped_by
                );
                if l.demand_cap > 0 {
                    println!(
                        "  demand backing {:.1} % (cap {}: free share plus what customers in reach back)",
                        f64::from(l.backing_ppm) / 1e4,
                        trn(l.demand_cap)
                    );
                }
                println!("  reward root {}", v.reward_root);
                println!(
                    "{}",
                    if verified {
                        "verified: leaf → Merkle path → reward root in the epoch summary, proven against a certified state root"
                    } else {
                        "NOT verified (--no-verify)"
                    }
                );
                return Ok(());
            }
            let Some(v) = client.device_rewards(&id).await? else {
                bail!("device {id} is not registered");
            };
            println!(
                "earned {}, claimed {}, claimable {}",
                trn(v.ledger.cumulative),
                trn(v.ledger.claimed),
                trn(v.ledger.claimable)
            );
            for l in v.lines {
                println!(
                    "  epoch {:>4}: {:>18}  units {:>5}  scale {:>5.1} %  reputation {:>5.1} %  vetting {:>5.1} %  {}",
                    l.epoch,
                    trn(l.amount),
                    l.units,
                    f64::from(l.cell_scale_ppm) / 1e4,
                    f64::from(l.reputation_ppm) / 1e4,
                    f64::from(l.vetting_ppm) / 1e4,
                    if l.eligible { "" } else { "(not eligible)" }
                );
            }
            Ok(())
        }
    }
}
