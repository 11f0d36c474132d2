//! Running an agent process (the async shell around the sans-IO engine).
//!
//! The agent gets its own process group, so that a timeout can signal
//! everything it started. Its output is read as it comes, into bounded
//! buffers; the operation ends when the agent process itself exits, then
//! whatever is already in the pipes is read without waiting: an agent that
//! leaves a daemon holding its output open does not hang the operation
//! (Pacemaker finishes on the child's exit the same way).

use std::os::fd::{AsFd, OwnedFd};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::AsyncWriteExt;
use tokio::io::unix::AsyncFd;

use crate::invocation::{Invocation, start_failure};
use crate::op::{RawOutcome, StartFailure, Termination};
use crate::output::Captured;

/// A started agent process.
#[derive(Debug, Clone)]
pub struct ProcessHandle {
    pid: i32,
    exited: Arc<AtomicBool>,
}

impl ProcessHandle {
    /// The agent's process id (also its process group id).
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Sends `sig` to the agent's whole process group, unless the agent has
    /// already been reaped.
    pub fn signal_group(&self, sig: Signal) {
        if self.exited.load(Ordering::SeqCst) {
            return;
        }
        if let Err(e) = killpg(Pid::from_raw(self.pid), sig) {
            tracing::debug!(pid = self.pid, error = %e, "could not signal agent process group");
        }
    }
}

fn nonblocking_reader(fd: OwnedFd) -> std::io::Result<AsyncFd<OwnedFd>> {
    let flags = fcntl(fd.as_fd(), FcntlArg::F_GETFL).map_err(std::io::Error::from)?;
    let mut flags = OFlag::from_bits_truncate(flags);
    flags.insert(OFlag::O_NONBLOCK);
    fcntl(fd.as_fd(), FcntlArg::F_SETFL(flags)).map_err(std::io::Error::from)?;
    // The descriptor is owned by the AsyncFd and never replaced while
    // registered; `register` would need `unsafe`, which this crate avoids.
    #[allow(deprecated)]
    AsyncFd::new(fd)
}

