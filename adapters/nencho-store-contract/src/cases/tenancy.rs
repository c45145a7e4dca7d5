use nencho_kernel::{CompanyId, FixedClock, TenantId};
use nencho_ports::{Store, StoreError};
use nencho_tenancy::{Company, CompanyName, ContractStatus, Slug, Tenant};

use super::support::{clock, tenant};

fn company(tenant: &Tenant, name: &str, clock: &FixedClock) -> Company {
    clock.advance(time::Duration::milliseconds(1));
    Company::register(tenant.id, CompanyName::parse(name).unwrap(), clock)
}

pub async fn ping_answers(store: &dyn Store) {
    store.ping().await.unwrap();
}

pub async fn migrations_are_idempotent_and_listed(store: &dyn Store) {
    let first = store.apply_migrations().await.unwrap();
    let second = store.apply_migrations().await.unwrap();
    assert!(!first.is_empty(), "a migrated store lists its migrations");
    assert_eq!(first, second, "applying migrations twice changes nothing");
    assert_eq!(first[0].version, 1);
}

pub async fn tenants_round_trip(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    store.insert_tenant(&acme).await.unwrap();

    let found = store
        .find_tenant_by_slug(&acme.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found, acme,
        "every field, including the timestamp to the microsecond, survives"
    );
    assert_eq!(found.status, ContractStatus::Active);
    assert_eq!(
        store.find_tenant(acme.id).await.unwrap(),
        Some(acme.clone())
    );

    let beta = tenant("beta", "ベータ社会保険労務士事務所", &clock);
    store.insert_tenant(&beta).await.unwrap();
    let slugs: Vec<String> = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.slug.to_string())
        .collect();
    assert_eq!(slugs, ["acme", "beta"]);
}

pub async fn a_contract_moves_to_ending_and_ended(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    store.insert_tenant(&beta).await.unwrap();
    for status in [ContractStatus::Ending, ContractStatus::Ended] {
        store.set_tenant_status(acme.id, status).await.unwrap();
        let found = store.find_tenant(acme.id).await.unwrap().unwrap();
        assert_eq!(found.status, status);
        assert_eq!(
            Tenant {
                status: acme.status,
                ..found
            },
            acme,
            "nothing but the status changes"
        );
    }
    assert_eq!(
        store.find_tenant(beta.id).await.unwrap().unwrap().status,
        ContractStatus::Active,
        "another contract is untouched"
    );
    assert!(
        store
            .set_tenant_status(TenantId::generate(&clock), ContractStatus::Ended)
            .await
            .is_err(),
        "an unknown tenant is an error"
    );
}

pub async fn tenant_slugs_are_unique(store: &dyn Store) {
    let clock = clock();
    store
        .insert_tenant(&tenant("acme", "株式会社アクメ", &clock))
        .await
        .unwrap();
    let duplicate = tenant("acme", "別の会社", &clock);
    let outcome = store.insert_tenant(&duplicate).await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "got {outcome:?}"
    );
    assert_eq!(
        store.list_tenants().await.unwrap().len(),
        1,
        "the refused insert wrote nothing"
    );
}

pub async fn unknown_tenants_are_absent(store: &dyn Store) {
    let clock = clock();
    assert_eq!(
        store
            .find_tenant_by_slug(&Slug::parse("nobody").unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.find_tenant(TenantId::generate(&clock)).await.unwrap(),
        None
    );
}

pub async fn companies_round_trip_in_name_order(store: &dyn Store) {
    let clock = clock();
    let office = tenant("sr-office", "社会保険労務士法人サンプル", &clock);
    store.insert_tenant(&office).await.unwrap();
    let second = company(&office, "株式会社イロハ", &clock);
    let first = company(&office, "株式会社アイウ", &clock);
    store.insert_company(office.id, &second).await.unwrap();
    store.insert_company(office.id, &first).await.unwrap();

    let listed = store.list_companies(office.id).await.unwrap();
    assert_eq!(
        listed,
        vec![first.clone(), second.clone()],
        "ordered by name"
    );
    assert_eq!(
        store.find_company(office.id, second.id).await.unwrap(),
        Some(second)
    );
    assert_eq!(
        store
            .find_company(office.id, CompanyId::generate(&clock))
            .await
            .unwrap(),
        None
    );
}

pub async fn companies_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    let beta = tenant("beta", "株式会社ベータ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    store.insert_tenant(&beta).await.unwrap();
    let acme_company = company(&acme, "アクメ本社", &clock);
    let beta_company = company(&beta, "ベータ本社", &clock);
    store.insert_company(acme.id, &acme_company).await.unwrap();
    store.insert_company(beta.id, &beta_company).await.unwrap();

    assert_eq!(
        store.list_companies(acme.id).await.unwrap(),
        vec![acme_company.clone()]
    );
    assert_eq!(
        store.list_companies(beta.id).await.unwrap(),
        vec![beta_company.clone()]
    );
    // A guessed id from another tenant finds nothing.
    assert_eq!(
        store.find_company(acme.id, beta_company.id).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_company(beta.id, acme_company.id).await.unwrap(),
        None
    );
}

pub async fn company_of_another_tenant_is_refused(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    let beta = tenant("beta", "株式会社ベータ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    store.insert_tenant(&beta).await.unwrap();
    let acme_company = company(&acme, "アクメ本社", &clock);
    assert!(store.insert_company(beta.id, &acme_company).await.is_err());
    assert!(store.list_companies(beta.id).await.unwrap().is_empty());
    assert!(store.list_companies(acme.id).await.unwrap().is_empty());
}

pub async fn company_settings_are_kept_and_updated(store: &dyn Store) {
    use nencho_tenancy::{CompanyName, CorporateNumber, LoginIdScheme};

    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    let mut company = company(&acme, "株式会社アクメ", &clock);
    assert_eq!(
        company.profile.login_id_scheme,
        LoginIdScheme::EmployeeNumber,
        "the default"
    );
    assert!(company.profile.auto_reminders, "on by default");
    assert!(!company.profile.originals_before_approval, "off by default");
    assert!(!company.profile.check_before_approval, "off by default");
    company.profile.corporate_number = Some(CorporateNumber::parse("7000012050002").unwrap());
    company.profile.address = "東京都千代田区霞が関3-1-1".into();
    company.profile.tax_office = "麹町".into();
    company.profile.contact = "人事部 03-0000-0000".into();
    store.insert_company(acme.id, &company).await.unwrap();
    assert_eq!(
        store.find_company(acme.id, company.id).await.unwrap(),
        Some(company.clone())
    );

    company.name = CompanyName::parse("株式会社アクメホールディングス").unwrap();
    company.profile.corporate_number = None;
    company.profile.login_id_scheme = LoginIdScheme::Email;
    company.profile.auto_reminders = false;
    company.profile.originals_before_approval = true;
    company.profile.check_before_approval = true;
    store.update_company(acme.id, &company).await.unwrap();
    assert_eq!(
        store.list_companies(acme.id).await.unwrap(),
        vec![company.clone()]
    );

    let beta = tenant("beta", "ベータ", &clock);
    store.insert_tenant(&beta).await.unwrap();
    assert!(
        store.update_company(beta.id, &company).await.is_err(),
        "another tenant cannot change it"
    );
    assert_eq!(
        store.find_company(acme.id, company.id).await.unwrap(),
        Some(company)
    );
}
