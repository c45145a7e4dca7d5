//! What the contract cannot reach through the port: a stored slip that no longer reads back.

use nencho_ports::{SlipStore, StoreError, TenantStore};
use sqlx::{Connection, PgConnection};

use crate::fresh_database;

#[tokio::test]
async fn a_stored_slip_whose_content_is_not_a_slip_is_corrupt() {
    let Some((database, store)) = fresh_database("slips_corrupt").await else {
        return;
    };
    nencho_store_contract::cases::issued_slips_and_consents_never_cross_tenants(&store).await;
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let stored = store.issued_slips_after(acme.id, None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    let slip = &stored[0];
    // As the owner (the application role may update slips only under its tenant's setting).
    let mut owner = PgConnection::connect(&database.url).await.unwrap();
    // Valid content, but the slip of another year than its row's; then no slip at all.
    sqlx::query("UPDATE withholding_slips SET tax_year = tax_year - 1")
        .execute(&mut owner)
        .await
        .unwrap();
    let year = nencho_kernel::TaxYear::new(slip.tax_year.year() - 1).unwrap();
    for corruption in [
        None,
        Some("UPDATE withholding_slips SET content = '{}'"),
        Some("UPDATE withholding_slips SET content = 'not json'"),
    ] {
        if let Some(corruption) = corruption {
            sqlx::query(corruption).execute(&mut owner).await.unwrap();
        }
        let read = store
            .find_issued_slip(acme.id, slip.employee_id, year)
            .await;
        assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
        let paged = store.issued_slips_after(acme.id, None, 10).await;
        assert!(matches!(paged, Err(StoreError::Corrupt(_))), "{paged:?}");
    }
}
