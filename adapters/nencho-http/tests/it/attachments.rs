//! 添付書類 through the HTTP surface, on SQLite and on PostgreSQL: the employee attaches a
//! photo of a certificate (poem's test client sends ASCII file names only; the Japanese ones
//! are covered by `clean_file_name`'s unit test) the declaration calls for and the checklist ticks it; a file that is
//! not a PDF/JPEG/PNG by its content, one over 10 MB and a forged token are refused and store
//! nothing; the employee and a 承認者 of the company open it byte for byte (inline, nosniff); a
//! 参照者 of another company and another tenant's session do not; once submitted it cannot
//! change; staff entering a paper filing attach and remove.

use std::sync::Arc;

use nencho_filings::MAX_ATTACHMENT_BYTES;
use nencho_identity::{CompanyRole, Role};
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{
    QUESTIONS, World, borrowed, hidden, policies, redirected_to, save_step, world,
};
use crate::sites::{browser, new_person, registered_company};

on_both_stores!(a_certificate_is_attached_checked_and_opened_by_those_who_may);

/// A PNG's signature and the start of its header: enough for the format check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// The ids of the attachments listed on `page`, in order.
fn listed(page: &str) -> Vec<String> {
    page.match_indices(r#"class="attachment" data-id=""#)
        .map(|(at, marker)| {
            let rest = &page[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn stored_count<E: poem::Endpoint>(world: &World<E>) -> usize {
    let filing = world.filing().await;
    world
        .services
        .app
        .store
        .list_attachments(filing.tenant_id, filing.id)
        .await
        .unwrap()
        .len()
}

async fn a_certificate_is_attached_checked_and_opened_by_those_who_may(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);
    let base = format!("/filings/{year}");

    // A life policy: the checklist asks for its certificate.
    let mut answers: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    answers[2] = ("paid_life_insurance", "yes");
    let answer = save_step(&mut employee, &base, "questions", &answers).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let policy = policies("60,000");
    let answer = save_step(&mut employee, &base, "insurance", &borrowed(&policy[..7])).await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER, "{}", answer.1);
    let review = format!("{base}/review");
    let (status, page, _) = employee.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"<li data-provided="false" data-original="">□ 生命保険料控除証明書: 生命保険1 (A生命保険株式会社)"#),
        "{page}"
    );
    assert!(page.contains(r#"id="no-attachments""#));

    // Refused: not an image or PDF by its content (whatever its name), too large, forged.
    let (status, body, _) = employee
        .post_file(
            &format!("{base}/attachments"),
            &[("kind", "life_insurance")],
            "certificate.jpg",
            b"<html><script>alert(1)</script></html>",
            "image/jpeg",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("PDF、JPEG、PNG のファイルを選んでください"));
    let mut large = PNG.to_vec();
    large.resize(MAX_ATTACHMENT_BYTES + 1, 0);
    let (status, _, _) = employee
        .post_file(
            &format!("{base}/attachments"),
            &[("kind", "life_insurance")],
            "big.png",
            &large,
            "image/png",
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    employee.get(&review).await;
    let (status, _, _) = employee
        .post_file(
            &format!("{base}/attachments"),
            &[("kind", "life_insurance"), ("csrf_token", "00ff")],
            "a.png",
            PNG,
            "image/png",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(stored_count(&world).await, 0, "nothing stored");

    // Attached: listed, the checklist ticked, opened byte for byte.
    employee.get(&review).await;
    let (status, _, location) = employee
        .post_file(
            &format!("{base}/attachments"),
            &[("kind", "life_insurance")],
            r"C:\Users\yamada\seimei-hoken.PNG",
            PNG,
            "image/png",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("{review}?notice=attached#attachments").as_str())
    );
    let (_, page, _) = employee.get(&format!("{review}?notice=attached")).await;
    assert!(page.contains("書類を添付しました。"), "{page}");
    assert!(
        page.contains(r#"<li data-provided="true" data-original="">✓ 生命保険料控除証明書"#),
        "{page}"
    );
    let ids = listed(&page);
    assert_eq!(ids.len(), 1, "{page}");
    let own_link = format!("{base}/attachments/{}", ids[0]);
    assert!(page.contains(&format!(r#"href="{own_link}""#)));
    assert!(
        page.contains(">seimei-hoken.png<"),
        "the name without its path, real extension"
    );
    let (status, headers, bytes) = employee.get_file(&own_link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PNG);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline; ")
    );

    // A 承認者 of the company sees it on the review page and opens it; a 参照者 of another
    // company and another tenant's session do not.
    let filing = world.filing().await;
    let staff_link = format!("/admin/attachments/{}", ids[0]);
    let mut approver = world.staff.remove(1);
    let (status, page, _) = approver.get(&format!("/admin/filings/{}", filing.id)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&format!(r#"href="{staff_link}""#)), "{page}");
    assert!(
        !page.contains(r#"id="attachment-upload""#),
        "reviewers do not upload here"
    );
    assert!(
        page.contains("<td>添付書類: 生命保険料控除証明書</td><td>—</td><td>seimei-hoken.png</td>"),
        "the history says who attached what: {page}"
    );
    let (status, _, bytes) = approver.get_file(&staff_link).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PNG));
    let tenant = world.company.tenant_id;
    let other = registered_company(&world.services, tenant, "株式会社ビー").await;
    let admin_user =
        crate::sites::session_user(&world.services.app, &world.notice.tenant, &world.admin).await;
    let mut outsider = browser(&store, "acme.localhost:8080");
    new_person(
        &world.services,
        &world.notice,
        &admin_user,
        &mut outsider,
        "sansho-b",
        Role::General,
        Some((CompanyRole::Viewer, other.id)),
    )
    .await;
    let (status, _, bytes) = outsider.get_file(&staff_link).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_ne!(bytes, PNG);
    let (status, _, _) = outsider.get_file(&own_link).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not an employee: no own declaration"
    );
    let mut anonymous = browser(&store, "acme.localhost:8080");
    let (status, headers, _) = anonymous.get_file(&staff_link).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login");

    // Submitted: the documents no longer change (withdraw first).
    let (_, page, _) = employee.get(&review).await;
    let version = hidden(&page, "version");
    let (status, page, _) = employee
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = employee.get(&review).await;
    assert!(!page.contains(r#"id="attachment-upload""#));
    let (status, body, _) = employee
        .post_file(
            &format!("{base}/attachments"),
            &[("kind", "other")],
            "b.png",
            PNG,
            "image/png",
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&body).contains("提出を取り下げてください"));

    // Staff entering it (担当者, EditFilings) attach and remove on the submitted declaration.
    let mut clerk = world.staff.remove(0);
    let proxy = format!("/admin/employees/{}/filings/{year}", world.employee.id);
    clerk.get(&format!("{proxy}/review")).await;
    let (status, _, _) = clerk
        .post_file(
            &format!("{proxy}/attachments"),
            &[("kind", "other")],
            "scan.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "application/pdf",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = clerk.get(&format!("{proxy}/review")).await;
    let ids = listed(&page);
    assert_eq!(ids.len(), 2, "{page}");
    let (status, _, _) = clerk
        .post(&format!("{proxy}/attachments/{}/delete", ids[1]), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(stored_count(&world).await, 1);
    let (_, page, _) = clerk.get(&format!("/admin/filings/{}", filing.id)).await;
    assert!(
        page.contains("<td>添付書類: その他の書類</td><td>scan.pdf</td><td>—</td>"),
        "the history says who removed what: {page}"
    );
    // A guessed id of no document of this declaration: not found, nothing removed.
    let (status, _, _) = clerk
        .post(&format!("{proxy}/attachments/{}/delete", ids[1]), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
