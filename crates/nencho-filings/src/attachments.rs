//! Documents attached to a declaration (添付書類): photos or PDFs of the 控除証明書 and the other
//! papers the forms call for, so that reviewers check the amounts against them without waiting
//! for the paper. Which documents a declaration calls for ([`expected_attachments`]) follows the
//! NTA's 「年末調整のしかた」: 生命保険料 (except an old contract's policy of at most 9,000円 a
//! year), 地震保険料, 国民年金保険料等, 小規模企業共済等掛金, the 住宅借入金 certificates, a
//! previous employer's 源泉徴収票, and the 親族関係書類・送金関係書類 of a relative abroad.
//!
//! The originals still go to the employer as it directs (an image is not the 控除証明書 itself);
//! the pages say so.

use nencho_kernel::{AttachmentId, FilingId, OffsetDateTime, TenantId, UserId, Yen};

use crate::document::{Declaration, LifeContractAge};
use crate::history::ValueChange;

/// The largest file accepted: a phone photo of a certificate is 2–5 MB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// At most this many documents per declaration.
pub const MAX_ATTACHMENTS_PER_FILING: usize = 30;

/// The longest file name kept (characters); longer names are cut, keeping the extension.
const MAX_FILE_NAME_CHARS: usize = 100;

/// An old-contract life policy of at most this premium a year needs no certificate
/// (所得税法施行令262条①一, 「年末調整のしかた」).
const OLD_LIFE_POLICY_WITHOUT_CERTIFICATE: i64 = 9_000;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttachmentKind {
    /// 生命保険料控除証明書.
    LifeInsurance,
    /// 地震保険料控除証明書.
    EarthquakeInsurance,
    /// 社会保険料(国民年金保険料等)控除証明書.
    SocialInsurance,
    /// 小規模企業共済等掛金払込証明書.
    MutualAid,
    /// 住宅借入金等特別控除証明書・年末残高等証明書.
    HousingLoan,
    /// 前職の源泉徴収票.
    PreviousEmployment,
    /// 親族関係書類・送金関係書類 (国外居住親族).
    NonResidentRelative,
    /// 学生証明書 (勤労学生).
    Student,
    /// Anything else the employer asked for.
    Other,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 9] = [
        AttachmentKind::LifeInsurance,
        AttachmentKind::EarthquakeInsurance,
        AttachmentKind::SocialInsurance,
        AttachmentKind::MutualAid,
        AttachmentKind::HousingLoan,
        AttachmentKind::PreviousEmployment,
        AttachmentKind::NonResidentRelative,
        AttachmentKind::Student,
        AttachmentKind::Other,
    ];

    /// The stored and posted code.
    pub const fn code(self) -> &'static str {
        match self {
            AttachmentKind::LifeInsurance => "life_insurance",
            AttachmentKind::EarthquakeInsurance => "earthquake_insurance",
            AttachmentKind::SocialInsurance => "social_insurance",
            AttachmentKind::MutualAid => "mutual_aid",
            AttachmentKind::HousingLoan => "housing_loan",
            AttachmentKind::PreviousEmployment => "previous_employment",
            AttachmentKind::NonResidentRelative => "non_resident_relative",
            AttachmentKind::Student => "student",
            AttachmentKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    pub const fn japanese_name(self) -> &'static str {
        match self {
            AttachmentKind::LifeInsurance => "生命保険料控除証明書",
            AttachmentKind::EarthquakeInsurance => "地震保険料控除証明書",
            AttachmentKind::SocialInsurance => "社会保険料(国民年金保険料等)控除証明書",
            AttachmentKind::MutualAid => "小規模企業共済等掛金払込証明書",
            AttachmentKind::HousingLoan => "住宅借入金等特別控除証明書・年末残高等証明書",
            AttachmentKind::PreviousEmployment => "前職の源泉徴収票",
            AttachmentKind::NonResidentRelative => "親族関係書類・送金関係書類(国外居住親族)",
            AttachmentKind::Student => "学生証明書(勤労学生)",
            AttachmentKind::Other => "その他の書類",
        }
    }
}

