//! The documents attached to declarations (添付書類): stored with their content byte for byte,
//! listed oldest first, deleted once, paged through for the export, and never seen, read or
//! deleted by another tenant. (The contract's purge removing them is in `contract_end`.)

use nencho_filings::{
    Attachment, AttachmentFormat, AttachmentKind, FieldChange, Filing, FilingStatus,
};
use nencho_kernel::{AttachmentId, Clock, FilingId, FixedClock, TenantId, UserId};
use nencho_ports::{Store, StoreError};
use nencho_tenancy::{Company, Tenant};

use super::filing_support::*;
use super::support::clock;

/// The first bytes of a PNG file and a little more: the smallest thing a phone could send.
pub(super) const TINY_PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// A PDF of `size` bytes whose body runs through every byte value (NUL included).
fn pdf_of(size: usize) -> Vec<u8> {
    let mut content = b"%PDF-1.7\n".to_vec();
    content.extend((0..size.saturating_sub(content.len())).map(|i| (i % 251) as u8));
    content
}

/// A document of `filing` with `content`'s size, uploaded by `uploader` now (the clock moves on
/// a millisecond first, so ids and times follow the order of the calls).
pub(super) fn attachment(
    filing: &Filing,
    kind: AttachmentKind,
    file_name: &str,
    format: AttachmentFormat,
    content: &[u8],
    uploader: UserId,
    clock: &FixedClock,
) -> Attachment {
    clock.advance(time::Duration::milliseconds(1));
    Attachment {
        id: AttachmentId::generate(clock),
        tenant_id: filing.tenant_id,
        filing_id: filing.id,
        kind,
        file_name: file_name.into(),
        format,
        size: content.len() as u64,
        uploaded_by: uploader,
        uploaded_at: clock.now(),
    }
}

/// The history line of `attachment` attached (`attached`) or removed, by its uploader now.
pub(super) fn line(attachment: &Attachment, attached: bool) -> FieldChange {
    FieldChange {
        at: attachment.uploaded_at,
        actor: attachment.uploaded_by,
        actor_name: "admin".into(),
        change: attachment.history_change(attached),
    }
}

/// A tenant with a company, one employee and their declaration of 2026, stored.
async fn tenant_with_filing(
    store: &dyn Store,
    slug: &str,
    clock: &FixedClock,
) -> (Tenant, UserId, Company, Filing) {
    let (tenant, admin, company) = tenant_with_company(store, slug, clock).await;
    let taro = employee(
        store,
        &company,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    let declaration = filing(&taro, year(2026), FilingStatus::Draft, clock);
    insert(store, std::slice::from_ref(&declaration)).await;
    (tenant, admin, company, declaration)
}

pub async fn attachments_round_trip_with_their_content_oldest_first(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, declaration) = tenant_with_filing(store, "acme", &clock).await;
    assert!(
        store
            .list_attachments(acme.id, declaration.id)
            .await
            .unwrap()
            .is_empty()
    );

    let large = pdf_of(3 * 1024 * 1024);
    let photo = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    let certificate = attachment(
        &declaration,
        AttachmentKind::LifeInsurance,
        "生命保険料控除証明書.pdf",
        AttachmentFormat::Pdf,
        &large,
        admin,
        &clock,
    );
    let png = attachment(
        &declaration,
        AttachmentKind::EarthquakeInsurance,
        "地震保険.png",
        AttachmentFormat::Png,
        TINY_PNG,
        admin,
        &clock,
    );
    let jpeg = attachment(
        &declaration,
        AttachmentKind::Other,
        "その他.jpg",
        AttachmentFormat::Jpeg,
        &photo,
        admin,
        &clock,
    );
    for (document, content) in [
        (&certificate, large.as_slice()),
        (&png, TINY_PNG),
        (&jpeg, photo.as_slice()),
    ] {
        store
            .insert_attachment(acme.id, document, content, &line(document, true))
            .await
            .unwrap();
    }

    assert_eq!(
        store
            .list_attachments(acme.id, declaration.id)
            .await
            .unwrap(),
        vec![certificate.clone(), png.clone(), jpeg.clone()],
        "every field, oldest first"
    );
    let (found, content) = store
        .attachment_content(acme.id, certificate.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, certificate);
    assert_eq!(content.len(), 3 * 1024 * 1024);
    assert!(content == large, "3 MB come back byte for byte");
    assert_eq!(
        store.attachment_content(acme.id, png.id).await.unwrap(),
        Some((png.clone(), TINY_PNG.to_vec()))
    );
    assert_eq!(
        store.attachment_content(acme.id, jpeg.id).await.unwrap(),
        Some((jpeg.clone(), photo.to_vec()))
    );
    assert_eq!(
        store
            .attachment_content(acme.id, AttachmentId::generate(&clock))
            .await
            .unwrap(),
        None
    );

    // Another declaration of the tenant has its own documents.
    let hanako = employee(
        store,
        &honsha,
        "0002",
        ("山田", "花子", "ヤマダ", "ハナコ"),
        &clock,
    )
    .await;
    let other = filing(&hanako, year(2026), FilingStatus::Draft, &clock);
    insert(store, std::slice::from_ref(&other)).await;
    assert!(
        store
            .list_attachments(acme.id, other.id)
            .await
            .unwrap()
            .is_empty()
    );

    // An id already used is a conflict, and the first document stays as it was.
    let mut reused = attachment(
        &declaration,
        AttachmentKind::Student,
        "学生証.png",
        AttachmentFormat::Png,
        TINY_PNG,
        admin,
        &clock,
    );
    reused.id = png.id;
    let again = store
        .insert_attachment(acme.id, &reused, TINY_PNG, &line(&reused, true))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(
        store.attachment_content(acme.id, png.id).await.unwrap(),
        Some((png.clone(), TINY_PNG.to_vec()))
    );

    // Deleted once.
    clock.advance(time::Duration::milliseconds(1));
    let removal = FieldChange {
        at: clock.now(),
        ..line(&png, false)
    };
    assert!(
        store
            .delete_attachment(acme.id, png.id, &removal)
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_attachment(acme.id, png.id, &removal)
            .await
            .unwrap()
    );
    assert_eq!(
        store.attachment_content(acme.id, png.id).await.unwrap(),
        None
    );
    // Each attach and the one delete are in the declaration's history; the refused insert and
    // the second delete left nothing there.
    assert_eq!(
        store
            .filing_history(acme.id, declaration.id)
            .await
            .unwrap()
            .changes,
        [
            line(&certificate, true),
            line(&png, true),
            line(&jpeg, true),
            removal,
        ]
    );
    assert_eq!(
        store
            .list_attachments(acme.id, declaration.id)
            .await
            .unwrap(),
        vec![certificate, jpeg],
        "the others stay, in order"
    );
}

