//! The signal that ends a process gracefully.

use std::future::Future;

/// Completes on SIGTERM (how service managers stop a process) or Ctrl-C. The handlers are
/// installed when this is called, not when the future is first polled: a SIGTERM that comes
/// right after the process says it is listening still stops it gracefully. Call it inside the
/// tokio runtime.
pub fn signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = streams;
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(stream) => stream.recv().await,
                    None => std::future::pending().await,
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(stream) => stream.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = interrupted => tracing::info!("interrupted; shutting down"),
                _ = terminated => tracing::info!("SIGTERM received; shutting down"),
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::info!("interrupted; shutting down");
            } else {
                std::future::pending::<()>().await;
            }
        }
    }
}