/// The file formats accepted, recognised by their first bytes (never by the name or the
/// browser's word): what a phone camera, a scanner and a PDF export produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentFormat {
    Pdf,
    Jpeg,
    Png,
}

impl AttachmentFormat {
    /// The format of `content`, or `None` when it is none of the accepted ones.
    pub fn sniff(content: &[u8]) -> Option<AttachmentFormat> {
        if content.starts_with(b"%PDF-") {
            Some(AttachmentFormat::Pdf)
        } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(AttachmentFormat::Jpeg)
        } else if content.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(AttachmentFormat::Png)
        } else {
            None
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            AttachmentFormat::Pdf => "pdf",
            AttachmentFormat::Jpeg => "jpeg",
            AttachmentFormat::Png => "png",
        }
    }

    pub fn from_code(code: &str) -> Option<AttachmentFormat> {
        [
            AttachmentFormat::Pdf,
            AttachmentFormat::Jpeg,
            AttachmentFormat::Png,
        ]
        .into_iter()
        .find(|format| format.code() == code)
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            AttachmentFormat::Pdf => "application/pdf",
            AttachmentFormat::Jpeg => "image/jpeg",
            AttachmentFormat::Png => "image/png",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            AttachmentFormat::Pdf => "pdf",
            AttachmentFormat::Jpeg => "jpg",
            AttachmentFormat::Png => "png",
        }
    }
}

/// One attached document (its content is stored beside it, not held here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub tenant_id: TenantId,
    pub filing_id: FilingId,
    pub kind: AttachmentKind,
    /// The name to download it by ([`clean_file_name`]).
    pub file_name: String,
    pub format: AttachmentFormat,
    /// Bytes.
    pub size: u64,
    pub uploaded_by: UserId,
    pub uploaded_at: OffsetDateTime,
}

impl Attachment {
    /// The line the declaration's history keeps when this document is attached (`attached`)
    /// or removed, so reviewers see who added or took away which file and when.
    pub fn history_change(&self, attached: bool) -> ValueChange {
        ValueChange {
            path: format!("attachments.{}", self.id),
            label: format!("添付書類: {}", self.kind.japanese_name()),
            before: (!attached).then(|| self.file_name.clone()),
            after: attached.then(|| self.file_name.clone()),
        }
    }
}

/// Why a file is refused, in Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("ファイルが空です。")]
    Empty,
    #[error("ファイルが大きすぎます(10MBまで)。写真の場合は画質を下げてください。")]
    TooLarge,
    #[error("PDF、JPEG、PNG のファイルを選んでください。")]
    UnsupportedFormat,
    #[error("添付できる書類は1つの申告につき30件までです。不要なものを削除してください。")]
    TooMany,
}

/// Checks a file before it is stored: not empty, at most [`MAX_ATTACHMENT_BYTES`], a PDF, JPEG
/// or PNG by its content, and room left beside the `already_attached`.
pub fn check_attachment(
    content: &[u8],
    already_attached: usize,
) -> Result<AttachmentFormat, AttachmentError> {
    if content.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    if already_attached >= MAX_ATTACHMENTS_PER_FILING {
        return Err(AttachmentError::TooMany);
    }
    AttachmentFormat::sniff(content).ok_or(AttachmentError::UnsupportedFormat)
}

/// The name a file is kept under: the last part of what the browser sent (some send a whole
/// Windows path), without control characters, at most [`MAX_FILE_NAME_CHARS`] characters,
/// ending in the extension of its real format; `添付書類.{ext}` when nothing is left.
pub fn clean_file_name(sent: &str, format: AttachmentFormat) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let printable: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = printable.trim();
    let stem = match trimmed.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim(),
        _ => trimmed,
    };
    let stem = if stem.is_empty() {
        "添付書類"
    } else {
        stem
    };
    let extension = format.extension();
    let room = MAX_FILE_NAME_CHARS.saturating_sub(extension.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{extension}")
}

