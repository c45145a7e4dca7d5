//! End-to-end tests of nencho as its users meet it: the web server and the operator CLI run
//! in-process against a real store (SQLite, and PostgreSQL when reachable), mail goes to a real
//! SMTP server (Debian's aiosmtpd), and a real headless Chromium driven over WebDriver
//! (chromedriver) clicks through the pages.
//!
//! The library is empty on purpose: everything lives in the one integration-test binary,
//! `tests/it/main.rs`. Nothing may depend on this crate.
