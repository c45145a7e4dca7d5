//! The invariant on this workspace, and the checker itself on a fixture that breaks it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::path::PathBuf;

use cargo_metadata::MetadataCommand;
use nencho_architecture::{Violation, check};

fn manifest(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn domain_crates_reach_no_infrastructure() {
    let metadata = MetadataCommand::new()
        .manifest_path(manifest("../../Cargo.toml"))
        .exec()
        .unwrap();
    let domain: Vec<&str> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|package| {
            package
                .manifest_path
                .starts_with(metadata.workspace_root.join("crates"))
        })
        .map(|package| package.name.as_str())
        .collect();
    for expected in [
        "nencho-kernel",
        "nencho-ports",
        "nencho-app",
        "nencho-tenancy",
        "nencho-tax",
    ] {
        assert!(
            domain.contains(&expected),
            "{expected} is checked as a domain crate: {domain:?}"
        );
    }
    assert_eq!(check(&metadata), Vec::<Violation>::new());
}

/// The fixture workspace has path-only stubs named like the real crates, so it resolves
/// offline: `nencho-bad` depends on `sqlx`; `nencho-sneaky` reaches tokio's `net` feature through
/// a middleman; `nencho-clean` uses tokio `sync` and only dev-depends on `sqlx`.
#[test]
fn the_checker_catches_direct_and_transitive_violations_and_nothing_else() {
    let metadata = MetadataCommand::new()
        .manifest_path(manifest("fixtures/violating-workspace/Cargo.toml"))
        .other_options(vec!["--offline".to_owned()])
        .exec()
        .unwrap();
    let violations = check(&metadata);
    assert_eq!(
        violations,
        vec![
            Violation {
                package: "nencho-bad".into(),
                reason: "sqlx via nencho-bad -> sqlx".into()
            },
            Violation {
                package: "nencho-sneaky".into(),
                reason: "tokio feature \"net\" via nencho-sneaky -> middleman -> tokio".into(),
            },
        ]
    );
}
