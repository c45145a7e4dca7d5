use nencho_app::readiness::CheckReadiness;

/// The use cases the HTTP adapter calls, built once by the app at start.
pub struct HttpServices {
    pub readiness: CheckReadiness,
}
