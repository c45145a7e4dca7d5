//! What the contract cannot reach through the port: a stored row that no longer reads back.

use nencho_ports::{AttachmentStore, StoreError, TenantStore};
use sqlx::{Connection, PgConnection};

use crate::fresh_database;

#[tokio::test]
async fn a_stored_attachment_of_an_unknown_kind_or_format_is_corrupt() {
    let Some((database, store)) = fresh_database("attachments_corrupt").await else {
        return;
    };
    nencho_store_contract::cases::attachments_never_cross_tenants(&store).await;
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let stored = store.attachments_after(acme.id, None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    // As the owner (the application role may not update attachments).
    let mut owner = PgConnection::connect(&database.url).await.unwrap();
    for corruption in [
        "UPDATE filing_attachments SET kind = 'passport'",
        "UPDATE filing_attachments SET kind = 'social_insurance', format = 'gif'",
    ] {
        sqlx::query(corruption).execute(&mut owner).await.unwrap();
        let listed = store.list_attachments(acme.id, stored[0].filing_id).await;
        assert!(matches!(listed, Err(StoreError::Corrupt(_))), "{listed:?}");
        let read = store.attachment_content(acme.id, stored[0].id).await;
        assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
        let paged = store.attachments_after(acme.id, None, 10).await;
        assert!(matches!(paged, Err(StoreError::Corrupt(_))), "{paged:?}");
    }
}
