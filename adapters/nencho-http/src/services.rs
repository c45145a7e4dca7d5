use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::readiness::CheckReadiness;

use crate::sites::csrf::CsrfKey;

/// The use cases the HTTP adapter calls, built once by the app at start.
pub struct HttpServices {
    pub readiness: CheckReadiness,
    pub app: Arc<AppContext>,
    pub csrf_key: CsrfKey,
    /// Where uploaded import files wait for the administrator's confirmation.
    pub import_dir: std::path::PathBuf,
    /// The proxies whose X-Forwarded-For names the client (SEC-2, SEC-5, LOG-1, LOG-3).
    pub trusted_proxies: crate::TrustedProxies,
    /// The maintenance notices every page shows, cached for a minute (SVC-6).
    pub notices: Arc<nencho_app::notices::NoticeBoard>,
    /// The platform's support address (SVC-7), shown to tenant administrators; `None`: not shown.
    pub support_email: Option<nencho_kernel::EmailAddress>,
}

impl HttpServices {
    /// A fresh random value (128 bits, hex) for cookies that need one.
    pub(crate) fn app_token(&self) -> String {
        let mut bytes = [0u8; 16];
        self.app.random.fill(&mut bytes);
        hex::encode(bytes)
    }
}