/// Reads what is available now. Returns false at end of file or error.
fn read_available(fd: &AsyncFd<OwnedFd>, into: &mut Captured) -> std::io::Result<bool> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match nix::unistd::read(fd.get_ref().as_fd(), &mut buf) {
            Ok(0) => return Ok(false),
            Ok(n) => into.push(&buf[..n]),
            Err(nix::errno::Errno::EAGAIN) => return Ok(true),
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// One output stream being read.
struct Stream {
    fd: Option<AsyncFd<OwnedFd>>,
    data: Captured,
}

impl Stream {
    async fn step(&mut self) {
        let Some(fd) = &self.fd else {
            return std::future::pending().await;
        };
        let mut guard = match fd.readable().await {
            Ok(g) => g,
            Err(_) => {
                self.fd = None;
                return;
            }
        };
        match read_available(fd, &mut self.data) {
            Ok(true) => guard.clear_ready(),
            Ok(false) | Err(_) => {
                drop(guard);
                self.fd = None;
            }
        }
    }

    fn drain(&mut self) {
        if let Some(fd) = self.fd.take() {
            let _ = read_available(&fd, &mut self.data);
        }
    }
}

/// Starts `inv`. On success returns the handle (for signals) and a future
/// resolving to the outcome once the agent process has exited and been
/// reaped.
pub fn spawn(
    inv: &Invocation,
    output_limit: usize,
) -> Result<
    (
        ProcessHandle,
        impl Future<Output = RawOutcome> + Send + 'static,
    ),
    StartFailure,
> {
    spawn_as(inv, output_limit, None)
}

/// [`spawn`], the process running as user and group `(uid, gid)` when
/// given (alert agents run as the cluster user).
pub fn spawn_as(
    inv: &Invocation,
    output_limit: usize,
    user: Option<(u32, u32)>,
) -> Result<
    (
        ProcessHandle,
        impl Future<Output = RawOutcome> + Send + 'static,
    ),
    StartFailure,
> {
    let other =
        |e: std::io::Error| StartFailure::Other(format!("{}: {}", inv.program.display(), e));
    let (out_r, out_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| other(e.into()))?;
    let (err_r, err_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| other(e.into()))?;
    let mut cmd = tokio::process::Command::new(&inv.program);
    cmd.args(&inv.args)
        .envs(inv.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::from(out_w))
        .stderr(Stdio::from(err_w))
        .stdin(if inv.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .process_group(0)
        .kill_on_drop(false);
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    let spawned = cmd.spawn();
    // Close our copies of the write ends now, whatever happened.
    drop(cmd);
    let mut child = spawned.map_err(|e| start_failure(&inv.program, &e))?;
    let pid = child.id().and_then(|p| i32::try_from(p).ok()).unwrap_or(0);
    let exited = Arc::new(AtomicBool::new(false));
    let handle = ProcessHandle {
        pid,
        exited: exited.clone(),
    };
    let stdin_data = inv.stdin.clone();
    let stdin = child.stdin.take();
    let mut out = Stream {
        fd: nonblocking_reader(out_r).ok(),
        data: Captured::new(output_limit),
    };
    let mut err = Stream {
        fd: nonblocking_reader(err_r).ok(),
        data: Captured::new(output_limit),
    };
    let fut = async move {
        if let (Some(mut w), Some(data)) = (stdin, stdin_data) {
            // Parameters are small; an agent that never reads them must not
            // block us, so write in the background and let the pipe close.
            tokio::spawn(async move {
                let _ = w.write_all(&data).await;
                let _ = w.shutdown().await;
            });
        }
        let status = loop {
            tokio::select! {
                s = child.wait() => break s,
                () = out.step() => {}
                () = err.step() => {}
            }
        };
        exited.store(true, Ordering::SeqCst);
        out.drain();
        err.drain();
        let termination = match status {
            Ok(s) => {
                use std::os::unix::process::ExitStatusExt;
                match (s.code(), s.signal()) {
                    (Some(c), _) => Termination::Exited(c),
                    (None, Some(sig)) => Termination::Signaled(sig),
                    (None, None) => {
                        Termination::NotStarted(StartFailure::Other("unknown wait status".into()))
                    }
                }
            }
            Err(e) => Termination::NotStarted(StartFailure::Other(format!("wait failed: {e}"))),
        };
        RawOutcome {
            termination,
            stdout: out.data,
            stderr: err.data,
            pid: Some(pid),
        }
    };
    Ok((handle, fut))
}

/// Runs `inv` to completion with a timeout: at the timeout the process
/// group gets SIGTERM, then SIGKILL after `kill_grace`. Returns the outcome
/// and whether the timeout was reached.
pub async fn run_with_timeout(
    inv: &Invocation,
    timeout: std::time::Duration,
    kill_grace: std::time::Duration,
    output_limit: usize,
) -> (RawOutcome, bool) {
    run_with_timeout_as(inv, timeout, kill_grace, output_limit, None).await
}

/// [`run_with_timeout`], the process running as `user` (uid, gid) when
/// given.
pub async fn run_with_timeout_as(
    inv: &Invocation,
    timeout: std::time::Duration,
    kill_grace: std::time::Duration,
    output_limit: usize,
    user: Option<(u32, u32)>,
) -> (RawOutcome, bool) {
    match spawn_as(inv, output_limit, user) {
        Err(f) => (
            RawOutcome::without_process(Termination::NotStarted(f)),
            false,
        ),
        Ok((handle, fut)) => {
            let mut fut = Box::pin(fut);
            match tokio::time::timeout(timeout, &mut fut).await {
                Ok(o) => (o, false),
                Err(_) => {
                    handle.signal_group(Signal::SIGTERM);
                    let o = match tokio::time::timeout(kill_grace, &mut fut).await {
                        Ok(o) => o,
                        Err(_) => {
                            handle.signal_group(Signal::SIGKILL);
                            fut.await
                        }
                    };
                    (o, true)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn runs_as_the_given_user() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipped: switching users needs root");
            return;
        }
        let inv = Invocation {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), "id -u; id -g".into()],
            env: Vec::new(),
            stdin: None,
            reads_exit_reason: false,
        };
        let run = |user| {
            run_with_timeout_as(
                &inv,
                Duration::from_secs(10),
                Duration::from_secs(1),
                4096,
                user,
            )
        };
        let (o, timed_out) = run(Some((65534, 65534))).await;
        assert!(!timed_out);
        assert_eq!(o.stdout.text(), "65534\n65534\n");
        let (o, _) = run(None).await;
        assert_eq!(o.stdout.text(), "0\n0\n");
    }
}