/// A document the declaration calls for: its kind and what it is for (生命保険1 (A生命), …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAttachment {
    pub kind: AttachmentKind,
    pub subject: String,
}

/// The documents `declaration` calls for, in form order.
pub fn expected_attachments(declaration: &Declaration) -> Vec<ExpectedAttachment> {
    let mut expected = Vec::new();
    let mut expect = |kind: AttachmentKind, subject: String| {
        expected.push(ExpectedAttachment { kind, subject });
    };
    for (index, policy) in declaration.life_policies.iter().enumerate() {
        let small_old = policy.contract == LifeContractAge::Old
            && policy.premium <= Yen::new(OLD_LIFE_POLICY_WITHOUT_CERTIFICATE);
        if !small_old {
            expect(
                AttachmentKind::LifeInsurance,
                format!("生命保険{} ({})", index + 1, policy.insurer),
            );
        }
    }
    for (index, policy) in declaration.earthquake_policies.iter().enumerate() {
        expect(
            AttachmentKind::EarthquakeInsurance,
            format!("地震保険{} ({})", index + 1, policy.insurer),
        );
    }
    for (index, payment) in declaration.social_insurance.iter().enumerate() {
        if payment.kind.contains("国民年金") {
            expect(
                AttachmentKind::SocialInsurance,
                format!("社会保険料{} ({})", index + 1, payment.kind),
            );
        }
    }
    for (index, payment) in declaration.mutual_aid.iter().enumerate() {
        expect(
            AttachmentKind::MutualAid,
            format!("掛金{} ({})", index + 1, payment.kind.japanese_name()),
        );
    }
    if declaration.housing_loan.is_some() {
        expect(
            AttachmentKind::HousingLoan,
            "住宅借入金等特別控除証明書と年末残高等証明書(年末残高等証明書は金融機関から届いた場合)"
                .to_owned(),
        );
    }
    for (index, job) in declaration.previous_employments.iter().enumerate() {
        expect(
            AttachmentKind::PreviousEmployment,
            format!("前職{} ({})", index + 1, job.payer_name),
        );
    }
    if let Some(spouse) = declaration
        .spouse
        .as_ref()
        .filter(|spouse| spouse.non_resident)
    {
        expect(
            AttachmentKind::NonResidentRelative,
            format!("配偶者 ({})", spouse.name.name),
        );
    }
    for (index, relative) in declaration.relatives.iter().enumerate() {
        if relative.non_resident && !relative.claimed_by_other_earner {
            expect(
                AttachmentKind::NonResidentRelative,
                format!("親族{} ({})", index + 1, relative.name.name),
            );
        }
    }
    expected
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::document::{LifePolicy, LifePolicyKind, PreviousEmployment, SocialInsurancePayment};

    #[test]
    fn formats_are_known_by_their_content_not_their_name() {
        assert_eq!(
            check_attachment(b"%PDF-1.7\n...", 0),
            Ok(AttachmentFormat::Pdf)
        );
        assert_eq!(
            check_attachment(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], 0),
            Ok(AttachmentFormat::Jpeg)
        );
        assert_eq!(
            check_attachment(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 0),
            Ok(AttachmentFormat::Png)
        );
        assert_eq!(
            check_attachment(b"<html><script>alert(1)</script>", 0),
            Err(AttachmentError::UnsupportedFormat)
        );
        assert_eq!(check_attachment(b"", 0), Err(AttachmentError::Empty));
        let large = vec![0xFF; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(check_attachment(&large, 0), Err(AttachmentError::TooLarge));
        assert_eq!(
            check_attachment(b"%PDF-1.7", MAX_ATTACHMENTS_PER_FILING),
            Err(AttachmentError::TooMany)
        );
    }

    #[test]
    fn file_names_lose_their_path_and_take_the_real_extension() {
        assert_eq!(
            clean_file_name(
                r"C:\Users\yamada\Desktop\生命保険.JPG",
                AttachmentFormat::Jpeg
            ),
            "生命保険.jpg"
        );
        assert_eq!(
            clean_file_name("../../etc/passwd", AttachmentFormat::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            clean_file_name("証明書.html", AttachmentFormat::Png),
            "証明書.png"
        );
        assert_eq!(
            clean_file_name(" \u{0}\n", AttachmentFormat::Pdf),
            "添付書類.pdf"
        );
        let long = "あ".repeat(300);
        let kept = clean_file_name(&long, AttachmentFormat::Pdf);
        assert_eq!(kept.chars().count(), 100);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn the_declaration_calls_for_the_certificates_the_forms_need() {
        let policy = |insurer: &str, contract: LifeContractAge, premium: i64| LifePolicy {
            insurer: insurer.into(),
            policy_type: String::new(),
            kind: LifePolicyKind::General,
            contract,
            period: String::new(),
            beneficiary: String::new(),
            premium: Yen::new(premium),
        };
        let mut document = Declaration {
            life_policies: vec![
                policy("A生命", LifeContractAge::New, 5_000),
                // An old contract of 9,000円 or less a year needs no certificate.
                policy("B生命", LifeContractAge::Old, 9_000),
                policy("C生命", LifeContractAge::Old, 9_001),
            ],
            social_insurance: vec![
                SocialInsurancePayment {
                    kind: "国民年金保険料".into(),
                    payee: String::new(),
                    borne_by: "長女".into(),
                    amount: Yen::new(200_000),
                },
                SocialInsurancePayment {
                    kind: "国民健康保険料".into(),
                    payee: String::new(),
                    borne_by: "本人".into(),
                    amount: Yen::new(100_000),
                },
            ],
            previous_employments: vec![PreviousEmployment {
                payer_name: "株式会社前職".into(),
                payer_address: String::new(),
                left_on: date!(2026 - 03 - 31),
                salary: Yen::new(1),
                social_insurance: Yen::ZERO,
                tax_withheld: Yen::ZERO,
            }],
            ..Declaration::default()
        };
        let mut abroad = crate::fixtures::relative("山田 梅", "母", date!(1950 - 01 - 01));
        abroad.non_resident = true;
        document.relatives.push(abroad);
        let subjects: Vec<(AttachmentKind, String)> = expected_attachments(&document)
            .into_iter()
            .map(|expected| (expected.kind, expected.subject))
            .collect();
        assert_eq!(
            subjects,
            [
                (
                    AttachmentKind::LifeInsurance,
                    "生命保険1 (A生命)".to_owned()
                ),
                (
                    AttachmentKind::LifeInsurance,
                    "生命保険3 (C生命)".to_owned()
                ),
                (
                    AttachmentKind::SocialInsurance,
                    "社会保険料1 (国民年金保険料)".to_owned()
                ),
                (
                    AttachmentKind::PreviousEmployment,
                    "前職1 (株式会社前職)".to_owned()
                ),
                (
                    AttachmentKind::NonResidentRelative,
                    "親族1 (山田 梅)".to_owned()
                ),
            ]
        );
        assert!(expected_attachments(&Declaration::default()).is_empty());
    }

    #[test]
    fn kinds_and_formats_round_trip_their_codes() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::from_code(kind.code()), Some(kind));
        }
        for format in [
            AttachmentFormat::Pdf,
            AttachmentFormat::Jpeg,
            AttachmentFormat::Png,
        ] {
            assert_eq!(AttachmentFormat::from_code(format.code()), Some(format));
        }
        assert_eq!(AttachmentKind::from_code("passport"), None);
    }
}
