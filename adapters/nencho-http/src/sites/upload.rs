//! Reading a `multipart/form-data` form whose one file is small enough to hold in memory (a
//! settlement's totals, an attached certificate): the CSRF token is checked before the file is
//! read, and the file is cut off one byte past the limit so an oversized one costs no more.

use std::collections::BTreeMap;

use poem::web::Multipart;
use tokio::io::AsyncReadExt;

use crate::sites::context::Site;

/// The form's text fields by name, and its file.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    pub fields: BTreeMap<String, String>,
    pub file: Vec<u8>,
    /// The name the browser gave the file (may be a whole path, or empty).
    pub file_name: String,
}

impl Upload {
    /// A text field, trimmed; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |value| value.trim())
    }
}

/// Why an upload was not read.
#[derive(Debug)]
pub(crate) enum UploadProblem {
    /// The CSRF token was missing or wrong (or came after the file).
    Forged,
    /// The file is larger than the limit.
    TooLarge,
    /// The body is not a readable multipart form.
    Broken(String),
}

/// Reads the form: text fields, and the field `file_field` as the file of at most `max_bytes`.
pub(crate) async fn receive_upload(
    site: &Site<'_>,
    multipart: &mut Multipart,
    file_field: &str,
    max_bytes: u64,
) -> Result<Upload, UploadProblem> {
    let mut upload = Upload::default();
    let csrf_ok = |upload: &Upload| site.csrf_ok(upload.field("csrf_token"));
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(UploadProblem::Broken(error.to_string())),
        };
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if name == file_field {
            if !csrf_ok(&upload) {
                return Err(UploadProblem::Forged);
            }
            upload.file_name = field.file_name().unwrap_or_default().to_owned();
            let mut reader = field.into_async_read().take(max_bytes + 1);
            reader
                .read_to_end(&mut upload.file)
                .await
                .map_err(|error| UploadProblem::Broken(error.to_string()))?;
            if u64::try_from(upload.file.len()).unwrap_or(u64::MAX) > max_bytes {
                return Err(UploadProblem::TooLarge);
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            upload.fields.insert(name.clone(), value);
            if name == "csrf_token" && !csrf_ok(&upload) {
                return Err(UploadProblem::Forged);
            }
        }
    }
    if !csrf_ok(&upload) {
        return Err(UploadProblem::Forged);
    }
    Ok(upload)
}
