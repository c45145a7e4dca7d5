//! The worker's checks every [`HEALTH_INTERVAL`]: the store, and the web servers' readiness when
//! `probe_url` is set. Outages (two failed checks in a row or more) are recorded for the
//! availability report (SVC-4) once the store answers.

use std::sync::Arc;
use std::time::Duration;

use nencho_app::availability::OutageRecorder;
use nencho_app::readiness::CheckReadiness;
use nencho_kernel::Clock;
use nencho_operations::OutageCause;
use nencho_ports::AvailabilityStore;

/// How often the store (and the web servers) are checked: an outage's start and end are known
/// to within this.
pub const HEALTH_INTERVAL: Duration = Duration::from_secs(30);

/// How long the web servers' readiness may take to answer before the check counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct HealthChecks {
    readiness: CheckReadiness,
    probe: Option<(reqwest::Client, String)>,
    recorder: OutageRecorder,
    clock: Arc<dyn Clock>,
}

impl HealthChecks {
    pub fn new(
        readiness: CheckReadiness,
        store: Arc<dyn AvailabilityStore>,
        probe_url: Option<&str>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let probe = match probe_url {
            Some(url) => Some((
                reqwest::Client::builder().timeout(PROBE_TIMEOUT).build()?,
                format!("{url}/readyz"),
            )),
            None => None,
        };
        Ok(Self {
            readiness,
            probe,
            recorder: OutageRecorder::new(store),
            clock,
        })
    }

    /// One round of checks, logged; outages that ended are written when the store answers.
    pub async fn run_once(&mut self) {
        let at = self.clock.now();
        let store_up = match self.readiness.execute().await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "store not answering");
                false
            }
        };
        self.note(OutageCause::Store, store_up, at);
        if let Some((client, url)) = &self.probe {
            let web_up = match client.get(url.as_str()).send().await {
                Ok(response) if response.status() == reqwest::StatusCode::OK => true,
                Ok(response) => {
                    tracing::warn!(status = %response.status(), url = %url, "web not ready");
                    false
                }
                Err(error) => {
                    tracing::warn!(%error, url = %url, "web not answering");
                    false
                }
            };
            self.note(OutageCause::Web, web_up, at);
        }
        if store_up && let Err(error) = self.recorder.write_ended().await {
            tracing::warn!(%error, "cannot record the outage; will retry");
        }
    }

    fn note(&mut self, cause: OutageCause, healthy: bool, at: nencho_kernel::OffsetDateTime) {
        if let Some(outage) = self.recorder.check(cause, healthy, at) {
            tracing::warn!(
                cause = cause.code(),
                started_at = %outage.started_at,
                seconds = (outage.ended_at - outage.started_at).whole_seconds(),
                "outage ended"
            );
        }
    }
}
