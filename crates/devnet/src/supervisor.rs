//! Running one `terrane node` process per validator.
//!
//! A validator that exits unexpectedly (a crash is the recovery model: it restarts from its
//! durable state) is restarted after a backoff. [`Supervisor::stop`] sends SIGTERM to every
//! validator, waits for them to finish, and SIGKILLs any that do not.

use crate::layout::Layout;
use rustix::process::{Pid, Signal, kill_process};
use std::{
    fs::OpenOptions,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// How long to wait before restarting a validator that exited, doubled per consecutive crash.
const RESTART_BACKOFF: Duration = Duration::from_secs(1);
/// Longest restart backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Something that happened to a validator process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Validator `index` exited with `status` (`None`: killed by a signal).
    Exited {
        /// Which validator.
        index: u32,
        /// Exit code.
        status: Option<i32>,
    },
    /// Validator `index` was restarted.
    Restarted {
        /// Which validator.
        index: u32,
    },
}

struct Slot {
    child: Option<Child>,
    crashes: u32,
    restart_at: Option<Instant>,
}

/// The validator processes of one devnet.
pub struct Supervisor {
    exe: PathBuf,
    layout: Layout,
    slots: Vec<Slot>,
}

impl Supervisor {
    /// Starts every validator of `layout` with the `terrane` binary at `exe`.
    pub fn start(exe: PathBuf, layout: Layout) -> std::io::Result<Self> {
        let n = layout
            .validators()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut supervisor = Self {
            exe,
            layout,
            slots: (0..n)
                .map(|_| Slot {
                    child: None,
                    crashes: 0,
                    restart_at: None,
                })
                .collect(),
        };
        for i in 0..n {
            supervisor.spawn(i)?;
        }
        Ok(supervisor)
    }

    /// Number of validators.
    pub fn len(&self) -> u32 {
        u32::try_from(self.slots.len()).expect("validator count fits")
    }

    /// Whether there are no validators.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn spawn(&mut self, i: u32) -> std::io::Result<()> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.layout.log(i))?;
        let child = Command::new(&self.exe)
            .arg("node")
            .arg("--config")
            .arg(self.layout.node_config(i))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.slots[i as usize].child = Some(child);
        Ok(())
    }

    /// Reaps exited validators and restarts those whose backoff has passed.
    pub fn poll(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        for i in 0..self.len() {
            let slot = &mut self.slots[i as usize];
            if let Some(child) = slot.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                slot.child = None;
                slot.crashes += 1;
                let backoff = RESTART_BACKOFF
                    .saturating_mul(1 << slot.crashes.min(5))
                    .min(MAX_BACKOFF);
                slot.restart_at = Some(Instant::now() + backoff);
                events.push(Event::Exited {
                    index: i,
                    status: status.code(),
                });
            }
            let due = slot.restart_at.is_some_and(|at| Instant::now() >= at);
            if slot.child.is_none() && due {
                slot.restart_at = None;
                if self.spawn(i).is_ok() {
                    events.push(Event::Restarted { index: i });
                }
            }
        }
        events
    }

    /// The process id of validator `i`, if it is running.
    pub fn pid(&self, i: u32) -> Option<u32> {
        self.slots.get(i as usize)?.child.as_ref().map(Child::id)
    }

    /// Sends SIGKILL to validator `i` (for crash tests). It is restarted by [`Self::poll`].
    pub fn kill(&mut self, i: u32) -> std::io::Result<()> {
        match self.slots[i as usize].child.as_mut() {
            Some(child) => child.kill(),
            None => Ok(()),
        }
    }

    /// Stops every validator: SIGTERM, then SIGKILL after `grace`.
    pub fn stop(&mut self, grace: Duration) {
        for slot in &mut self.slots {
            slot.restart_at = None;
            if let Some(child) = slot.child.as_ref() {
                let _ = kill_process(Pid::from_child(child), Signal::TERM);
            }
        }
        let deadline = Instant::now() + grace;
        for slot in &mut self.slots {
            if let Some(mut child) = slot.child.take() {
                loop {
                    match child.try_wait() {
                        Ok(Some(_)) => break,
                        Ok(None) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        _ => {
                            let _ = child.kill();
                            let _ = child.wait();
                            break;
                        }
                    }
                }
            }
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(10));
    }
}