pub async fn an_attachment_needs_a_declaration_of_the_tenant(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _, declaration) = tenant_with_filing(store, "acme", &clock).await;
    let (beta, beta_admin, _, _) = tenant_with_filing(store, "beta", &clock).await;

    let mut unknown = attachment(
        &declaration,
        AttachmentKind::HousingLoan,
        "住宅ローン.pdf",
        AttachmentFormat::Pdf,
        b"%PDF-1.7",
        admin,
        &clock,
    );
    unknown.filing_id = FilingId::generate(&clock);
    let outcome = store
        .insert_attachment(acme.id, &unknown, b"%PDF-1.7", &line(&unknown, true))
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "a declaration that does not exist: {outcome:?}"
    );

    // beta names acme's declaration: for beta it does not exist.
    let mut smuggled = attachment(
        &declaration,
        AttachmentKind::HousingLoan,
        "住宅ローン.pdf",
        AttachmentFormat::Pdf,
        b"%PDF-1.7",
        beta_admin,
        &clock,
    );
    smuggled.tenant_id = beta.id;
    let outcome = store
        .insert_attachment(beta.id, &smuggled, b"%PDF-1.7", &line(&smuggled, true))
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "another tenant's declaration: {outcome:?}"
    );

    // A document of another tenant than the one named is refused.
    let foreign = attachment(
        &declaration,
        AttachmentKind::HousingLoan,
        "住宅ローン.pdf",
        AttachmentFormat::Pdf,
        b"%PDF-1.7",
        admin,
        &clock,
    );
    assert!(
        store
            .insert_attachment(beta.id, &foreign, b"%PDF-1.7", &line(&foreign, true))
            .await
            .is_err()
    );

    for tenant in [acme.id, beta.id] {
        assert!(
            store
                .attachments_after(tenant, None, 10)
                .await
                .unwrap()
                .is_empty(),
            "nothing was stored"
        );
    }
    assert!(
        store
            .list_attachments(acme.id, declaration.id)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn attachments_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _, declaration) = tenant_with_filing(store, "acme", &clock).await;
    let (beta, beta_admin, _, beta_declaration) = tenant_with_filing(store, "beta", &clock).await;
    let document = attachment(
        &declaration,
        AttachmentKind::SocialInsurance,
        "国民年金.png",
        AttachmentFormat::Png,
        TINY_PNG,
        admin,
        &clock,
    );
    store
        .insert_attachment(acme.id, &document, TINY_PNG, &line(&document, true))
        .await
        .unwrap();
    let beta_document = attachment(
        &beta_declaration,
        AttachmentKind::MutualAid,
        "iDeCo.png",
        AttachmentFormat::Png,
        TINY_PNG,
        beta_admin,
        &clock,
    );
    store
        .insert_attachment(
            beta.id,
            &beta_document,
            TINY_PNG,
            &line(&beta_document, true),
        )
        .await
        .unwrap();

    assert!(
        store
            .list_attachments(beta.id, declaration.id)
            .await
            .unwrap()
            .is_empty(),
        "beta lists nothing of acme's declaration"
    );
    assert_eq!(
        store
            .attachment_content(beta.id, document.id)
            .await
            .unwrap(),
        None,
        "nor reads its document by id"
    );
    assert!(
        !store
            .delete_attachment(beta.id, document.id, &line(&document, false))
            .await
            .unwrap(),
        "nor deletes it"
    );
    assert_eq!(
        store.attachments_after(beta.id, None, 10).await.unwrap(),
        vec![beta_document.clone()],
        "the export pages through beta's own only"
    );
    assert_eq!(
        store
            .attachments_after(TenantId::generate(&clock), None, 10)
            .await
            .unwrap(),
        Vec::<Attachment>::new()
    );

    assert_eq!(
        store
            .list_attachments(acme.id, declaration.id)
            .await
            .unwrap(),
        vec![document.clone()],
        "acme's document is untouched"
    );
    assert_eq!(
        store
            .attachment_content(acme.id, document.id)
            .await
            .unwrap(),
        Some((document, TINY_PNG.to_vec()))
    );
    assert_eq!(
        store
            .attachment_content(acme.id, beta_document.id)
            .await
            .unwrap(),
        None
    );
}

