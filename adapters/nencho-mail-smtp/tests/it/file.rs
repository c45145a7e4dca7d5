//! `FileMailer` writes what SMTP would carry.

use std::sync::Arc;

use nencho_mail_smtp::FileMailer;
use nencho_ports::{MailError, Mailer, OutgoingMail};

use crate::{BODY, SENDER, SUBJECT, assert_well_formed, fixed_clock, mail_to, within};

fn eml_files(directory: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn writes_a_parseable_eml_into_a_directory_it_creates() {
    let temporary = tempfile::tempdir().unwrap();
    let directory = temporary.path().join("mail").join("outbox");
    let mailer = FileMailer::new(&directory, SENDER, Arc::new(fixed_clock())).unwrap();

    within("writing", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap();

    let names = eml_files(&directory);
    assert_eq!(names, ["20261125T090000.000000000Z-000000.eml"]);
    let raw = std::fs::read(directory.join(&names[0])).unwrap();
    assert_well_formed(&raw, "taro@example.jp", SUBJECT, BODY);
}

#[tokio::test]
async fn two_messages_give_two_files_in_sending_order() {
    let temporary = tempfile::tempdir().unwrap();
    let clock = Arc::new(fixed_clock());
    let mailer = FileMailer::new(temporary.path(), SENDER, clock.clone()).unwrap();
    let first = OutgoingMail {
        subject: "【nencho】1通目".to_owned(),
        ..mail_to("taro@example.jp")
    };
    let second = OutgoingMail {
        subject: "【nencho】2通目".to_owned(),
        ..mail_to("hanako@example.jp")
    };
    let third = OutgoingMail {
        subject: "【nencho】3通目".to_owned(),
        ..mail_to("jiro@example.jp")
    };

    // The first two in the same clock tick, the third a moment later.
    within("writing", mailer.send(&first)).await.unwrap();
    within("writing", mailer.send(&second)).await.unwrap();
    clock.advance(time::Duration::milliseconds(1500));
    within("writing", mailer.send(&third)).await.unwrap();

    let names = eml_files(temporary.path());
    assert_eq!(
        names,
        [
            "20261125T090000.000000000Z-000000.eml",
            "20261125T090000.000000000Z-000001.eml",
            "20261125T090001.500000000Z-000002.eml",
        ]
    );
    let subjects: Vec<String> = names
        .iter()
        .map(|name| {
            let raw = std::fs::read(temporary.path().join(name)).unwrap();
            let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
            message.subject().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        subjects,
        ["【nencho】1通目", "【nencho】2通目", "【nencho】3通目"]
    );
}

#[tokio::test]
async fn never_overwrites_a_file_already_there() {
    let temporary = tempfile::tempdir().unwrap();
    let taken = temporary
        .path()
        .join("20261125T090000.000000000Z-000000.eml");
    std::fs::write(&taken, b"someone else's").unwrap();
    let mailer = FileMailer::new(temporary.path(), SENDER, Arc::new(fixed_clock())).unwrap();

    within("writing", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap();

    assert_eq!(std::fs::read(&taken).unwrap(), b"someone else's");
    assert_eq!(
        eml_files(temporary.path()),
        [
            "20261125T090000.000000000Z-000000.eml",
            "20261125T090000.000000000Z-000001.eml",
        ]
    );
}

#[tokio::test]
async fn a_directory_that_cannot_be_created_is_transient() {
    let temporary = tempfile::tempdir().unwrap();
    let file_in_the_way = temporary.path().join("not-a-directory");
    std::fs::write(&file_in_the_way, b"").unwrap();
    let mailer = FileMailer::new(
        file_in_the_way.join("mail"),
        SENDER,
        Arc::new(fixed_clock()),
    )
    .unwrap();

    let error = within("writing", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
}
