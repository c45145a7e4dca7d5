//! What every benchmark of this crate does the same way: running once per store, the
//! application's context on a store, and the contract "acme" with company A and its ADMIN as
//! the actor.

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::sign_in::CurrentUser;
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_identity::{
    LoginId, LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy, TokenHash,
};
use nencho_kernel::SystemClock;
use nencho_ports::Store;
use nencho_store_contract::postgres::TestDatabase;
use nencho_store_postgres::{PgStore, PgStoreOptions};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::{Company, CompanyName, SiteAddress};

/// The benchmark's `main`: `run_one(store)` for the store named in `variable`, or, when it is
/// unset, this binary again for "sqlite" and then "postgres" (each store in a fresh process).
/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs the binary without it, and a
/// benchmark is not a test, so then it only says how to run it.
pub fn run_on_each_store(name: &str, variable: &str, run_one: fn(&str)) {
    if !std::env::args().any(|argument| argument == "--bench") && std::env::var(variable).is_err() {
        println!("{name}: a benchmark; run it with `cargo bench -p nencho-http --bench {name}`");
        return;
    }
    match std::env::var(variable) {
        Ok(store) => run_one(&store),
        Err(_) => {
            for store in ["sqlite", "postgres"] {
                let status = std::process::Command::new(std::env::current_exe().unwrap())
                    .env(variable, store)
                    .status()
                    .unwrap();
                assert!(status.success(), "the {store} run failed");
            }
        }
    }
}

/// A fresh, migrated store named `store_name` ("sqlite" under `directory`, or "postgres": a
/// database of its own named after `database`, at `NENCHO_TEST_PG_URL` as in the tests), and
/// what must live as long as it.
#[allow(dead_code)] // not every benchmark opens its store this way
pub async fn open_store(
    store_name: &str,
    directory: &std::path::Path,
    database: &str,
) -> (Arc<dyn Store>, Box<dyn std::any::Any>) {
    match store_name {
        "sqlite" => {
            let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory,
            )))
            .await
            .unwrap();
            (Arc::new(store), Box::new(()))
        }
        "postgres" => {
            let database =
                TestDatabase::create(database, &PgStore::schema_fingerprint(), |url| async move {
                    let store = PgStore::connect(&PgStoreOptions::from_url(&url).unwrap())
                        .await
                        .unwrap();
                    store.close().await;
                })
                .await
                .expect("PostgreSQL at NENCHO_TEST_PG_URL");
            let store = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
                .await
                .unwrap();
            (Arc::new(store), Box::new(database))
        }
        other => panic!("unknown store {other}"),
    }
}

/// The context the web server builds, on `store` (two concurrent password hashes).
pub fn context(store: Arc<dyn Store>) -> AppContext {
    AppContext {
        store,
        hasher: Arc::new(Pbkdf2Hasher::new(
            PasswordHashPolicy::CURRENT,
            2,
            Arc::new(OsRandom),
        )),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site: SiteAddress {
            scheme: "https".into(),
            base_domain: "nencho.example".into(),
            port: None,
        },
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    }
}

/// Opens "acme", registers 株式会社エー in it, and returns the company and the ADMIN as the
/// signed-in actor.
pub async fn acme_with_company(context: &AppContext) -> (Company, CurrentUser) {
    let notice = open_tenant(
        context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let company = Company::register(
        notice.tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        &SystemClock,
    );
    let store = &context.store;
    store
        .insert_company(notice.tenant.id, &company)
        .await
        .unwrap();
    let admin = store
        .find_user_by_login_id(notice.tenant.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap();
    let actor = CurrentUser {
        tenant: notice.tenant,
        user: admin,
        session: TokenHash::from_hex("00"),
        stage: nencho_identity::SessionStage::Complete,
    };
    (company, actor)
}

/// Employee `index` of `company` (number `E000123`, one of three departments in turn), whose ID
/// is `user`.
#[allow(dead_code)] // not every benchmark registers employees one by one
pub fn employee(
    company: &Company,
    index: usize,
    user: Option<nencho_kernel::UserId>,
) -> nencho_tenancy::Employee {
    nencho_tenancy::Employee {
        id: nencho_kernel::EmployeeId::generate(&SystemClock),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: nencho_tenancy::EmployeeNumber::parse(&format!("E{index:06}")).unwrap(),
        name: nencho_tenancy::PersonName {
            family: "山田".into(),
            given: format!("太郎{index}"),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: nencho_kernel::Date::from_calendar_date(1985, time::Month::May, 1).unwrap(),
        postal_code: None,
        address: "東京都千代田区丸の内1-1".into(),
        email: None,
        department: Some(["総務部", "営業部", "開発部"][index % 3].into()),
        employment_type: nencho_tenancy::EmploymentType::Regular,
        hire_date: None,
        leave_date: None,
        user_id: user,
        updated_at: nencho_kernel::Clock::now(&SystemClock),
    }
}

/// The median and the 95th percentile of `samples`, in milliseconds.
#[allow(dead_code)] // not every benchmark reports this way
pub fn summary(mut samples: Vec<std::time::Duration>) -> String {
    samples.sort();
    let at = |fraction: f64| {
        let index = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
        samples[index].as_secs_f64() * 1000.0
    };
    format!(
        "median {:>8.2} ms  p95 {:>8.2} ms  ({} runs)",
        at(0.5),
        at(0.95),
        samples.len()
    )
}
