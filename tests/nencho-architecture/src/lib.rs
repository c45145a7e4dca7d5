//! The architecture invariants of docs/ARCHITECTURE.md, checked on `cargo metadata`: the domain
//! crates (every workspace package under `crates/`) must not reach infrastructure — not sqlx,
//! poem, lettre, an HTTP stack or templates, and not tokio's `net`, `fs` or `process` features —
//! directly or through any chain of normal (non-dev, non-build) dependencies.
//!
//! Entry point: [`check`], which returns every violation with the chain that causes it.

use std::collections::{BTreeSet, HashMap, VecDeque};

use cargo_metadata::{DependencyKind, Metadata, Package, PackageId};

/// Crates that mean I/O or a wire format: a domain crate reaching one is a violation.
pub const FORBIDDEN_CRATES: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "sqlx-postgres",
    "sqlx-sqlite",
    "poem",
    "poem-openapi",
    "lettre",
    "hyper",
    "reqwest",
    "askama",
    "mio",
    "tokio-postgres",
    "rusqlite",
];

/// tokio features that do I/O (`full` includes them all).
pub const FORBIDDEN_TOKIO_FEATURES: &[&str] = &["net", "fs", "process", "full"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The domain package that breaks the rule.
    pub package: String,
    /// What it reaches and through which chain, e.g. `sqlx via nencho-x -> sqlx`.
    pub reason: String,
}

/// Every violation in the workspace `metadata` describes (resolved with dependencies).
pub fn check(metadata: &Metadata) -> Vec<Violation> {
    let packages: HashMap<&PackageId, &Package> = metadata
        .packages
        .iter()
        .map(|package| (&package.id, package))
        .collect();
    let domain_root = metadata.workspace_root.join("crates");
    let mut violations = BTreeSet::new();
    for member in metadata
        .workspace_members
        .iter()
        .filter_map(|id| packages.get(id))
    {
        if !member.manifest_path.starts_with(&domain_root) {
            continue;
        }
        for (reached, chain) in normal_dependency_closure(metadata, &member.id, &packages) {
            if FORBIDDEN_CRATES.contains(&reached.name.as_str()) {
                violations.insert(Violation {
                    package: member.name.to_string(),
                    reason: format!("{} via {}", reached.name, chain.join(" -> ")),
                });
            }
            for dependency in reached.dependencies.iter().filter(|dependency| {
                dependency.name == "tokio" && dependency.kind == DependencyKind::Normal
            }) {
                for feature in dependency
                    .features
                    .iter()
                    .filter(|feature| FORBIDDEN_TOKIO_FEATURES.contains(&feature.as_str()))
                {
                    violations.insert(Violation {
                        package: member.name.to_string(),
                        reason: format!(
                            "tokio feature \"{feature}\" via {} -> tokio",
                            chain.join(" -> ")
                        ),
                    });
                }
            }
        }
    }
    violations.into_iter().collect()
}

/// The packages `root` reaches through normal dependencies (itself included), each with the
/// chain of package names that leads to it.
fn normal_dependency_closure<'m>(
    metadata: &'m Metadata,
    root: &'m PackageId,
    packages: &HashMap<&'m PackageId, &'m Package>,
) -> Vec<(&'m Package, Vec<String>)> {
    let Some(resolve) = &metadata.resolve else {
        return Vec::new();
    };
    let nodes: HashMap<&PackageId, _> = resolve.nodes.iter().map(|node| (&node.id, node)).collect();
    let mut reached = Vec::new();
    let mut seen = BTreeSet::from([root]);
    let mut queue = VecDeque::new();
    if let Some(package) = packages.get(root) {
        queue.push_back((root, vec![package.name.to_string()]));
    }
    while let Some((id, chain)) = queue.pop_front() {
        let Some(package) = packages.get(id) else {
            continue;
        };
        reached.push((*package, chain.clone()));
        let Some(node) = nodes.get(id) else { continue };
        for dependency in &node.deps {
            let is_normal = dependency
                .dep_kinds
                .iter()
                .any(|kind| kind.kind == DependencyKind::Normal);
            if is_normal && seen.insert(&dependency.pkg) {
                let name = packages
                    .get(&dependency.pkg)
                    .map_or_else(String::new, |p| p.name.to_string());
                let mut next = chain.clone();
                next.push(name);
                queue.push_back((&dependency.pkg, next));
            }
        }
    }
    reached
}
