//! The threads that serve HTTP connections, each with its own single-threaded
//! async runtime, the way nginx runs one process per core.
//!
//! Under a multi-threaded runtime, a call's tasks moved between threads and
//! idle threads were woken to look for work. In the benchmark against nginx,
//! where wrk, the endpoint and zconnect share two cores, those wakeups cost
//! more system time per call than nginx spends on a whole request. Here a
//! connection, the calls it carries and the endpoint connections they use all
//! stay on one thread.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// The connection threads of one server.
pub struct ConnectionWorkers {
    handles: Vec<Handle>,
    next: AtomicUsize,
    threads: Vec<WorkerThread>,
}

struct WorkerThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for ConnectionWorkers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionWorkers")
            .field("threads", &self.handles.len())
            .finish_non_exhaustive()
    }
}

impl ConnectionWorkers {
    /// Starts `count` threads (at least one). Thread `i` makes its calls with
    /// worker `i`'s endpoint connections.
    pub fn start(count: usize) -> io::Result<ConnectionWorkers> {
        let mut workers = ConnectionWorkers {
            handles: Vec::new(),
            next: AtomicUsize::new(0),
            threads: Vec::new(),
        };
        for index in 0..count.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = runtime.handle().clone();
            let (stop, stopped) = oneshot::channel::<()>();
            let thread = std::thread::Builder::new()
                .name(format!("zconnect-worker-{index}"))
                .spawn(move || {
                    zconnect_requester::bind_thread_to_worker(index);
                    // The runtime drives its connections only inside
                    // block_on; dropping it afterwards cancels what is left.
                    runtime.block_on(async {
                        let _ = stopped.await;
                    });
                })?;
            workers.handles.push(handle);
            workers.threads.push(WorkerThread {
                stop: Some(stop),
                thread: Some(thread),
            });
        }
        Ok(workers)
    }

    /// Returns the number of threads.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Tells whether there are no threads, which [`ConnectionWorkers::start`]
    /// never returns.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// Returns the runtime of the thread that takes the next connection, each
    /// thread in turn.
    pub fn next(&self) -> &Handle {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len();
        &self.handles[index]
    }
}

impl Drop for ConnectionWorkers {
    /// Stops every thread and waits for it, so that no connection outlives
    /// the server. Connections still open are closed.
    fn drop(&mut self) {
        for worker in &mut self.threads {
            if let Some(stop) = worker.stop.take() {
                let _ = stop.send(());
            }
        }
        let current = std::thread::current().id();
        for worker in &mut self.threads {
            let Some(thread) = worker.thread.take() else {
                continue;
            };
            // A worker cannot wait for itself; its runtime ends once the
            // task that dropped this returns.
            if thread.thread().id() != current {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[tokio::test]
    async fn connections_go_to_each_thread_in_turn() {
        let workers = ConnectionWorkers::start(2).unwrap();
        let names = Arc::new(Mutex::new(Vec::new()));

        for _ in 0..4 {
            let names = names.clone();
            let task = workers.next().spawn(async move {
                let name = std::thread::current().name().map(str::to_owned);
                names.lock().unwrap().push(name.unwrap_or_default());
            });
            task.await.unwrap();
        }

        let names = names.lock().unwrap().clone();
        assert_eq!(
            names,
            [
                "zconnect-worker-0",
                "zconnect-worker-1",
                "zconnect-worker-0",
                "zconnect-worker-1"
            ]
        );
    }

    #[tokio::test]
    async fn zero_threads_start_one() {
        let workers = ConnectionWorkers::start(0).unwrap();

        assert_eq!(workers.len(), 1);
    }

    #[tokio::test]
    async fn dropping_stops_the_threads() {
        let workers = ConnectionWorkers::start(2).unwrap();
        let (started, started_receiver) = oneshot::channel();
        let task = workers.next().spawn(async move {
            let _ = started.send(());
            std::future::pending::<()>().await;
        });
        started_receiver.await.unwrap();

        drop(workers);

        let error = task.await.unwrap_err();
        assert!(error.is_cancelled(), "{error}");
    }
}
