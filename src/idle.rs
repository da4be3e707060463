//! Work for a core that would otherwise be idle.
//!
//! Some stages leave a core idle part of the time: reading again the bodies a check reaches
//! waits on each read before it knows the next ones. Work that does not depend on such a
//! stage can run beside it on a thread the operating system schedules only when a core has
//! nothing else to run, so that it never delays the stage it hides behind.

use std::thread::{Scope, ScopedJoinHandle};

/// Starts `work` on a thread of `scope` that runs only on an otherwise idle core (the
/// `SCHED_IDLE` class on Linux; elsewhere an ordinary thread). [`join`] waits for it. `None` if
/// the system would not start a thread: the work is then not done, and the caller does
/// without it.
pub fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Option<ScopedJoinHandle<'scope, T>> {
    let thread = std::thread::Builder::new().name("callcheck-idle".to_string());
    let started = thread.spawn_scoped(scope, || {
        lower_priority();
        work()
    });
    started.ok()
}

/// What the thread [`spawn`] started returns; a panic on it goes on on this thread.
pub fn join<T>(thread: ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Puts the calling thread in the scheduling class of idle work. Failing that, it keeps its
/// priority: the work only waits longer for a core.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: `sched_param` is plain data, and 0 names the calling thread.
    unsafe {
        let param: libc::sched_param = std::mem::zeroed();
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
    }
}

/// Elsewhere, the thread keeps its priority.
#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_work_returns_its_value_and_its_panic() {
        let started = |work: fn() -> u32| std::thread::scope(|scope| spawn(scope, work).map(join));
        assert_eq!(started(|| (1..=10).sum()), Some(55));
        let panicked = std::panic::catch_unwind(|| started(|| panic!("idle work failed")));
        assert!(panicked.is_err());
    }
}