pub async fn the_attachments_of_a_tenant_page_in_id_order(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, first) = tenant_with_filing(store, "acme", &clock).await;
    let (beta, beta_admin, _, beta_declaration) = tenant_with_filing(store, "beta", &clock).await;
    let hanako = employee(
        store,
        &honsha,
        "0002",
        ("山田", "花子", "ヤマダ", "ハナコ"),
        &clock,
    )
    .await;
    let second = filing(&hanako, year(2026), FilingStatus::Draft, &clock);
    insert(store, std::slice::from_ref(&second)).await;

    // Five documents of two declarations, interleaved, and one of beta in the middle.
    let mut stored = Vec::new();
    for index in 0..5 {
        let declaration = if index % 2 == 0 { &first } else { &second };
        let content = pdf_of(100 + index);
        let document = attachment(
            declaration,
            AttachmentKind::ALL[index % AttachmentKind::ALL.len()],
            &format!("書類{index}.pdf"),
            AttachmentFormat::Pdf,
            &content,
            admin,
            &clock,
        );
        store
            .insert_attachment(acme.id, &document, &content, &line(&document, true))
            .await
            .unwrap();
        stored.push(document);
        if index == 2 {
            let beta_document = attachment(
                &beta_declaration,
                AttachmentKind::Other,
                "beta.png",
                AttachmentFormat::Png,
                TINY_PNG,
                beta_admin,
                &clock,
            );
            store
                .insert_attachment(
                    beta.id,
                    &beta_document,
                    TINY_PNG,
                    &line(&beta_document, true),
                )
                .await
                .unwrap();
        }
    }

    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = store.attachments_after(acme.id, after, 2).await.unwrap();
        assert!(page.len() <= 2, "at most the limit");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        pages.push(page);
    }
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 1],
        "two, two, one, then nothing"
    );
    assert_eq!(
        pages.concat(),
        stored,
        "every document once, in id (upload) order, whatever its declaration"
    );
    assert_eq!(
        store.attachments_after(acme.id, None, 10).await.unwrap(),
        stored
    );
    assert_eq!(
        store
            .attachments_after(acme.id, Some(stored[2].id), 1)
            .await
            .unwrap(),
        vec![stored[3].clone()]
    );
    assert!(
        store
            .attachments_after(acme.id, Some(stored[4].id), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.list_attachments(acme.id, second.id).await.unwrap(),
        vec![stored[1].clone(), stored[3].clone()]
    );
}
