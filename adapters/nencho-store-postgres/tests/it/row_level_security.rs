//! Proof that PostgreSQL itself keeps tenants apart, whatever the application's queries say.

use nencho_kernel::{EmailAddress, FixedClock};
use nencho_ports::{CompanyStore, TenantStore};
use nencho_store_postgres::APPLICATION_ROLE;
use nencho_tenancy::{Company, CompanyName, Slug, Tenant, TenantName};
use sqlx::{Connection, Executor, PgConnection, Row};
use time::macros::datetime;
use uuid::Uuid;

use crate::fresh_database;

/// Two tenants with one company each, written through the store.
async fn two_tenants(store: &nencho_store_postgres::PgStore) -> (Tenant, Tenant) {
    let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
    let acme = Tenant::open(
        Slug::parse("acme").unwrap(),
        TenantName::parse("アクメ").unwrap(),
        EmailAddress::parse("a@acme.example").unwrap(),
        &clock,
    );
    let beta = Tenant::open(
        Slug::parse("beta").unwrap(),
        TenantName::parse("ベータ").unwrap(),
        EmailAddress::parse("b@beta.example").unwrap(),
        &clock,
    );
    for tenant in [&acme, &beta] {
        store.insert_tenant(tenant).await.unwrap();
        let company = Company::register(tenant.id, CompanyName::parse("本社").unwrap(), &clock);
        store.insert_company(tenant.id, &company).await.unwrap();
    }
    (acme, beta)
}

/// Every company row the application role can see in a transaction with `tenant` set (or none).
/// The query deliberately has no tenant filter: only RLS stands between tenants here.
async fn visible_company_tenants(connection: &mut PgConnection, tenant: Option<Uuid>) -> Vec<Uuid> {
    let mut transaction = connection.begin().await.unwrap();
    if let Some(tenant) = tenant {
        sqlx::query("SELECT set_config('nencho.tenant_id', $1, true)")
            .bind(tenant.to_string())
            .execute(&mut *transaction)
            .await
            .unwrap();
    }
    let rows = sqlx::query("SELECT tenant_id FROM companies")
        .fetch_all(&mut *transaction)
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    rows.iter()
        .map(|row| row.get::<Uuid, _>("tenant_id"))
        .collect()
}

#[tokio::test]
async fn without_a_tenant_setting_no_rows_are_visible_and_a_tenant_sees_only_its_own() {
    let Some((database, store)) = fresh_database("rls_isolation").await else {
        return;
    };
    let (acme, beta) = two_tenants(&store).await;

    let mut connection = PgConnection::connect(&database.url).await.unwrap();
    connection.execute("SET ROLE nencho_app").await.unwrap();

    assert!(
        visible_company_tenants(&mut connection, None)
            .await
            .is_empty()
    );
    assert_eq!(
        visible_company_tenants(&mut connection, Some(acme.id.as_uuid())).await,
        vec![acme.id.as_uuid()]
    );
    assert_eq!(
        visible_company_tenants(&mut connection, Some(beta.id.as_uuid())).await,
        vec![beta.id.as_uuid()]
    );
    // The setting is transaction-local: it does not leak into the next transaction.
    assert!(
        visible_company_tenants(&mut connection, None)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_application_pool_is_bound_by_row_level_security_too() {
    let Some((_database, store)) = fresh_database("rls_pool").await else {
        return;
    };
    let (acme, _beta) = two_tenants(&store).await;
    let pool = store.application_pool();

    let unscoped = sqlx::query("SELECT count(*) AS n FROM companies")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        unscoped.get::<i64, _>("n"),
        0,
        "the pool's role sees nothing without a tenant"
    );

    // Writing a row for another tenant than the one set is refused by the policy's WITH CHECK.
    let mut transaction = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('nencho.tenant_id', $1, true)")
        .bind(acme.id.to_string())
        .execute(&mut *transaction)
        .await
        .unwrap();
    let smuggled = sqlx::query(
        "INSERT INTO companies (tenant_id, id, name, registered_at) VALUES ($1, $2, 'x', now())",
    )
    .bind(_beta.id.as_uuid())
    .bind(Uuid::nil())
    .execute(&mut *transaction)
    .await;
    assert!(
        smuggled.is_err(),
        "RLS WITH CHECK refuses a row of another tenant"
    );
}

#[tokio::test]
async fn the_application_role_owns_nothing_and_cannot_bypass_rls() {
    let Some((database, store)) = fresh_database("rls_role").await else {
        return;
    };
    let current: String = sqlx::query("SELECT current_user::text")
        .fetch_one(store.application_pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(current, APPLICATION_ROLE);

    let mut connection = PgConnection::connect(&database.url).await.unwrap();
    let role =
        sqlx::query("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1")
            .bind(APPLICATION_ROLE)
            .fetch_one(&mut connection)
            .await
            .unwrap();
    assert!(!role.get::<bool, _>("rolsuper"));
    assert!(!role.get::<bool, _>("rolbypassrls"));

    let owned = sqlx::query(
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1",
    )
    .bind(APPLICATION_ROLE)
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(owned.get::<i64, _>("n"), 0);

    // Every table holding a tenant_id column has RLS enabled and forced, and tenant_id leads its
    // primary key.
    let unprotected = sqlx::query(
        "SELECT c.relname::text AS table_name FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
         WHERE c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let names: Vec<String> = unprotected
        .iter()
        .map(|row| row.get("table_name"))
        .collect();
    assert!(names.is_empty(), "tables without forced RLS: {names:?}");

    let badly_keyed = sqlx::query(
        "SELECT c.relname::text AS index_name FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' \
         WHERE EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id') \
         AND (SELECT attname FROM pg_attribute WHERE attrelid = t.oid AND attnum = i.indkey[0]) <> 'tenant_id'",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let names: Vec<String> = badly_keyed
        .iter()
        .map(|row| row.get("index_name"))
        .collect();
    assert!(
        names.is_empty(),
        "indexes of tenant tables not led by tenant_id: {names:?}"
    );
}
